"""Media types: each Content-Type and charset is accepted or refused as the spec's media
types and charsets say; odd parameters never get a 5xx; the answer's media type follows
`Accept` (`accept-negotiation`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import Exchange, Violation, violation
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    JSON_HEADERS,
    Raw,
    base_request,
    expect_acceptance,
    expect_refusal,
    json_bytes,
    observe,
    oversized,
    send_raw,
)
from contract_tests.probes.ledger import overspending_send
from contract_tests.session import Session
from twosms_contract.contract import Contract

TRANSPORT = ids.TRANSPORT


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


def refused_as(content_type: str, check_id: str) -> Callable[[Session], str]:
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


def media_type_probes() -> list[Probe]:
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


def accept_run(session: Session) -> Iterator[Violation]:
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
        ("text/json", Raw(content=oversized(session), headers=text_json), "text/json"),
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
