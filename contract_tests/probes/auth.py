"""Auth: the bearer token on the send endpoint, and the RFC 6749 token endpoint."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

from contract_tests.core import Exchange, Probe, Violation, violation
from contract_tests.probes.base import Raw, base_request, json_bytes, refusal
from contract_tests.session import TOKEN_PATH, Session

AUTH, TOKEN = "auth", "token"


def _send_with(authorization: str | None) -> Raw:
    return Raw(
        content=json_bytes(base_request()),
        headers={"Content-Type": "application/json", "Authorization": authorization},
        auth=False,
    )


def _authorized_by(header: Callable[[Session], str | None]) -> Callable[[Session], Raw]:
    return lambda session: _send_with(header(session))


def auth_probes() -> list[Probe]:
    cases: list[tuple[str, Any, str]] = [
        ("no-token", lambda s: None, "no Authorization header"),
        (
            "wrong-scheme",
            lambda s: "Basic " + base64.b64encode(b"demo:demo-secret").decode(),
            "the Basic scheme",
        ),
        (
            "unknown-token",
            lambda s: "Bearer not-a-token-this-server-issued",
            "a token the server never issued",
        ),
        ("empty-bearer", lambda s: "Bearer", "an empty bearer token"),
        ("token-without-scheme", lambda s: s.token, "a token without the Bearer scheme"),
    ]
    probes = [
        refusal(
            f"auth-{name}",
            check=AUTH,
            rule="Unauthorized",
            request=_authorized_by(header),
            status=401,
            code="Unauthorized",
            description=f"A send with {what} gets 401 Unauthorized with WWW-Authenticate: Bearer.",
        )
        for name, header, what in cases
    ]
    probes.append(
        refusal(
            "auth-expired-token",
            check=AUTH,
            rule="Unauthorized",
            request=lambda s: _send_with(f"Bearer {s.expired_token}") if s.expired_token else None,
            status=401,
            code="Unauthorized",
            description="A send with an expired token gets 401 (needs a target that can mint one).",
        )
    )
    probes.append(
        refusal(
            "auth-before-media-type",
            check="order",
            rule="auth-before-media-type",
            request=lambda s: Raw(
                content=b"a=b",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                auth=False,
            ),
            status=401,
            code="Unauthorized",
            description="Auth is checked before the media type: no token and a form body is 401.",
        )
    )
    probes.append(
        Probe(
            "token-endpoint",
            TOKEN,
            "rfc6749",
            "POST /Token answers as RFC 6749 and CONTRACT.md say.",
            _token_run,
        )
    )
    return probes


def _token_request(
    session: Session, form: dict[str, str], basic: tuple[str, str] | None = None
) -> Exchange:
    headers: dict[str, str | None] = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic is not None:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        )
    from urllib.parse import urlencode

    return session.request(
        "POST", TOKEN_PATH, content=urlencode(form).encode("ascii"), headers=headers, auth=False
    )


def _token_run(session: Session) -> Iterator[Violation]:
    cid, secret = session.client_id, session.client_secret
    grant = {"grant_type": "client_credentials"}
    cases: list[tuple[str, dict[str, str], tuple[str, str] | None, str | None]] = [
        ("form credentials", {**grant, "client_id": cid, "client_secret": secret}, None, None),
        ("HTTP Basic credentials", grant, (cid, secret), None),
        ("no grant_type", {"client_id": cid, "client_secret": secret}, None, "invalid_request"),
        (
            "another grant type",
            {"grant_type": "password", "client_id": cid, "client_secret": secret},
            None,
            "unsupported_grant_type",
        ),
        (
            "a wrong secret",
            {**grant, "client_id": cid, "client_secret": secret + "-wrong"},
            None,
            "invalid_client",
        ),
        (
            "an unknown client",
            {**grant, "client_id": cid + "-unknown", "client_secret": secret},
            None,
            "invalid_client",
        ),
    ]
    for what, form, basic, error in cases:
        exchange = _token_request(session, form, basic)
        yield from _check_token_answer(session, exchange, what, error)


def _check_token_answer(
    session: Session, exchange: Exchange, what: str, error: str | None
) -> Iterator[Violation]:
    response = exchange.response
    cache = (response.header("cache-control") or "").lower()
    if "no-store" not in cache:
        yield violation(
            exchange,
            TOKEN,
            "cache-control",
            f"the token answer to {what} may be cached",
            cache or "(none)",
            "Cache-Control: no-store",
        )
    media = (response.header("content-type") or "").split(";")[0].strip().lower()
    if media != "application/json":
        yield violation(
            exchange,
            TOKEN,
            "token-media-type",
            f"the token answer to {what} is not JSON",
            media or "(none)",
            "application/json",
        )
    try:
        body = json.loads(response.body)
    except ValueError:
        body = None
    if error is None:
        schema = "TokenResponse"
        if response.status != 200:
            yield violation(
                exchange,
                TOKEN,
                "token-issued",
                f"a token request with {what} was refused",
                f"{response.status} {response.body[:120]!r}",
                "200 with a bearer token",
            )
            return
    else:
        schema = "TokenError"
        got = body.get("error") if isinstance(body, dict) else None
        if response.status != 400 or got != error:
            yield violation(
                exchange,
                TOKEN,
                error,
                f"a token request with {what}",
                f"{response.status} {got}",
                f"400 {error}",
            )
            return
    errors = [e.message for e in session.spec.schema_validator(schema).iter_errors(body)]
    if errors:
        yield violation(
            exchange,
            TOKEN,
            "token-schema",
            f"the token answer to {what} is not a {schema}: {errors[0]}",
            json.dumps(body),
            schema,
        )
        return
    if error is None:
        # The token must work: one send with it.
        token = body["access_token"]
        probe = session.request(
            "POST",
            "/api/v2/sms/messages",
            content=json_bytes(base_request()),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            auth=False,
        )
        found = session.observe(probe)
        yield from found
        if probe.response.status != 200:
            yield violation(
                probe,
                TOKEN,
                "token-works",
                f"a token issued for {what} was refused",
                str(probe.response.status),
                "200",
            )
