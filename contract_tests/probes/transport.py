"""HTTP-level rules: paths, methods, media types, charsets, size, JSON syntax, `Accept`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import BoundaryObservation, Exchange, Probe, Violation, violation
from contract_tests.invariants import response_json
from contract_tests.operations import path_methods, unknown_path_below
from contract_tests.probes.base import (
    Body,
    Raw,
    acceptance,
    base_request,
    constant,
    earlier,
    error_of,
    expect_acceptance,
    expect_refusal,
    json_bytes,
    observe,
    refusal,
    send_raw,
)
from contract_tests.probes.ledger import overspending_send
from contract_tests.session import SEND_OPERATION, TOKEN_OPERATION, Session
from twosms_contract.contract import Contract
from twosms_contract.spec import Spec

TRANSPORT = ids.TRANSPORT
JSON_HEADERS = {"Content-Type": "application/json"}


def media_type_allowed(terms: Contract, content_type: str | None) -> str | None:
    """None when the spec's `x-contract.mediaTypes` take a body of this Content-Type, else
    the check that refuses it (`media-type` or `charset`). The suite's own reading: a type
    matches a listed one exactly, or `application/*+json` as any `application/<x>+json`;
    parameters may follow; the charset, when given, must be a listed one."""
    if content_type is None:
        return "media-type"
    head, *params = content_type.split(";")
    kind = head.strip().lower()
    matched = False
    for allowed in terms.media_types.request:
        prefix, star, suffix = allowed.partition("*")
        if kind == allowed or (
            star
            and kind.startswith(prefix)
            and kind.endswith(suffix)
            and len(kind) > len(prefix) + len(suffix)
            and "/" not in kind[len(prefix) :]
        ):
            matched = True
    if not matched:
        return "media-type"
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in terms.media_types.charsets:
            return "charset"
    return None


def _refused_as(content_type: str, check_id: str) -> Callable[[Session], str]:
    """The code a request with this Content-Type gets when check `check_id` fails too: the
    media-type or charset check's where the spec's media types refuse it (they run first),
    else that check's."""

    def code(session: Session) -> str:
        terms = session.spec.terms
        return terms.check(media_type_allowed(terms, content_type) or check_id).code

    return code


def _media_type_probe(name: str, content_type: str | None, encoding: str) -> Probe:
    def run(session: Session) -> Iterator[Violation]:
        headers: dict[str, str | None] = {"Content-Type": content_type}
        body = json.dumps(base_request(), ensure_ascii=False).encode(encoding)
        exchange = send_raw(session, Raw(content=body, headers=headers))
        refused_by = media_type_allowed(session.spec.terms, content_type)
        rule = refused_by or ids.TRANSPORT_MEDIA_TYPE.rule  # or the spec's check that refuses it
        if refused_by is None:
            yield from expect_acceptance(session, exchange, check=TRANSPORT, rule=rule)
        else:
            code = session.spec.terms.check(refused_by).code
            yield from expect_refusal(session, exchange, check=TRANSPORT, rule=rule, code=code)

    return Probe(
        f"media-type-{name}",
        *ids.TRANSPORT_MEDIA_TYPE,
        f"A JSON body sent as {content_type or '(no Content-Type)'} ({encoding}) is accepted "
        "when x-contract.mediaTypes lists its type and charset, else 415.",
        run,
    )


# (name, Content-Type, the body's encoding): each is accepted or refused as the spec's
# media types and charsets say (`media_type_allowed`).
_CONTENT_TYPES: list[tuple[str, str | None, str]] = [
    ("application-json", "application/json", "utf-8"),
    ("text-json", "text/json", "utf-8"),
    ("plus-json", "application/vnd.twosms+json", "utf-8"),
    ("charset-utf8", "application/json; charset=utf-8", "utf-8"),
    ("charset-ascii", "application/json; charset=us-ascii", "ascii"),
    ("charset-utf16", "application/json; charset=utf-16", "utf-16"),
    ("charset-utf32", "application/json; charset=utf-32", "utf-32"),
    ("charset-latin1", "application/json; charset=iso-8859-1", "utf-8"),
    # Media types and parameter names are case-insensitive; the space before a parameter
    # is optional; a value may be quoted (RFC 9110 §8.3.1, §5.6.6).
    ("param-without-space", "application/json;charset=utf-8", "utf-8"),
    ("charset-upper-case", "application/json; charset=UTF-8", "utf-8"),
    ("charset-quoted", 'application/json; charset="utf-8"', "utf-8"),
    ("type-upper-case", "Application/JSON", "utf-8"),
    ("other-parameter", "application/json; odata=verbose; charset=utf-8", "utf-8"),
    ("none", None, "utf-8"),
    ("text-plain", "text/plain", "utf-8"),
    ("form", "application/x-www-form-urlencoded", "utf-8"),
    ("xml", "application/xml", "utf-8"),
    ("json-lines", "application/jsonl", "utf-8"),
    ("json-prefix", "application/json-patch", "utf-8"),
    ("text-plus-json", "text/vnd.twosms+json", "utf-8"),
]


