"""HTTP-level rules: malformed HTTP, the order of the HTTP checks (`http_order`), paths,
methods, media types and `Accept` (`media_types`), JSON syntax (`json_syntax`), size."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import (
    SEND_OPERATION,
    TOKEN_OPERATION,
    BoundaryObservation,
    Violation,
    violation,
)
from contract_tests.operations import path_methods, unknown_path_below
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    JSON_HEADERS,
    Raw,
    acceptance,
    base_request,
    constant,
    error_of,
    expect_refusal,
    json_bytes,
    observe,
    oversized,
    padded,
    refusal,
    send_raw,
)
from contract_tests.probes.http_order import http_order_probes
from contract_tests.probes.json_syntax import json_probes
from contract_tests.probes.media_types import accept_run, media_type_probes
from contract_tests.session import Session
from twosms_contract.spec import Spec

TRANSPORT = ids.TRANSPORT


def _size_run(session: Session) -> Iterator[Violation]:
    """At the body limit (`x-contract.limits.maxBodyBytes`) the body is accepted; one byte
    more is 413. The size is counted in bytes: padded with two-byte and four-byte
    characters too."""
    limit = session.spec.terms.limits.max_body_bytes
    for side, size, fill in (
        ("at", limit, "x"),
        ("above", limit + 1, "x"),
        ("at", limit, "é"),
        ("above", limit + 1, "é"),
        ("above", limit + 1, "😀"),
    ):
        content = padded(size, fill)
        exchange = send_raw(session, Raw(content=content, headers=JSON_HEADERS))
        if side == "at":
            found = observe(session, exchange)
            ok = exchange.response.status == 200
            if not ok:
                code, _reason = error_of(exchange)
                found.append(
                    violation(
                        exchange,
                        *ids.PAYLOAD_TOO_LARGE,
                        f"a body of exactly {limit} bytes (padded with {fill!r}) was refused",
                        f"{exchange.response.status} {code}",
                        f"200 (only a body over {limit} bytes is too large)",
                    )
                )
            expected = "200"
        else:
            found = expect_refusal(
                session,
                exchange,
                check=TRANSPORT,
                rule=ids.PAYLOAD_TOO_LARGE.rule,
                code="PayloadTooLarge",
            )
            ok = not found
            expected = "413 PayloadTooLarge"
        session.boundaries.append(
            BoundaryObservation(
                f"body size ({limit} bytes)",
                side,
                f"{size} bytes of UTF-8 ({fill!r} padding)",
                expected,
                str(exchange.response.status),
                ok,
            )
        )
        yield from found


def _unknown_path_request(path: str | None) -> Callable[[Session], Raw]:
    """A send to `path`, or (None) to a path below the send path that no path of the
    session's spec matches."""

    def build(session: Session) -> Raw:
        target = path if path is not None else unknown_path_below(session.spec, session.send_path)
        return Raw(path=target, content=json_bytes(base_request()), headers=JSON_HEADERS)

    return build


def _paths_and_methods(spec: Spec) -> list[Probe]:
    send_path = spec.terms.operation(SEND_OPERATION)[0]
    token_path = spec.terms.operation(TOKEN_OPERATION)[0]
    probes = [
        acceptance(
            f"path-{name}",
            check=TRANSPORT,
            rule=ids.PATH_MATCHING.rule,
            request=constant(
                Raw(path=path, content=json_bytes(base_request()), headers=JSON_HEADERS)
            ),
            description=f"The send path written {name} reaches the endpoint.",
        )
        for name, path in (
            ("upper-case", send_path.upper()),
            ("trailing-slash", send_path + "/"),
        )
    ]
    unknown: tuple[tuple[str, str | None, str], ...] = (
        ("path-unknown-suffix", None, "a path below the send path that the spec does not have"),
        ("path-unknown", "/api/v2/sms/nothing", "an unknown path"),
        ("path-unknown-root", "/", "/, not a path of the API,"),
        ("path-unknown-outside-the-api", "/messages", "/messages, not a path of the API,"),
        ("path-unknown-v1", "/api/v1/sms/messages", "the v1 path"),
    )
    probes += [
        refusal(
            probe_id,
            check=TRANSPORT,
            rule=ids.NOT_FOUND.rule,
            request=_unknown_path_request(path),
            code="NotFound",
            description=f"{what[0].upper()}{what[1:]} gets 404 NotFound in the envelope.",
        )
        for probe_id, path, what in unknown
    ]
    for path in (send_path, token_path):
        for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS"):
            probes.append(
                refusal(
                    f"method-{method.lower()}-{path.strip('/').replace('/', '-').lower()}",
                    check=TRANSPORT,
                    rule=ids.METHOD_NOT_ALLOWED.rule,
                    request=constant(Raw(method=method, path=path)),
                    code="MethodNotAllowed",
                    description=f"{method} {path} gets 405 with Allow: POST.",
                )
            )
    return probes


