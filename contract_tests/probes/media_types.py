"""Media types: each Content-Type and charset is accepted or refused as the spec's media
types and charsets say; odd parameters never get a 5xx; the answer's media type follows
`Accept` (`accept-negotiation`)."""

from __future__ import annotations

import functools
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
from twosms_contract.spec import Spec

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


def _sent_as_run(content_type: str | None, encoding: str, session: Session) -> Iterator[Violation]:
    """Send the base request as `content_type` (in `encoding`): accepted, or refused by the
    check the spec's media types name (`media_type_allowed`)."""
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


def media_type_probes(spec: Spec) -> list[Probe]:
    """Each Content-Type (and charset) accepted or refused as the spec's media types and
    charsets say (`media_type_allowed`); odd parameters never get a 5xx."""
    refused = spec.terms.check("media-type").status

    def sent_as(*, name: str, content_type: str | None, encoding: str = "utf-8") -> Probe:
        return Probe(
            id=f"media-type-{name}",
            check=ids.TRANSPORT_MEDIA_TYPE.check,
            rule=ids.TRANSPORT_MEDIA_TYPE.rule,
            description=f"A JSON body sent as {content_type or '(no Content-Type)'} ({encoding}) "
            f"is accepted when x-contract.mediaTypes lists its type and charset, else {refused}.",
            run=functools.partial(_sent_as_run, content_type, encoding),
        )

    return [
        sent_as(name="application-json", content_type="application/json"),
        sent_as(name="text-json", content_type="text/json"),
        sent_as(name="plus-json", content_type="application/vnd.twosms+json"),
        sent_as(name="charset-utf8", content_type="application/json; charset=utf-8"),
        sent_as(
            name="charset-ascii",
            content_type="application/json; charset=us-ascii",
            encoding="ascii",
        ),
        sent_as(
            name="charset-utf16", content_type="application/json; charset=utf-16", encoding="utf-16"
        ),
        sent_as(
            name="charset-utf32", content_type="application/json; charset=utf-32", encoding="utf-32"
        ),
        sent_as(name="charset-latin1", content_type="application/json; charset=iso-8859-1"),
        # Media types and parameter names are case-insensitive; the space before a parameter
        # is optional; a value may be quoted (RFC 9110 §8.3.1, §5.6.6).
        sent_as(name="param-without-space", content_type="application/json;charset=utf-8"),
        sent_as(name="charset-upper-case", content_type="application/json; charset=UTF-8"),
        sent_as(name="charset-quoted", content_type='application/json; charset="utf-8"'),
        sent_as(name="type-upper-case", content_type="Application/JSON"),
        sent_as(
            name="other-parameter", content_type="application/json; odata=verbose; charset=utf-8"
        ),
        sent_as(name="none", content_type=None),
        sent_as(name="text-plain", content_type="text/plain"),
        sent_as(name="form", content_type="application/x-www-form-urlencoded"),
        sent_as(name="xml", content_type="application/xml"),
        sent_as(name="json-lines", content_type="application/jsonl"),
        sent_as(name="json-prefix", content_type="application/json-patch"),
        sent_as(name="text-plus-json", content_type="text/vnd.twosms+json"),
        Probe(
            id="media-type-odd-parameters",
            check=ids.TRANSPORT_MEDIA_TYPE.check,
            rule=ids.TRANSPORT_MEDIA_TYPE.rule,
            description="Odd Content-Type parameters (no value, an empty one, stray semicolons) "
            "get a 4xx or are accepted, never a 5xx.",
            run=_odd_parameters_run,
        ),
    ]


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