def _media_type_probes() -> list[Probe]:
    probes = [_media_type_probe(*case) for case in _CONTENT_TYPES]
    probes.append(
        Probe(
            "media-type-odd-parameters",
            *ids.TRANSPORT_MEDIA_TYPE,
            "Odd Content-Type parameters (no value, an empty one, stray semicolons) get a "
            "4xx or are accepted, never a 5xx.",
            _odd_parameters_run,
        )
    )
    return probes


def _odd_parameters_run(session: Session) -> Iterator[Violation]:
    body = json_bytes(base_request())
    for content_type in (
        "application/json; foo",
        "application/json; charset=",
        "application/json;;",
        "application/json; a=b=c",
        "application/json; charset",
    ):
        exchange = send_raw(session, Raw(content=body, headers={"Content-Type": content_type}))
        yield from observe(session, exchange)


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
            status=400,
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
            status=400,
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
                code=_refused_as(content_type, "json"),
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
    # CONTRACT.md: duplicate keys, the last one wins.
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
    for depth in (65, 100, 500, 1000, 5000):
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


def _padded(size: int, fill: str = "x") -> bytes:
    """A valid request of exactly `size` bytes in UTF-8 (an unknown property carries the
    padding: `fill` characters, and `x`s for what a whole `fill` would overshoot)."""
    body = base_request()
    room = size - len(json_bytes({**body, "Padding": ""}))
    width = len(fill.encode("utf-8"))
    content = json_bytes({**body, "Padding": fill * (room // width) + "x" * (room % width)})
    assert len(content) == size
    return content


def _oversized(session: Session) -> bytes:
    return _padded(session.spec.terms.limits.max_body_bytes + 1)


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
        content = _padded(size, fill)
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
                status=413,
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
            status=404,
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
                    status=405,
                    code="MethodNotAllowed",
                    description=f"{method} {path} gets 405 with Allow: POST.",
                )
            )
    return probes


def _accept_run(session: Session) -> Iterator[Violation]:
    """`Accept: text/json` gets text/json, on a 200 and on every error; anything else JSON."""
    cases = [
        ("text/json", base_request(), "text/json"),
        ("text/json", base_request(Contacts={}), "text/json"),
        ("application/xml", base_request(), "application/json"),
        ("*/*", base_request(), "application/json"),
        ("text/*", base_request(), "application/json"),
        ("text/plain", base_request(), "application/json"),
        ("TEXT/JSON", base_request(), "text/json"),
        ("application/json, text/json;q=0.1", base_request(), "application/json"),
        ("text/json;q=0", base_request(), "application/json"),
        ("text/json;q=0.9, application/json;q=0.5", base_request(), "text/json"),
    ]
    text_json = {**JSON_HEADERS, "Accept": "text/json"}
    requests: list[tuple[str, Raw, str]] = [
        (accept, Raw(content=json_bytes(body), headers={**JSON_HEADERS, "Accept": accept}), want)
        for accept, body, want in cases
    ]
    # Every answer that carries the envelope follows Accept: 401, 404, 405, 413, 415 too.
    requests += [
        ("text/json", Raw(content=json_bytes(base_request()), headers=text_json, auth=False),
         "text/json"),
        ("text/json", Raw(path="/api/v2/sms/nothing", content=b"{}", headers=text_json),
         "text/json"),
        ("text/json", Raw(method="GET", headers={"Accept": "text/json"}), "text/json"),
        ("text/json", Raw(content=b"{", headers=text_json), "text/json"),
        ("text/json", Raw(content=json_bytes(base_request()),
                          headers={"Content-Type": "text/plain", "Accept": "text/json"}),
         "text/json"),
        ("text/json", Raw(content=_oversized(session), headers=text_json), "text/json"),
    ]  # fmt: skip
    for accept, raw, want in requests:
        yield from _judge_accept(session, send_raw(session, raw), accept, want)
    # ... and 402: a send the balance (known from the 200s above) cannot cover.
    balance = session.observer.balance
    costly = overspending_send(session, balance) if balance is not None else None
    if costly is not None:
        raw = Raw(content=json_bytes(costly), headers=text_json)
        yield from _judge_accept(session, send_raw(session, raw), "text/json", "text/json")


def _judge_accept(
    session: Session, exchange: Exchange, accept: str, want: str
) -> Iterator[Violation]:
    found = observe(session, exchange)
    media = (exchange.response.header("content-type") or "").split(";")[0].strip()
    if media.lower() != want and not any(v.rule == ids.RESPONSE_MEDIA_TYPE.rule for v in found):
        found.append(
            violation(
                exchange,
                *ids.ACCEPT_NEGOTIATION,
                f"Accept: {accept} answered as {media or '(none)'}",
                media or "(none)",
                want,
            )
        )
    for v in found:
        if v.rule == ids.RESPONSE_MEDIA_TYPE.rule:
            yield violation(exchange, *ids.ACCEPT_NEGOTIATION, v.message, v.received, v.expected)
        else:
            yield v


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
        if status != 405 or methods != set(wanted):
            yield violation(
                exchange,
                *ids.METHOD_NOT_ALLOWED,
                f"HEAD {path} is another method",
                f"{status}, Allow: {allow or '(none)'}",
                f"405, Allow: {', '.join(wanted)}",
            )


def _order_probes() -> list[Probe]:
    """CONTRACT.md's order of the HTTP-level checks: 404, 405, auth, media type, size,
    charset, JSON syntax. Each request breaks two; the earlier check must answer."""

    def garbage(session: Session) -> bytes:
        """Over the body limit, and not JSON."""
        return b"{" + b"x" * session.spec.terms.limits.max_body_bytes

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    latin1 = {"Content-Type": "application/json; charset=iso-8859-1"}
    no_auth = {"Content-Type": "application/json"}
    # (rule, the request, the two checks of x-contract.checks it fails): the one the spec
    # runs first must answer.
    cases: list[tuple[str, Body, str, str]] = [
        ("NotFound-before-MethodNotAllowed",
         constant(Raw(method="GET", path="/api/v2/sms/nothing")), "path", "method"),
        ("MethodNotAllowed-before-Unauthorized",
         constant(Raw(method="GET", auth=False)), "method", "auth"),
        ("Unauthorized-before-PayloadTooLarge",
         lambda s: Raw(content=garbage(s), headers=no_auth, auth=False), "auth", "size"),
        ("UnsupportedMediaType-before-PayloadTooLarge",
         lambda s: Raw(content=garbage(s), headers=form), "media-type", "size"),
        ("PayloadTooLarge-before-InvalidJson",
         lambda s: Raw(content=garbage(s), headers=JSON_HEADERS), "size", "json"),
        ("charset-before-InvalidJson",
         constant(Raw(content=b"{not json", headers=latin1)), "charset", "json"),
        ("NotFound-before-Unauthorized",
         constant(Raw(path="/api/v2/sms/nothing", content=b"{}", headers=no_auth, auth=False)),
         "path", "auth"),
        ("PayloadTooLarge-before-charset",
         lambda s: Raw(content=garbage(s), headers=latin1), "size", "charset"),
        ("Unauthorized-before-InvalidJson",
         constant(Raw(content=b"{not json", headers=no_auth, auth=False)), "auth", "json"),
    ]  # fmt: skip
    return [
        refusal(
            f"order-{rule}",
            check="order",
            rule=rule,
            request=request,
            code=earlier(first, second),
            description=f"Two checks fail ({first}, {second}); the one the spec runs first "
            "answers.",
        )
        for rule, request, first, second in cases
    ]


def _malformed_http_run(session: Session) -> Iterator[Violation]:
    """Malformed HTTP is 400 BadRequest in the envelope (CONTRACT.md), before anything else."""
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
            status=400,
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
        *_order_probes(),
        *_paths_and_methods(spec),
        *_media_type_probes(),
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
            request=lambda s: Raw(content=_oversized(s), headers=JSON_HEADERS, chunked=True),
            status=413,
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
            _accept_run,
        ),
    ]
