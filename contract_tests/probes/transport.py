"""HTTP-level rules: paths, methods, media types, charsets, size, JSON syntax, `Accept`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from contract_tests.core import BoundaryObservation, Exchange, Probe, Violation, violation
from contract_tests.invariants import response_json
from contract_tests.probes.base import (
    Raw,
    acceptance,
    base_request,
    constant,
    error_of,
    expect_refusal,
    json_bytes,
    observe,
    refusal,
    send_raw,
)
from contract_tests.session import SEND_PATH, TOKEN_PATH, Session

MiB = 1024 * 1024
TRANSPORT = "transport"
JSON_HEADERS = {"Content-Type": "application/json"}


def _valid(content_type: str, encoding: str = "utf-8") -> Raw:
    body = json.dumps(base_request(), ensure_ascii=False).encode(encoding)
    return Raw(content=body, headers={"Content-Type": content_type})


def _media_type_probes() -> list[Probe]:
    accepted = [
        ("text-json", "text/json", "utf-8"),
        ("plus-json", "application/vnd.twosms+json", "utf-8"),
        ("charset-utf8", "application/json; charset=utf-8", "utf-8"),
        ("charset-ascii", "application/json; charset=us-ascii", "ascii"),
        ("charset-utf16", "application/json; charset=utf-16", "utf-16"),
        ("charset-utf32", "application/json; charset=utf-32", "utf-32"),
    ]
    probes = [
        acceptance(
            f"media-type-accepts-{name}",
            check=TRANSPORT,
            rule="media-type",
            request=constant(_valid(ct, enc)),
            description=f"A JSON body sent as {ct} ({enc}) is accepted.",
        )
        for name, ct, enc in accepted
    ]
    refused = [
        ("none", None),
        ("text-plain", "text/plain"),
        ("form", "application/x-www-form-urlencoded"),
        ("xml", "application/xml"),
    ]
    for name, ct in refused:
        headers: dict[str, str | None] = {"Content-Type": ct}
        probes.append(
            refusal(
                f"media-type-refuses-{name}",
                check=TRANSPORT,
                rule="media-type",
                request=constant(Raw(content=json_bytes(base_request()), headers=headers)),
                status=415,
                code="UnsupportedMediaType",
                description=f"A body with Content-Type {ct or '(missing)'} gets 415.",
            )
        )
    probes.append(
        refusal(
            "charset-refuses-latin1",
            check=TRANSPORT,
            rule="charset",
            request=lambda s: _valid("application/json; charset=iso-8859-1"),
            status=415,
            code="UnsupportedMediaType",
            description="A charset other than UTF-8, US-ASCII, UTF-16 or UTF-32 gets 415.",
        )
    )
    return probes


def _json_probes() -> list[Probe]:
    bodies = {
        "truncated": b'{"Contacts": {"QuickRecipients": {"+447700900123": 2}}, "Type": 1,',
        "garbage": b"this is not json",
        "empty": b"",
        "nan": b'{"Contacts": {}, "Content": "x", "Options": {"Reads": NaN}, "Type": 1}',
        "infinity": b'{"Contacts": {}, "Content": "x", "Options": {"Reads": Infinity}, "Type": 1}',
        "invalid-utf8": b'{"Contacts": {}, "Content": "\xff\xfe\xfd", "Options": {}, "Type": 1}',
        "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    }
    probes = [
        refusal(
            "json-ascii-charset-with-non-ascii-bytes",
            check=TRANSPORT,
            rule="InvalidJson",
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
            rule="InvalidJson",
            request=constant(Raw(content=body, headers=JSON_HEADERS)),
            status=400,
            code="InvalidJson",
            description=f"A {name} JSON body is InvalidJson (400), never a 5xx.",
        )
        for name, body in bodies.items()
    ]
    # CONTRACT.md: duplicate keys, the last one wins.
    raw = json_bytes(base_request()).replace(
        b'"Content": "Contract test"', b'"Content": "first", "Content": "last wins"'
    )
    probes.append(
        acceptance(
            "json-duplicate-keys-last-wins",
            check=TRANSPORT,
            rule="duplicate-keys",
            request=lambda s: Raw(content=raw, headers=JSON_HEADERS),
            description="With duplicate keys the last one wins.",
            then=_message_text_is("last wins"),
        )
    )
    return probes


def _message_text_is(expected: str) -> Callable[[Session, Exchange], Iterator[Violation]]:
    def check(session: Session, exchange: Exchange) -> Iterator[Violation]:
        body = response_json(exchange)
        text = body["ResponseData"]["Detail"]["MessageText"]
        if text != expected:
            yield violation(
                exchange,
                TRANSPORT,
                "duplicate-keys",
                "duplicate keys: the last value must win",
                repr(text),
                repr(expected),
            )

    return check


def _padded(size: int) -> bytes:
    """A valid request of exactly `size` bytes (an unknown property carries the padding)."""
    body = base_request()
    skeleton = json_bytes({**body, "Padding": ""})
    content = json_bytes({**body, "Padding": "x" * (size - len(skeleton))})
    assert len(content) == size
    return content


def _oversized() -> bytes:
    return _padded(MiB + 1)


def _size_run(session: Session) -> Iterator[Violation]:
    """At 1 MiB the body is accepted; one byte more is 413 (CONTRACT.md: over 1 MiB)."""
    for side, size in (("at", MiB), ("above", MiB + 1)):
        content = _padded(size)
        exchange = send_raw(session, Raw(content=content, headers=JSON_HEADERS))
        if side == "at":
            found = observe(session, exchange)
            ok = exchange.response.status == 200
            if not ok:
                code, _reason = error_of(exchange)
                found.append(
                    violation(
                        exchange,
                        TRANSPORT,
                        "PayloadTooLarge",
                        "a body of exactly 1 MiB was refused",
                        f"{exchange.response.status} {code}",
                        "200 (only a body over 1 MiB is too large)",
                    )
                )
            expected = "200"
        else:
            found = expect_refusal(
                session,
                exchange,
                check=TRANSPORT,
                rule="PayloadTooLarge",
                status=413,
                code="PayloadTooLarge",
            )
            ok = not found
            expected = "413 PayloadTooLarge"
        session.boundaries.append(
            BoundaryObservation(
                "body size (1 MiB)",
                side,
                f"{size} bytes",
                expected,
                str(exchange.response.status),
                ok,
            )
        )
        yield from found


def _paths_and_methods() -> list[Probe]:
    probes = [
        acceptance(
            f"path-{name}",
            check=TRANSPORT,
            rule="path-matching",
            request=constant(
                Raw(path=path, content=json_bytes(base_request()), headers=JSON_HEADERS)
            ),
            description=f"The send path written {name} reaches the endpoint.",
        )
        for name, path in (("upper-case", SEND_PATH.upper()), ("trailing-slash", SEND_PATH + "/"))
    ]
    probes.append(
        refusal(
            "path-unknown-suffix",
            check=TRANSPORT,
            rule="NotFound",
            request=constant(
                Raw(
                    path=SEND_PATH + "/42", content=json_bytes(base_request()), headers=JSON_HEADERS
                )
            ),
            status=404,
            code="NotFound",
            description="A path below the send path is unknown: 404 NotFound.",
        )
    )
    probes.append(
        refusal(
            "path-unknown",
            check=TRANSPORT,
            rule="NotFound",
            request=lambda s: Raw(
                path="/api/v2/sms/nothing", content=json_bytes(base_request()), headers=JSON_HEADERS
            ),
            status=404,
            code="NotFound",
            description="An unknown path gets 404 NotFound in the envelope.",
        )
    )
    for path in (SEND_PATH, TOKEN_PATH):
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            probes.append(
                refusal(
                    f"method-{method.lower()}-{path.strip('/').replace('/', '-').lower()}",
                    check=TRANSPORT,
                    rule="MethodNotAllowed",
                    request=constant(Raw(method=method, path=path)),
                    status=405,
                    code="MethodNotAllowed",
                    description=f"{method} {path} gets 405 with Allow: POST.",
                )
            )
    return probes


def _accept_run(session: Session) -> Iterator[Violation]:
    """`Accept: text/json` gets text/json, on a 200 and on an error; anything else JSON."""
    cases = [
        ("text/json", base_request(), "text/json"),
        ("text/json", base_request(Contacts={}), "text/json"),
        ("application/xml", base_request(), "application/json"),
        ("*/*", base_request(), "application/json"),
    ]
    for accept, body, want in cases:
        exchange = session.request("POST", SEND_PATH, json_body=body, headers={"Accept": accept})
        found = observe(session, exchange)
        media = (exchange.response.header("content-type") or "").split(";")[0].strip()
        if media.lower() != want and not any(v.rule == "media-type" for v in found):
            found.append(
                violation(
                    exchange,
                    TRANSPORT,
                    "accept-negotiation",
                    f"Accept: {accept} answered as {media or '(none)'}",
                    media or "(none)",
                    want,
                )
            )
        for v in found:
            if v.rule == "media-type":
                yield violation(
                    exchange, TRANSPORT, "accept-negotiation", v.message, v.received, v.expected
                )
            else:
                yield v


def _order_probes() -> list[Probe]:
    """CONTRACT.md's order of the HTTP-level checks: 404, 405, auth, media type, size,
    charset, JSON syntax. Each request breaks two; the earlier check must answer."""
    garbage = b"{" + b"x" * MiB  # over 1 MiB, and not JSON
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    latin1 = {"Content-Type": "application/json; charset=iso-8859-1"}
    no_auth = {"Content-Type": "application/json"}
    cases: list[tuple[str, Raw, int, str]] = [
        (
            "NotFound-before-MethodNotAllowed",
            Raw(method="GET", path="/api/v2/sms/nothing"),
            404,
            "NotFound",
        ),
        (
            "MethodNotAllowed-before-Unauthorized",
            Raw(method="GET", auth=False),
            405,
            "MethodNotAllowed",
        ),
        (
            "Unauthorized-before-PayloadTooLarge",
            Raw(content=garbage, headers=no_auth, auth=False),
            401,
            "Unauthorized",
        ),
        (
            "UnsupportedMediaType-before-PayloadTooLarge",
            Raw(content=garbage, headers=form),
            415,
            "UnsupportedMediaType",
        ),
        (
            "PayloadTooLarge-before-InvalidJson",
            Raw(content=garbage, headers=JSON_HEADERS),
            413,
            "PayloadTooLarge",
        ),
        (
            "charset-before-InvalidJson",
            Raw(content=b"{not json", headers=latin1),
            415,
            "UnsupportedMediaType",
        ),
    ]
    return [
        refusal(
            f"order-{rule}",
            check="order",
            rule=rule,
            request=constant(raw),
            status=status,
            code=code,
            description=f"Two checks fail; the earlier answers: {status} {code}.",
        )
        for rule, raw, status, code in cases
    ]


def transport_probes() -> list[Probe]:
    return [
        *_order_probes(),
        *_paths_and_methods(),
        *_media_type_probes(),
        *_json_probes(),
        Probe(
            "body-size-boundary",
            TRANSPORT,
            "PayloadTooLarge",
            "1 MiB is accepted, 1 MiB + 1 byte is 413.",
            _size_run,
        ),
        refusal(
            "body-size-chunked",
            check=TRANSPORT,
            rule="PayloadTooLarge",
            request=lambda s: Raw(content=_oversized(), headers=JSON_HEADERS, chunked=True),
            status=413,
            code="PayloadTooLarge",
            description="A body over 1 MiB sent chunked (no Content-Length) is 413 too.",
        ),
        Probe(
            "accept-negotiation",
            TRANSPORT,
            "accept-negotiation",
            "Accept: text/json gets text/json; any other Accept gets application/json.",
            _accept_run,
        ),
    ]
