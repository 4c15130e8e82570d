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
            expected = f"{session.spec.terms.status('PayloadTooLarge')} PayloadTooLarge"
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
    not_found = spec.terms.status("NotFound")
    not_allowed = spec.terms.status("MethodNotAllowed")

    def reaches(*, id: str, path: str, written: str) -> Probe:
        return acceptance(
            id=id,
            check=TRANSPORT,
            rule=ids.PATH_MATCHING.rule,
            request=constant(
                Raw(path=path, content=json_bytes(base_request()), headers=JSON_HEADERS)
            ),
            description=f"The send path written {written} reaches the endpoint.",
        )

    def unknown(*, id: str, path: str | None, what: str) -> Probe:
        """`what` (the path, in words) starts the description."""
        return refusal(
            id=id,
            check=TRANSPORT,
            rule=ids.NOT_FOUND.rule,
            request=_unknown_path_request(path),
            code="NotFound",
            description=f"{what[0].upper()}{what[1:]} gets {not_found} NotFound in the envelope.",
        )

    probes = [
        reaches(id="path-upper-case", path=send_path.upper(), written="upper-case"),
        reaches(id="path-trailing-slash", path=send_path + "/", written="trailing-slash"),
        unknown(
            id="path-unknown-suffix",
            path=None,
            what="a path below the send path that the spec does not have",
        ),
        unknown(id="path-unknown", path="/api/v2/sms/nothing", what="an unknown path"),
        unknown(id="path-unknown-root", path="/", what="/, not a path of the API,"),
        unknown(
            id="path-unknown-outside-the-api",
            path="/messages",
            what="/messages, not a path of the API,",
        ),
        unknown(id="path-unknown-v1", path="/api/v1/sms/messages", what="the v1 path"),
    ]
    # Every other method on the spec's two paths: one probe each.
    probes += [
        refusal(
            id=f"method-{method.lower()}-{path.strip('/').replace('/', '-').lower()}",
            check=TRANSPORT,
            rule=ids.METHOD_NOT_ALLOWED.rule,
            request=constant(Raw(method=method, path=path)),
            code="MethodNotAllowed",
            description=f"{method} {path} gets {not_allowed} with Allow: POST.",
        )
        for path in (send_path, token_path)
        for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS")
    ]
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
        not_allowed = session.spec.terms.check("method").status
        if status != not_allowed or methods != set(wanted):
            yield violation(
                exchange,
                *ids.METHOD_NOT_ALLOWED,
                f"HEAD {path} is another method",
                f"{status}, Allow: {allow or '(none)'}",
                f"{not_allowed}, Allow: {', '.join(wanted)}",
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
    terms = spec.terms
    limit = terms.limits.max_body_bytes
    too_large = terms.status("PayloadTooLarge")
    return [
        Probe(
            id="malformed-http",
            check=ids.BAD_REQUEST.check,
            rule=ids.BAD_REQUEST.rule,
            description="Malformed HTTP (a Content-Length that is not one number) is "
            f"{terms.status('BadRequest')} BadRequest.",
            run=_malformed_http_run,
        ),
        *http_order_probes(),
        *_paths_and_methods(spec),
        *media_type_probes(spec),
        *json_probes(spec),
        Probe(
            id="body-size-boundary",
            check=ids.PAYLOAD_TOO_LARGE.check,
            rule=ids.PAYLOAD_TOO_LARGE.rule,
            description=f"A body of {limit} bytes is accepted, {limit + 1} bytes is {too_large}.",
            run=_size_run,
        ),
        refusal(
            id="body-size-chunked",
            check=TRANSPORT,
            rule=ids.PAYLOAD_TOO_LARGE.rule,
            request=lambda s: Raw(content=oversized(s), headers=JSON_HEADERS, chunked=True),
            code="PayloadTooLarge",
            description=f"A body over {limit} bytes sent chunked (no Content-Length) is "
            f"{too_large} too.",
        ),
        Probe(
            id="method-head",
            check=ids.METHOD_NOT_ALLOWED.check,
            rule=ids.METHOD_NOT_ALLOWED.rule,
            description="HEAD on the send and token paths gets "
            f"{terms.status('MethodNotAllowed')} with Allow: POST.",
            run=_head_run,
        ),
        Probe(
            id="accept-negotiation",
            check=ids.ACCEPT_NEGOTIATION.check,
            rule=ids.ACCEPT_NEGOTIATION.rule,
            description="Accept: text/json gets text/json; any other Accept gets application/json.",
            run=accept_run,
        ),
    ]
