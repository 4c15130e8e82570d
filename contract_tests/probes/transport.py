"""HTTP-level rules: malformed HTTP, the order of the HTTP checks (`http_order`), paths,
methods, media types (`media_types`), JSON syntax, size, `Accept`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import (
    SEND_OPERATION,
    TOKEN_OPERATION,
    BoundaryObservation,
    Exchange,
    Violation,
    violation,
)
from contract_tests.invariants import response_json
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
from contract_tests.probes.media_types import accept_run, media_type_probes, refused_as
from contract_tests.session import Session
from twosms_contract.spec import Spec

TRANSPORT = ids.TRANSPORT


def _json_probes() -> list[Probe]:
    bodies = {
        "truncated": b'{"Contacts": {"QuickRecipients": {"+447700900123": 2}}, "Type": 1,',
        "garbage": b"this is not json",
        "empty": b"",
        "nan": b'{"Contacts": {}, "Content": "x", "Options": {"Reads": NaN}, "Type": 1}',
        "infinity": b'{"Contacts": {}, "Content": "x", "Options": {"Reads": Infinity}, "Type": 1}',
        "invalid-utf8": b'{"Contacts": {}, "Content": "\xff\xfe\xfd", "Options": {}, "Type": 1}',
        "negative-infinity": b'{"Contacts": {}, "Content": "x", "Options": {"Reads": -Infinity},'
        b' "Type": 1}',
        "trailing-data": json_bytes(base_request()) + b" trailing",
        "two-documents": json_bytes(base_request()) + json_bytes(base_request()),
        "single-quotes": b"{'Contacts': {}, 'Content': 'x', 'Options': {}, 'Type': 1}",
        "trailing-comma": b'{"Contacts": {}, "Content": "x", "Options": {}, "Type": 1,}',
        "comment": b'{"Contacts": {}, /* no */ "Content": "x", "Options": {}, "Type": 1}',
    }
    probes = [
        refusal(
            "json-ascii-charset-with-non-ascii-bytes",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=constant(
                Raw(
                    content=json_bytes(base_request(Content="café")),
                    headers={"Content-Type": "application/json; charset=us-ascii"},
                )
            ),
            code="InvalidJson",
            description="Bytes that do not decode in the declared charset are InvalidJson.",
        ),
    ]
    probes += [
        refusal(
            f"json-{name}",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=constant(Raw(content=body, headers=JSON_HEADERS)),
            code="InvalidJson",
            description=f"A {name} JSON body is InvalidJson (400), never a 5xx.",
        )
        for name, body in bodies.items()
    ]
    probes.append(
        refusal(
            "json-deep-nesting",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=constant(Raw(content=b"[" * 100_000 + b"]" * 100_000, headers=JSON_HEADERS)),
            status=400,
            code=None,  # InvalidJson where it is too deep to parse; else a top-level array
            description="100 000 nested arrays: 400 (InvalidJson, or ValidationError from a "
            "parser without a depth limit), never a 5xx.",
        )
    )
    for charset, content in (
        ("utf-16", json_bytes(base_request()).decode().encode("utf-16") + b"\x00"),
        ("utf-16", "\ufeff".encode("utf-16-le") + b"\x00\xd8\x7b\x00"),  # lone surrogate
        ("utf-32", json_bytes(base_request()).decode().encode("utf-32")[:-2]),
        ("utf-32", b"\xff\xfe\x00\x00" + b"\x00\x00\x11\x00"),  # beyond U+10FFFF
    ):
        content_type = f"application/json; charset={charset}"
        probes.append(
            refusal(
                f"json-{charset}-undecodable-{len(probes)}",
                check=TRANSPORT,
                rule=ids.INVALID_JSON.rule,
                request=constant(Raw(content=content, headers={"Content-Type": content_type})),
                # A charset the spec does not list is refused as such, before the bytes.
                code=refused_as(content_type, "json"),
                description=f"Bytes that are not {charset.upper()} are InvalidJson (where "
                "the spec lists the charset), never a 5xx.",
            )
        )
    probes.append(
        Probe(
            "json-extremes",
            *ids.INVALID_JSON,
            "Huge numbers and nesting deeper than a parser may allow (inside an unknown "
            "property), and a lone surrogate in Content, get 200, InvalidJson or "
            "ValidationError: never a 5xx.",
            _extremes_run,
        )
    )
    probes.append(
        acceptance(
            "json-depth-at-limit",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=lambda s: Raw(
                content=_nested(s.spec.terms.limits.max_json_depth), headers=JSON_HEADERS
            ),
            description="JSON nested exactly x-contract.limits.maxJsonDepth deep (the request "
            "object is depth 1) is read, not InvalidJson.",
        )
    )
    # docs/contract.md: duplicate keys, the last one wins.
    raw = json_bytes(base_request()).replace(
        b'"Content": "Contract test"', b'"Content": "first", "Content": "last wins"'
    )
    probes.append(
        acceptance(
            "json-duplicate-keys-last-wins",
            check=TRANSPORT,
            rule=ids.DUPLICATE_KEYS.rule,
            request=lambda s: Raw(content=raw, headers=JSON_HEADERS),
            description="With duplicate keys the last one wins.",
            then=_message_text_is("last wins"),
        )
    )
    return probes


def _nested(depth: int) -> bytes:
    """The base request, its unknown property nesting arrays so that the whole body is
    `depth` levels deep (the request object is level 1)."""
    inner = max(0, depth - 1)
    return _with_raw_value(b"[" * inner + b"]" * inner) if inner else json_bytes(base_request())


def _extremes_run(session: Session) -> Iterator[Violation]:
    cases: list[tuple[str, bytes]] = [
        ("a 5000-digit integer (in an unknown property)", _with_raw_value(b"9" * 5000)),
        (
            "a 400-digit negative integer (in an unknown property)",
            _with_raw_value(b"-" + b"9" * 400),
        ),
        ("a number beyond a double (in an unknown property)", _with_raw_value(b"1e400")),
        ("a 30-digit fraction (in an unknown property)", _with_raw_value(b"0." + b"1" * 30)),
    ]
    beyond = session.spec.terms.limits.max_json_depth + 1
    for depth in sorted({beyond, 100, 500, 1000, 5000}):
        arrays = _with_raw_value(b"[" * depth + b"]" * depth)
        objects = _with_raw_value(b'{"a":' * depth + b"1" + b"}" * depth)
        cases.append((f"{depth} levels of arrays (in an unknown property)", arrays))
        cases.append((f"{depth} levels of objects (in an unknown property)", objects))
    for escape in (b"\\ud83d", b"\\udc00"):  # a lone surrogate: legal JSON, not Unicode
        content = json_bytes(base_request(Content="@@")).replace(b"@@", escape + b"abc")
        cases.append((f"a lone surrogate ({escape.decode()}) in Content", content))
    for what, content in cases:
        exchange = send_raw(session, Raw(content=content, headers=JSON_HEADERS))
        found = observe(session, exchange)
        if "surrogate" in what:  # what a server makes of one is open: judge the status only
            found = [v for v in found if v.check == "response"]
        status = exchange.response.status
        code, _reason = error_of(exchange)
        if (
            not found
            and status != 200
            and (status, code)
            not in (
                (400, "InvalidJson"),
                (400, "ValidationError"),
            )
        ):
            found.append(
                violation(
                    exchange,
                    *ids.INVALID_JSON,
                    f"a request with {what}",
                    f"{status} {code}",
                    "200, 400 InvalidJson or 400 ValidationError",
                )
            )
        yield from found


def _with_raw_value(value: bytes) -> bytes:
    """The base request with `value` (raw JSON text) as an unknown property."""
    return json_bytes(base_request())[:-1] + b', "Unknown": ' + value + b"}"


def _message_text_is(expected: str) -> Callable[[Session, Exchange], Iterator[Violation]]:
    def check(session: Session, exchange: Exchange) -> Iterator[Violation]:
        body = response_json(exchange)
        text = body["ResponseData"]["Detail"]["MessageText"]
        if text != expected:
            yield violation(
                exchange,
                *ids.DUPLICATE_KEYS,
                "duplicate keys: the last value must win",
                repr(text),
                repr(expected),
            )

    return check


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
        *_json_probes(),
        Probe(
            "body-size-boundary",
            *ids.PAYLOAD_TOO_LARGE,
            "1 MiB is accepted, 1 MiB + 1 byte is 413.",
            _size_run,
        ),
        refusal(
            "body-size-chunked",
            check=TRANSPORT,
            rule=ids.PAYLOAD_TOO_LARGE.rule,
            request=lambda s: Raw(content=oversized(s), headers=JSON_HEADERS, chunked=True),
            code="PayloadTooLarge",
            description="A body over 1 MiB sent chunked (no Content-Length) is 413 too.",
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