def _head_run(session: Session) -> Iterator[Violation]:
    """HEAD is another method: 405 with Allow: the path's methods, POST (no body to judge)."""
    for path in (session.send_path, session.token_path):
        exchange = send_raw(session, Raw(method="HEAD", path=path))
        status = exchange.response.status
        allow = exchange.response.header("allow") or ""
        methods = {m.strip().upper() for m in allow.split(",") if m.strip()}
        wanted = path_methods(session.spec, path) or ["POST"]
        if "HEAD" in wanted:
            continue  # the spec documents HEAD there: not this probe's case
        if status != session.spec.terms.check("method").status or methods != set(wanted):
            yield violation(
                exchange,
                *ids.METHOD_NOT_ALLOWED,
                f"HEAD {path} is another method",
                f"{status}, Allow: {allow or '(none)'}",
                f"405, Allow: {', '.join(wanted)}",
            )


def _malformed_http_run(session: Session) -> Iterator[Violation]:
    """Malformed HTTP is 400 BadRequest in the envelope (docs/contract.md), before anything else."""
    body = json_bytes(base_request())
    json_type = ("Content-Type", "application/json")
    bearer = ("Authorization", f"Bearer {session.token}")
    cases: list[tuple[str, list[tuple[str, str | bytes]]]] = [
        ("a Content-Length that is not a number", [json_type, bearer, ("Content-Length", "ab")]),
        (
            "two Content-Lengths that disagree",
            [json_type, bearer, ("Content-Length", str(len(body))), ("Content-Length", "3")],
        ),
    ]
    for what, headers in cases:
        exchange = session.raw_request("POST", session.send_path, headers, body)
        found = expect_refusal(
            session,
            exchange,
            check=TRANSPORT,
            rule=ids.BAD_REQUEST.rule,
            code="BadRequest",
        )
        yield from (
            v if v.rule == ids.BAD_REQUEST.rule else violation(
                exchange, *ids.BAD_REQUEST, f"{what}: {v.message}", v.received, v.expected
            )
            for v in found
        )  # fmt: skip


def transport_probes(spec: Spec) -> list[Probe]:
    limit = spec.terms.limits.max_body_bytes
    too_large = spec.terms.status("PayloadTooLarge")
    return [
        Probe(
            "malformed-http",
            *ids.BAD_REQUEST,
            "Malformed HTTP (a Content-Length that is not one number) is 400 BadRequest.",
            _malformed_http_run,
        ),
        *http_order_probes(),
        *_paths_and_methods(spec),
        *media_type_probes(),
        *json_probes(),
        Probe(
            "body-size-boundary",
            *ids.PAYLOAD_TOO_LARGE,
            f"A body of {limit} bytes is accepted, {limit + 1} bytes is {too_large}.",
            _size_run,
        ),
        refusal(
            "body-size-chunked",
            check=TRANSPORT,
            rule=ids.PAYLOAD_TOO_LARGE.rule,
            request=lambda s: Raw(content=oversized(s), headers=JSON_HEADERS, chunked=True),
            code="PayloadTooLarge",
            description=f"A body over {limit} bytes sent chunked (no Content-Length) is "
            f"{too_large} too.",
        ),
        Probe(
            "method-head",
            *ids.METHOD_NOT_ALLOWED,
            "HEAD on the send and token paths gets 405 with Allow: POST.",
            _head_run,
        ),
        Probe(
            "accept-negotiation",
            *ids.ACCEPT_NEGOTIATION,
            "Accept: text/json gets text/json; any other Accept gets application/json.",
            accept_run,
        ),
    ]
