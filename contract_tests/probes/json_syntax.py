"""JSON syntax: bodies that are not JSON (truncated, NaN, comments, undecodable bytes) are
InvalidJson, never a 5xx; JSON at the spec's depth limit and duplicate keys (the last one
wins) are read. Part of the transport family (`transport.transport_probes`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import Exchange, Violation, violation
from contract_tests.invariants import response_json
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    JSON_HEADERS,
    Raw,
    acceptance,
    base_request,
    constant,
    error_of,
    json_bytes,
    observe,
    refusal,
    send_raw,
)
from contract_tests.probes.media_types import refused_as
from contract_tests.session import Session
from twosms_contract.spec import Spec

TRANSPORT = ids.TRANSPORT


def _undecodable(*, id: str, charset: str, content: bytes) -> Probe:
    """Bytes that are not `charset`, sent as it: InvalidJson where the spec lists the
    charset; a charset it does not list is refused as such, before the bytes."""
    content_type = f"application/json; charset={charset}"
    return refusal(
        id=id,
        check=TRANSPORT,
        rule=ids.INVALID_JSON.rule,
        request=constant(Raw(content=content, headers={"Content-Type": content_type})),
        code=refused_as(content_type, "json"),
        description=f"Bytes that are not {charset.upper()} are InvalidJson (where the spec "
        "lists the charset), never a 5xx.",
    )


def json_probes(spec: Spec) -> list[Probe]:
    """Bodies that are not JSON, or JSON at the edges of what a reader takes: InvalidJson,
    never a 5xx; JSON at the depth limit, and duplicate keys, are read."""
    invalid = spec.terms.status("InvalidJson")

    def not_json(*, name: str, body: bytes) -> Probe:
        """A body that is not JSON (`name` says how)."""
        article = "An" if name[0] in "aeiou" else "A"
        return refusal(
            id=f"json-{name}",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=constant(Raw(content=body, headers=JSON_HEADERS)),
            code="InvalidJson",
            description=f"{article} {name} JSON body is InvalidJson ({invalid}), never a 5xx.",
        )

    base = json_bytes(base_request())
    # docs/contract.md: duplicate keys, the last one wins.
    duplicate_keys = base.replace(
        b'"Content": "Contract test"', b'"Content": "first", "Content": "last wins"'
    )
    return [
        refusal(
            id="json-ascii-charset-with-non-ascii-bytes",
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
        not_json(
            name="truncated",
            body=b'{"Contacts": {"QuickRecipients": {"+447700900123": 2}}, "Type": 1,',
        ),
        not_json(name="garbage", body=b"this is not json"),
        not_json(name="empty", body=b""),
        not_json(
            name="nan",
            body=b'{"Contacts": {}, "Content": "x", "Options": {"Reads": NaN}, "Type": 1}',
        ),
        not_json(
            name="infinity",
            body=b'{"Contacts": {}, "Content": "x", "Options": {"Reads": Infinity}, "Type": 1}',
        ),
        not_json(
            name="invalid-utf8",
            body=b'{"Contacts": {}, "Content": "\xff\xfe\xfd", "Options": {}, "Type": 1}',
        ),
        not_json(
            name="negative-infinity",
            body=b'{"Contacts": {}, "Content": "x", "Options": {"Reads": -Infinity}, "Type": 1}',
        ),
        not_json(name="trailing-data", body=base + b" trailing"),
        not_json(name="two-documents", body=base + base),
        not_json(
            name="single-quotes",
            body=b"{'Contacts': {}, 'Content': 'x', 'Options': {}, 'Type': 1}",
        ),
        not_json(
            name="trailing-comma",
            body=b'{"Contacts": {}, "Content": "x", "Options": {}, "Type": 1,}',
        ),
        not_json(
            name="comment",
            body=b'{"Contacts": {}, /* no */ "Content": "x", "Options": {}, "Type": 1}',
        ),
        refusal(
            id="json-deep-nesting",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=constant(Raw(content=b"[" * 100_000 + b"]" * 100_000, headers=JSON_HEADERS)),
            status=invalid,
            code=None,  # InvalidJson where it is too deep to parse; else a top-level array
            description=f"100 000 nested arrays: {invalid} (InvalidJson, or ValidationError "
            "from a parser without a depth limit), never a 5xx.",
        ),
        # The ids number these four by their place in the family (as they always have).
        _undecodable(
            id="json-utf-16-undecodable-14",
            charset="utf-16",
            content=base.decode().encode("utf-16") + b"\x00",
        ),
        _undecodable(
            id="json-utf-16-undecodable-15",
            charset="utf-16",
            content="\ufeff".encode("utf-16-le") + b"\x00\xd8\x7b\x00",  # lone surrogate
        ),
        _undecodable(
            id="json-utf-32-undecodable-16",
            charset="utf-32",
            content=base.decode().encode("utf-32")[:-2],
        ),
        _undecodable(
            id="json-utf-32-undecodable-17",
            charset="utf-32",
            content=b"\xff\xfe\x00\x00" + b"\x00\x00\x11\x00",  # beyond U+10FFFF
        ),
        Probe(
            id="json-extremes",
            check=ids.INVALID_JSON.check,
            rule=ids.INVALID_JSON.rule,
            description="Huge numbers and nesting deeper than a parser may allow (inside an "
            "unknown property), and a lone surrogate in Content, get 200, InvalidJson or "
            "ValidationError: never a 5xx.",
            run=_extremes_run,
        ),
        acceptance(
            id="json-depth-at-limit",
            check=TRANSPORT,
            rule=ids.INVALID_JSON.rule,
            request=lambda s: Raw(
                content=_nested(s.spec.terms.limits.max_json_depth), headers=JSON_HEADERS
            ),
            description="JSON nested exactly x-contract.limits.maxJsonDepth deep (the request "
            "object is depth 1) is read, not InvalidJson.",
        ),
        acceptance(
            id="json-duplicate-keys-last-wins",
            check=TRANSPORT,
            rule=ids.DUPLICATE_KEYS.rule,
            request=constant(Raw(content=duplicate_keys, headers=JSON_HEADERS)),
            description="With duplicate keys the last one wins.",
            then=_message_text_is("last wins"),
        ),
    ]


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
    terms = session.spec.terms
    refusals = [(terms.status(c), c) for c in ("InvalidJson", "ValidationError")]
    for what, content in cases:
        exchange = send_raw(session, Raw(content=content, headers=JSON_HEADERS))
        found = observe(session, exchange)
        if "surrogate" in what:  # what a server makes of one is open: judge the status only
            found = [v for v in found if v.check == "response"]
        status = exchange.response.status
        code, _reason = error_of(exchange)
        if not found and status != 200 and (status, code) not in refusals:
            found.append(
                violation(
                    exchange,
                    *ids.INVALID_JSON,
                    f"a request with {what}",
                    f"{status} {code}",
                    "200, " + " or ".join(f"{s} {c}" for s, c in refusals),
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
