"""Auth: the bearer token on the send endpoint, and the RFC 6749 token endpoint."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from contract_tests import ids
from contract_tests.core import TOKEN_OPERATION, Exchange, Violation, violation
from contract_tests.operations import (
    media_documented,
    media_type_of,
    response_media_types,
)
from contract_tests.probe import Probe
from contract_tests.probes.base import Raw, base_request, expect_refusal, json_bytes, refusal
from contract_tests.session import Session
from twosms_contract.spec import Spec

AUTH, TOKEN = ids.AUTH, ids.TOKEN


def _send_with(authorization: str | None) -> Raw:
    return Raw(
        content=json_bytes(base_request()),
        headers={"Content-Type": "application/json", "Authorization": authorization},
        auth=False,
    )


def _authorized_by(header: Callable[[Session], str | None]) -> Callable[[Session], Raw]:
    """The send with `header(session)` as Authorization (None: without the header)."""
    return lambda session: _send_with(header(session))


def _non_ascii_run(session: Session) -> Iterator[Violation]:
    """Bytes that are not ASCII in Authorization are an unknown token: 401, never a 5xx."""
    body = json_bytes(base_request())
    for value in (b"Bearer t\xf6k\xe9n", b"Bearer " + session.token.encode() + b"\xe9"):
        exchange = session.raw_request(
            "POST",
            session.send_path,
            [("Content-Type", "application/json"), ("Authorization", value)],
            body,
        )
        yield from expect_refusal(
            session,
            exchange,
            check=AUTH,
            rule=ids.AUTH_UNAUTHORIZED.rule,
            code="Unauthorized",
        )


def auth_probes(spec: Spec) -> list[Probe]:
    unauthorized = spec.terms.status("Unauthorized")

    def refused(*, id: str, header: Callable[[Session], str | None], what: str) -> Probe:
        """A send with `header(session)` as Authorization (None: without the header), which
        `what` describes."""
        return refusal(
            id=id,
            check=AUTH,
            rule=ids.AUTH_UNAUTHORIZED.rule,
            request=_authorized_by(header),
            code="Unauthorized",
            description=f"A send with {what} gets {unauthorized} Unauthorized with "
            "WWW-Authenticate: Bearer.",
        )

    return [
        refused(id="auth-no-token", header=lambda s: None, what="no Authorization header"),
        refused(
            id="auth-wrong-scheme",
            header=lambda s: "Basic " + base64.b64encode(b"demo:demo-secret").decode(),
            what="the Basic scheme",
        ),
        refused(
            id="auth-unknown-token",
            header=lambda s: "Bearer not-a-token-this-server-issued",
            what="a token the server never issued",
        ),
        refused(id="auth-empty-bearer", header=lambda s: "Bearer", what="an empty bearer token"),
        refused(
            id="auth-token-without-scheme",
            header=lambda s: s.token,
            what="a token without the Bearer scheme",
        ),
        refused(
            id="auth-token-with-suffix",
            header=lambda s: f"Bearer {s.token}x",
            what="the issued token and one more byte",
        ),
        refused(
            id="auth-token-prefix",
            header=lambda s: f"Bearer {s.token[:-1]}",
            what="the issued token less its last byte",
        ),
        refused(
            id="auth-two-tokens",
            header=lambda s: f"Bearer {s.token} {s.token}",
            what="two tokens after Bearer",
        ),
        Probe(
            id="auth-non-ascii-header",
            check=ids.AUTH_UNAUTHORIZED.check,
            rule=ids.AUTH_UNAUTHORIZED.rule,
            description="An Authorization header with bytes that are not ASCII gets "
            f"{unauthorized}, never a 5xx.",
            run=_non_ascii_run,
        ),
        refusal(
            id="auth-expired-token",
            check=AUTH,
            rule=ids.AUTH_EXPIRED_TOKEN.rule,
            request=lambda s: _send_with(f"Bearer {s.expired_token}") if s.expired_token else None,
            code="Unauthorized",
            description=f"A send with an expired token gets {unauthorized} (n/a over HTTP "
            "without --expired-token: a live server's tokens last "
            f"{spec.terms.limits.token_lifetime_seconds} s).",
        ),
        refusal(
            id="auth-before-media-type",
            check=ids.ORDER,
            rule=ids.order_rule(ids.AUTH, ids.TRANSPORT_MEDIA_TYPE).rule,
            request=lambda s: Raw(
                content=b"a=b",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                auth=False,
            ),
            code="Unauthorized",
            description="Auth is checked before the media type: no token and a form body is "
            f"{unauthorized}.",
        ),
        Probe(
            id="token-endpoint",
            check=ids.TOKEN_RFC6749.check,
            rule=ids.TOKEN_RFC6749.rule,
            description="POST /Token answers as RFC 6749 and docs/contract.md say.",
            run=_token_run,
        ),
    ]


FORM = "application/x-www-form-urlencoded"
INVALID_REQUEST, INVALID_CLIENT = ids.TOKEN_INVALID_REQUEST.rule, ids.TOKEN_INVALID_CLIENT.rule


@dataclass(frozen=True, slots=True)
class TokenCase:
    """One request to the token endpoint, and the RFC 6749 error it must get (None: a token)."""

    what: str
    form: dict[str, str]
    error: str | None = None
    basic: tuple[str, str] | None = None  # (username, password) as sent, already encoded
    path: str | None = None  # the spec's token path
    content_type: str = FORM
    as_json: bool = False  # the parameters as a JSON object, not a form


def basic_credentials(client_id: str, secret: str) -> tuple[str, str]:
    """RFC 6749 §2.3.1: each is form-urlencoded, then they are the Basic user and password."""
    return quote_plus(client_id, safe=""), quote_plus(secret, safe="")


def _token_request(session: Session, case: TokenCase) -> Exchange:
    headers: dict[str, str | None] = {"Content-Type": case.content_type}
    if case.basic is not None:
        user, password = case.basic
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        )
    content = json.dumps(case.form).encode() if case.as_json else urlencode(case.form).encode()
    path = case.path if case.path is not None else session.token_path
    return session.request("POST", path, content=content, headers=headers, auth=False)


def _token_cases(session: Session) -> list[TokenCase]:
    cid, secret = session.client_id, session.client_secret
    grant = {"grant_type": "client_credentials"}
    credentials = {**grant, "client_id": cid, "client_secret": secret}
    every_byte_escaped = "".join(f"%{b:02X}" for b in cid.encode())
    return [
        TokenCase("form credentials", credentials),
        TokenCase("HTTP Basic credentials", grant, basic=basic_credentials(cid, secret)),
        TokenCase(
            "HTTP Basic credentials with every byte of the id percent-encoded",
            grant,
            basic=(every_byte_escaped, quote_plus(secret, safe="")),
        ),
        TokenCase("the path written /token", credentials, path=session.token_path.lower()),
        TokenCase("the path with a trailing slash", credentials, path=session.token_path + "/"),
        TokenCase("a charset on the form type", credentials, content_type=FORM + "; charset=UTF-8"),
        TokenCase("no grant_type", {"client_id": cid, "client_secret": secret}, INVALID_REQUEST),
        TokenCase(
            "the parameters as JSON (the token endpoint takes a form)",
            credentials,
            INVALID_REQUEST,  # or 415: any refusal, but no token
            content_type="application/json",
            as_json=True,
        ),
        TokenCase(
            "another grant type",
            {**credentials, "grant_type": "password"},
            ids.TOKEN_UNSUPPORTED_GRANT_TYPE.rule,
        ),
        TokenCase(
            "a wrong secret", {**credentials, "client_secret": secret + "-wrong"}, INVALID_CLIENT
        ),
        TokenCase(
            "an unknown client", {**credentials, "client_id": cid + "-unknown"}, INVALID_CLIENT
        ),
        TokenCase(
            "a wrong secret by HTTP Basic",
            grant,
            INVALID_CLIENT,
            basic=basic_credentials(cid, secret + "-wrong"),
        ),
        TokenCase(
            "the secret in another case",
            {**credentials, "client_secret": secret.swapcase()},
            INVALID_CLIENT if secret.swapcase() != secret else None,
        ),
    ]


def _token_run(session: Session) -> Iterator[Violation]:
    for case in _token_cases(session):
        exchange = _token_request(session, case)
        status = exchange.response.status
        if case.as_json:  # not a form: a refusal, 400 invalid_request or 415, never a token
            if not 400 <= status < 500:
                yield violation(
                    exchange,
                    *ids.TOKEN_INVALID_REQUEST,
                    f"a token request with {case.what}",
                    f"{status} {exchange.response.body[:120]!r}",
                    "400 invalid_request (or 415): no token for a body that is not a form",
                )
            continue
        yield from _check_token_answer(session, exchange, case.what, case.error)


def _check_token_answer(
    session: Session, exchange: Exchange, what: str, error: str | None
) -> Iterator[Violation]:
    response = exchange.response
    cache = (response.header("cache-control") or "").lower()
    if "no-store" not in cache:
        yield violation(
            exchange,
            *ids.TOKEN_CACHE_CONTROL,
            f"the token answer to {what} may be cached",
            cache or "(none)",
            "Cache-Control: no-store",
        )
    media = media_type_of(response.header("content-type"))
    documented = response_media_types(session.spec, TOKEN_OPERATION, response.status)
    if documented and not media_documented(media, documented):
        yield violation(
            exchange,
            *ids.TOKEN_MEDIA_TYPE,
            f"the token answer to {what} is not of a media type the spec documents for it",
            media or "(none)",
            " or ".join(documented),
        )
    try:
        body = json.loads(response.body)
    except ValueError:
        body = None
    # The statuses the spec gives the token and the RFC 6749 error answers.
    schema = "TokenResponse" if error is None else "TokenError"
    statuses = session.spec.terms.statuses_answering(TOKEN_OPERATION, schema)
    shown = " or ".join(map(str, statuses))
    if error is None:
        if response.status not in statuses:
            yield violation(
                exchange,
                *ids.TOKEN_ISSUED,
                f"a token request with {what} was refused",
                f"{response.status} {response.body[:120]!r}",
                f"{shown} with a bearer token",
            )
            return
    else:
        got = body.get("error") if isinstance(body, dict) else None
        if response.status not in statuses or got != error:
            yield violation(
                exchange,
                TOKEN,
                error,
                f"a token request with {what}",
                f"{response.status} {got}",
                f"{shown} {error}",
            )
            return
    errors = [e.message for e in session.spec.schema_validator(schema).iter_errors(body)]
    if errors:
        yield violation(
            exchange,
            *ids.TOKEN_SCHEMA,
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
                *ids.TOKEN_WORKS,
                f"a token issued for {what} was refused",
                str(probe.response.status),
                "200",
            )
