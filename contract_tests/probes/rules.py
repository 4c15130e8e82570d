"""Every business rule's error, every schema rule's ValidationError, and the order of checks.

Each probe breaks exactly one rule of a request the contract otherwise accepts (or, for the
order probes, exactly two, where the earlier check must answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from contract_tests.core import Exchange, Probe, Violation, violation
from contract_tests.probes.base import (
    DAY,
    QUICK_EMAIL,
    QUICK_NUMBER,
    UNKNOWN_GUID,
    Raw,
    above,
    at_offset,
    base_request,
    below,
    constant,
    contact_request,
    contact_with,
    e164_digits,
    earlier_code,
    error_of,
    expect_refusal,
    iso,
    json_bytes,
    refusal,
    template_with_placeholders,
    too_long_reference,
    too_long_sender,
    unknown_contact,
    with_options,
)
from contract_tests.session import Session

RULES, VALIDATION, ORDER = "error-codes", "validation", "order"
Build = Callable[[Session], Any]


def _nobody_left(session: Session) -> Any:
    """A group whose members all lack the asked channel: resolution leaves nobody."""
    account = session.account
    for guid, members in sorted(account.groups.items()):
        for channel, needs in ((1, "email"), (2, "phone")):
            if members and all(getattr(account.contacts[m], needs) is None for m in members):
                return base_request(Contacts={"GroupID": {guid: channel}})
    return None


def _unknown_contact(session: Session) -> Any:
    return base_request(Contacts={"ContactID": {unknown_contact(session.account): 0}})


def _missing_placeholder(session: Session) -> Any:
    found = template_with_placeholders(session.account, 2)
    if found is None:
        return None
    guid, _text, keys = found
    return base_request(Template={"ID": guid, "PlaceHolders": {keys[0]: "value"}})


def _no_placeholders(session: Session) -> Any:
    found = template_with_placeholders(session.account, 1)
    if found is None:
        return None
    return base_request(Template={"ID": found[0]})


def _missing_placeholder_names(session: Session) -> Sequence[str]:
    found = template_with_placeholders(session.account, 2)
    keys = found[2] if found else []
    return ["PlaceHolders", "placeholder", *(f"{{{k}}}" for k in keys[1:])]


def _expiry_equal_to_send(session: Session) -> Any:
    moment = iso(2 * DAY)
    return with_options(DateToSend=moment, ExpiryDate=moment)


def _sender(sender: str) -> Build:
    return lambda s: with_options(Sender=sender)


def _recurring(**recurring: Any) -> dict[str, Any]:
    return base_request(Type=2, Options={"RecurringOptions": recurring})


def _rule_probes() -> list[Probe]:
    table: list[tuple[str, str, Build, Sequence[str] | Callable[[Session], Sequence[str]]]] = [
        (
            "no-recipients-empty-contacts",
            "NoRecipients",
            lambda s: base_request(Contacts={}),
            ["Contacts", "recipient"],
        ),
        (
            "no-recipients-empty-maps",
            "NoRecipients",
            lambda s: base_request(
                Contacts={"QuickRecipients": {}, "ContactID": {}, "GroupID": {}}
            ),
            ["Contacts", "recipient"],
        ),
        (
            "no-recipients-nobody-left",
            "NoRecipients",
            _nobody_left,
            ["Contacts", "recipient", "GroupID"],
        ),
        (
            "unknown-contact",
            "UnknownContact",
            _unknown_contact,
            lambda s: ["ContactID", unknown_contact(s.account)],
        ),
        (
            "unknown-group",
            "UnknownGroup",
            lambda s: base_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}}),
            ["GroupID", UNKNOWN_GUID],
        ),
        (
            "invalid-recipient-number-by-email",
            "InvalidRecipient",
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 1}}),
            ["QuickRecipients", QUICK_NUMBER],
        ),
        (
            "invalid-recipient-number-by-both",
            "InvalidRecipient",
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 3}}),
            ["QuickRecipients", QUICK_NUMBER],
        ),
        (
            "invalid-recipient-email-by-sms",
            "InvalidRecipient",
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 2}}),
            ["QuickRecipients", QUICK_EMAIL],
        ),
        (
            "invalid-recipient-email-by-both",
            "InvalidRecipient",
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 3}}),
            ["QuickRecipients", QUICK_EMAIL],
        ),
        (
            "invalid-recipient-contact-without-phone",
            "InvalidRecipient",
            contact_request(phone=False, email=True, channel=2),
            lambda s: ["ContactID", contact_with(s.account, phone=False, email=True) or "?"],
        ),
        (
            "invalid-recipient-contact-without-email",
            "InvalidRecipient",
            contact_request(phone=True, email=False, channel=1),
            lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        (
            "invalid-recipient-contact-both-lacks-one",
            "InvalidRecipient",
            contact_request(phone=True, email=False, channel=3),
            lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        (
            "no-content-missing",
            "NoContent",
            lambda s: {k: v for k, v in base_request().items() if k != "Content"},
            ["Content"],
        ),
        ("no-content-empty", "NoContent", lambda s: base_request(Content=""), ["Content"]),
        (
            "unknown-template",
            "UnknownTemplate",
            lambda s: base_request(Template={"ID": UNKNOWN_GUID, "PlaceHolders": {}}),
            ["Template", UNKNOWN_GUID],
        ),
        (
            "missing-placeholder",
            "MissingPlaceholder",
            _missing_placeholder,
            _missing_placeholder_names,
        ),
        (
            "missing-placeholders-map",
            "MissingPlaceholder",
            _no_placeholders,
            ["PlaceHolders", "placeholder"],
        ),
        (
            "invalid-sender-too-long",
            "InvalidSender",
            lambda s: with_options(Sender=too_long_sender(s)),
            ["Sender"],
        ),
        ("invalid-sender-empty", "InvalidSender", lambda s: with_options(Sender=""), ["Sender"]),
        (
            "invalid-sender-no-letter",
            "InvalidSender",
            lambda s: with_options(Sender="   "),
            ["Sender"],
        ),
        (
            "invalid-sender-punctuation",
            "InvalidSender",
            lambda s: with_options(Sender="Ab-cd"),
            ["Sender"],
        ),
        (
            "invalid-sender-too-many-digits",
            "InvalidSender",
            lambda s: with_options(Sender=too_long_sender(s, "1")),
            ["Sender"],
        ),
        (
            "invalid-sender-plus-too-many-digits",
            "InvalidSender",
            lambda s: with_options(Sender=too_long_sender(s, "1", "+")),
            ["Sender"],
        ),
        *(
            (f"invalid-sender-{name}", "InvalidSender", _sender(sender), ["Sender"])
            for name, sender in (
                ("digits-and-space", "12 34"),
                ("plus-and-space", "+44 7700"),
                ("letters-and-plus", "+Clinic"),
            )
        ),
        *(
            (
                f"unknown-contact-{name}",
                "UnknownContact",
                lambda s, key=key: base_request(Contacts={"ContactID": {key: 0}}),
                ["ContactID", key],
            )
            for name, key in (("one-digit", "7"),)
        ),
        (
            "invalid-reference",
            "InvalidReference",
            lambda s: with_options(Reference=too_long_reference(s)),
            ["Reference"],
        ),
        (
            "invalid-reference-accented",
            "InvalidReference",
            lambda s: with_options(Reference=too_long_reference(s, "é")),
            ["Reference"],
        ),
        (
            "invalid-expiry-by-offset",
            "InvalidExpiry",
            lambda s: with_options(
                DateToSend=at_offset(2 * DAY, "10:00:00", "+00:00"),
                ExpiryDate=at_offset(2 * DAY, "12:00:00", "+05:00"),  # 07:00 UTC: before
            ),
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-before-send",
            "InvalidExpiry",
            lambda s: with_options(DateToSend=iso(2 * DAY), ExpiryDate=iso(DAY)),
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-equal-send",
            "InvalidExpiry",
            _expiry_equal_to_send,
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-in-the-past",
            "InvalidExpiry",
            lambda s: with_options(ExpiryDate=iso(-DAY)),
            ["ExpiryDate"],
        ),
        (
            "missing-recurring-options",
            "MissingRecurringOptions",
            lambda s: base_request(Type=2),
            ["RecurringOptions"],
        ),
        (
            "missing-recurring-occurrences",
            "MissingRecurringOptions",
            lambda s: _recurring(Range=1),
            ["OccurrencesEnd", "RecurringOptions"],
        ),
        (
            "missing-recurring-expiry",
            "MissingRecurringOptions",
            lambda s: _recurring(Range=2),
            ["ExpiryDate", "RecurringOptions"],
        ),
    ]
    return [
        refusal(
            probe_id,
            check=RULES,
            rule=code,
            request=build,
            status=400,
            code=code,
            names=names,
            description=f"Breaking only the {code} rule gets 400 {code}, naming the field.",
        )
        for probe_id, code, build, names in table
    ]


def _resolved(value: Any, session: Session) -> Any:
    """A value, with the callables in it (`above`, `below`: read from the spec) called."""
    if callable(value):
        return value(session)
    if isinstance(value, dict):
        return {key: _resolved(item, session) for key, item in value.items()}
    return value


def _set(path: str, value: Any) -> Build:
    """The base request with one value set at a dotted path (a callable value is read from
    the session's spec)."""

    def build(session: Session) -> Any:
        body = base_request()
        node = body
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _resolved(value, session)
        return body

    return build


def _recurring_set(recurring: dict[str, Any]) -> Build:
    """A recurring message (Type 2, where RecurringOptions count) with these options."""
    return lambda s: base_request(Type=2, Options={"RecurringOptions": _resolved(recurring, s)})


def _short_e164(session: Session) -> str:
    """`+` and one digit fewer than the QuickRecipients key pattern admits."""
    return "+" + "1234567890123456789"[: e164_digits(session)[0] - 1]


def _long_e164(session: Session) -> str:
    """`+` and one digit more than the QuickRecipients key pattern admits."""
    most = e164_digits(session)[1] + 1
    return "+" + ("1234567890" * (most // 10 + 1))[:most]


def _without(key: str) -> Build:
    return lambda s: {k: v for k, v in base_request().items() if k != key}


_FREQUENCY, _REPETITIONS = "$.Options.Repeat.Frequency", "$.Options.Repeat.Repetitions"
_RECURRING = "$.Options.RecurringOptions."


def _validation_probes() -> list[Probe]:
    table: list[tuple[str, Build, Sequence[str]]] = [
        ("type-missing", _without("Type"), ["Type"]),
        ("contacts-missing", _without("Contacts"), ["Contacts"]),
        ("options-missing", _without("Options"), ["Options"]),
        ("type-out-of-enum", _set("Type", above("$.Type")), ["Type"]),
        ("type-as-text", _set("Type", "Standard"), ["Type"]),
        ("content-not-a-string", _set("Content", 5), ["Content"]),
        ("content-null", _set("Content", None), ["Content"]),
        ("options-null", _set("Options", None), ["Options"]),
        ("template-null", _set("Template", None), ["Template"]),
        ("sender-null", _set("Options.Sender", None), ["Sender"]),
        ("quick-recipients-null", _set("Contacts.QuickRecipients", None), ["QuickRecipients"]),
        (
            "channel-null",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: None}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        (
            "channel-out-of-enum",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: above("$.Contacts.QuickRecipients.*")}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        (
            "channel-negative",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: -1}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        ("src-port-above", _set("Options.SrcPort", above("$.Options.SrcPort")), ["SrcPort"]),
        ("src-port-below", _set("Options.SrcPort", below("$.Options.SrcPort")), ["SrcPort"]),
        ("src-port-huge", _set("Options.SrcPort", 10**30), ["SrcPort"]),
        ("dst-port-above", _set("Options.DstPort", above("$.Options.DstPort")), ["DstPort"]),
        ("frequency-below", _set("Options.Repeat.Frequency", below(_FREQUENCY)), ["Frequency"]),
        ("frequency-above", _set("Options.Repeat.Frequency", above(_FREQUENCY)), ["Frequency"]),
        (
            "repetitions-above",
            _set("Options.Repeat.Repetitions", above(_REPETITIONS)),
            ["Repetitions"],
        ),
        (
            "repetitions-below",
            _set("Options.Repeat.Repetitions", below(_REPETITIONS)),
            ["Repetitions"],
        ),
        (
            "response-alert-out-of-enum",
            _set("Options.ResponseAlert", above("$.Options.ResponseAlert")),
            ["ResponseAlert"],
        ),
        ("reads-negative", _set("Options.Reads", below("$.Options.Reads")), ["Reads"]),
        (
            "response-limit-negative",
            _set("Options.ResponseLimit", below("$.Options.ResponseLimit")),
            ["ResponseLimit"],
        ),
        (
            "occurrences-zero",
            _recurring_set({"Range": 1, "OccurrencesEnd": below(_RECURRING + "OccurrencesEnd")}),
            ["OccurrencesEnd"],
        ),
        (
            "schedule-days-above",
            _recurring_set({"PatternScheduleDays": above(_RECURRING + "PatternScheduleDays")}),
            ["PatternScheduleDays"],
        ),
        (
            "schedule-days-below",
            _recurring_set({"PatternScheduleDays": below(_RECURRING + "PatternScheduleDays")}),
            ["PatternScheduleDays"],
        ),
        ("range-out-of-enum", _recurring_set({"Range": above(_RECURRING + "Range")}), ["Range"]),
        ("date-not-a-date", _set("Options.DateToSend", "tomorrow"), ["DateToSend"]),
        ("boolean-as-string", _set("Options.DeliveryReceipt", "maybe"), ["DeliveryReceipt"]),
        ("src-port-fraction", _set("Options.SrcPort", 80.5), ["SrcPort"]),
        (
            "quick-key-not-e164",
            _set("Contacts.QuickRecipients", {"447700900123": 2}),
            ["QuickRecipients", "447700900123"],
        ),
        (
            "quick-key-too-few-digits",
            lambda s: base_request(Contacts={"QuickRecipients": {_short_e164(s): 2}}),
            ["QuickRecipients", "+1"],
        ),
        (
            "quick-key-too-many-digits",
            lambda s: base_request(Contacts={"QuickRecipients": {_long_e164(s): 2}}),
            ["QuickRecipients", "+1"],
        ),
        (
            "quick-key-seed-placeholder",
            _set("Contacts.QuickRecipients", {"sample string 1": 0}),
            ["QuickRecipients", "sample string 1"],
        ),
        (
            "contact-key-not-digits",
            _set("Contacts.ContactID", {"sample string 1": 0}),
            ["ContactID", "sample string 1"],
        ),
        (
            "group-key-not-guid",
            _set("Contacts.GroupID", {"sample string 1": 0}),
            ["GroupID", "sample string 1"],
        ),
        (
            "email-from-address",
            _set("Options.EmailOptions", {"FromAddress": "not an address"}),
            ["FromAddress"],
        ),
        # null is not absent, at every depth (docs/contract.md, "Fine points").
        ("type-null", _set("Type", None), ["Type"]),
        ("contacts-null", _set("Contacts", None), ["Contacts"]),
        ("contact-ids-null", _set("Contacts.ContactID", None), ["ContactID"]),
        ("group-ids-null", _set("Contacts.GroupID", None), ["GroupID"]),
        ("repeat-null", _set("Options.Repeat", None), ["Repeat"]),
        ("frequency-null", _set("Options.Repeat", {"Frequency": None}), ["Frequency"]),
        ("recurring-options-null", _set("Options.RecurringOptions", None), ["RecurringOptions"]),
        ("email-options-null", _set("Options.EmailOptions", None), ["EmailOptions"]),
        ("reply-to-null", _set("Options.EmailOptions", {"ReplyTo": None}), ["ReplyTo"]),
        ("date-to-send-null", _set("Options.DateToSend", None), ["DateToSend"]),
        ("reference-null", _set("Options.Reference", None), ["Reference"]),
        ("template-id-null", _set("Template", {"ID": None}), ["Template"]),
        (
            "placeholder-null",
            _set("Template", {"ID": UNKNOWN_GUID, "PlaceHolders": {"1": None}}),
            ["PlaceHolders"],
        ),
        (
            "range-null",
            _recurring_set({"Range": None}),
            ["Range"],
        ),
        # An address key must be an address: one @, something on each side, no space.
        *(
            (
                f"quick-key-address-{name}",
                _set("Contacts.QuickRecipients", {key: 1}),
                ["QuickRecipients", key],
            )
            for name, key in (
                ("no-domain", "bob@"),
                ("no-local-part", "@example.com"),
                ("two-ats", "ann@bob@example.com"),
                ("space", "ann smith@example.com"),
            )
        ),
    ]
    probes = [
        refusal(
            f"validation-{probe_id}",
            check=VALIDATION,
            rule="ValidationError",
            request=build,
            status=400,
            code="ValidationError",
            names=names,
            description=f"A schema violation ({probe_id}) is ValidationError naming its JSON path.",
        )
        for probe_id, build, names in table
    ]
    for kind, value in (("array", []), ("string", "text"), ("number", 1), ("null", None)):
        probes.append(
            refusal(
                f"validation-top-level-{kind}",
                check=VALIDATION,
                rule="ValidationError",
                request=constant(
                    Raw(content=json_bytes(value), headers={"Content-Type": "application/json"})
                ),
                status=400,
                code="ValidationError",
                description=f"A top-level JSON {kind} is a ValidationError, not InvalidJson.",
            )
        )
    probes.append(
        refusal(
            "validation-seed-sample",
            check=VALIDATION,
            rule="ValidationError",
            request=lambda s: _seed_sample(),
            status=400,
            code="ValidationError",
            names=["sample string", "ContactID", "GroupID", "QuickRecipients"],
            description="The help page's request sample: its placeholder keys fail the patterns.",
        )
    )
    probes.append(
        Probe(
            "validation-reason-first-ten",
            VALIDATION,
            "ValidationError-first-ten",
            "With fifteen violations, the reason lists the first ten (each key by its value).",
            _first_ten,
        )
    )
    probes.append(
        Probe(
            "validation-reason-paths",
            VALIDATION,
            "ValidationError-reason",
            "A ValidationError reason names each violation by its JSON path ($.Options.SrcPort), "
            "and a map key by its value.",
            _reason_paths,
        )
    )
    probes.append(
        Probe(
            "validation-lists-each-violation",
            VALIDATION,
            "ValidationError-lists-all",
            "A ValidationError reason lists each violation (here three) by its path.",
            _lists_each_violation,
        )
    )
    return probes


def _reason_of_refusal(
    session: Session, body: Any, *, check: str, rule: str, code: str
) -> tuple[Exchange, list[Violation], str]:
    """Send `body`, which must be refused with 400 `code`: the exchange, what is wrong with
    the refusal itself (status, code, envelope), and the ErrorReason."""
    exchange, _ = session.send(body, observe=False)
    found = expect_refusal(session, exchange, check=check, rule=rule, status=400, code=code)
    return exchange, found, error_of(exchange)[1]


def _lists_each_violation(session: Session) -> Iterator[Violation]:
    exchange, found, reason = _reason_of_refusal(
        session,
        with_options(SrcPort=70000, DstPort=-5, Reads=-1),
        check=VALIDATION,
        rule="ValidationError-lists-all",
        code="ValidationError",
    )
    yield from found
    if found:
        return
    missing = [name for name in ("SrcPort", "DstPort", "Reads") if name not in reason]
    if missing:
        yield violation(
            exchange,
            VALIDATION,
            "ValidationError-lists-all",
            "the reason does not list every violation",
            reason,
            "a reason naming SrcPort, DstPort and Reads",
        )


def _first_ten(session: Session) -> Iterator[Violation]:
    """More violations than the reason lists (`x-contract.limits.validationErrorsListed`):
    numbers each with a channel outside the enum, one violation at each path."""
    listed = session.spec.terms.limits.validation_errors_listed
    keys = [f"+4477009{n:05d}" for n in range(listed + 5)]
    outside = above("$.Contacts.QuickRecipients.*")(session)
    exchange, found, reason = _reason_of_refusal(
        session,
        base_request(Contacts={"QuickRecipients": dict.fromkeys(keys, outside)}),
        check=VALIDATION,
        rule="ValidationError-first-ten",
        code="ValidationError",
    )
    yield from found
    if found:
        return
    named = [key for key in keys if key in reason]
    if len(named) != listed:
        yield violation(
            exchange,
            VALIDATION,
            "ValidationError-first-ten",
            f"the reason names {len(named)} of the {len(keys)} violations",
            reason[:400],
            f"the first {listed} violations, each by its key",
        )


def _reason_values(session: Session) -> Iterator[Violation]:
    """Every business rule's reason names the field and the value (docs/contract.md, "Fine
    points")."""
    cases: list[tuple[str, Any, str]] = [
        ("UnknownContact", _unknown_contact(session), unknown_contact(session.account)),
        ("UnknownGroup", base_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}}), UNKNOWN_GUID),
        (
            "InvalidRecipient",
            base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 1}}),
            QUICK_NUMBER,
        ),
        ("UnknownTemplate", base_request(Template={"ID": UNKNOWN_GUID}), UNKNOWN_GUID),
        ("InvalidSender", with_options(Sender=too_long_sender(session)), too_long_sender(session)),
        (
            "InvalidReference",
            with_options(Reference="Reference-" + too_long_reference(session)[10:]),
            "Reference-rrrr",
        ),
    ]
    for code, body, value in cases:
        exchange, found, reason = _reason_of_refusal(
            session, body, check=RULES, rule="reason-names-value", code=code
        )
        yield from found
        if found:
            continue
        if value.lower() not in reason.lower():
            yield violation(
                exchange,
                RULES,
                "reason-names-value",
                f"the {code} reason does not name the offending value",
                reason,
                f"a reason with {value!r}",
            )


_BRACKETED = re.compile(r"\[\'([A-Za-z_][A-Za-z0-9_]*)\'\]")


def _dotted(reason: str) -> str:
    """The reason with RFC 9535 normalized paths (`$['Options']['SrcPort']`) written in
    the dot notation (`$.Options.SrcPort`): either is a JSON path."""
    return _BRACKETED.sub(r".\1", reason)


def _reason_paths(session: Session) -> Iterator[Violation]:
    cases: list[tuple[Any, Sequence[str]]] = [
        (with_options(SrcPort=70000), ["$.Options.SrcPort", "70000"]),
        (with_options(Repeat={"Frequency": 0}), ["$.Options.Repeat.Frequency"]),
        (with_options(SrcPort=-1, DstPort=65536), ["$.Options.SrcPort", "$.Options.DstPort"]),
        (
            base_request(Contacts={"QuickRecipients": {"447700900123": 2}}),
            ["$.Contacts.QuickRecipients", "447700900123"],
        ),
        (
            base_request(Contacts={"GroupID": {"not-a-guid": 0}}),
            ["$.Contacts.GroupID", "not-a-guid"],
        ),
    ]
    for body, wanted in cases:
        exchange, found, reason = _reason_of_refusal(
            session, body, check=VALIDATION, rule="ValidationError-reason", code="ValidationError"
        )
        yield from found
        if found:
            continue
        missing = [w for w in wanted if w not in _dotted(reason)]
        if missing:
            yield violation(
                exchange,
                VALIDATION,
                "ValidationError-reason",
                f"the reason does not name {', '.join(missing)}",
                reason,
                "a reason with " + " and ".join(wanted),
            )


def _seed_sample() -> Any:
    import json

    from twosms_contract.paths import project_file

    return json.loads(project_file("examples/seed-request.json").read_text())


# Pairs of checks, the earlier first (docs/contract.md, "The checks, in order"): a request
# breaking both must be answered by the earlier.
def _order_probes() -> list[Probe]:
    def both(*parts: Build) -> Build:
        def build(session: Session) -> Any:
            body = base_request()
            replaced = False
            for part in parts:
                patch = part(session)
                if patch is None:
                    return None
                if "Contacts" in patch and not replaced:
                    body["Contacts"], replaced = {}, True
                _merge(body, patch)
            return body

        return build

    breaks: dict[str, Build] = {
        "UnknownContact": lambda s: {"Contacts": {"ContactID": {unknown_contact(s.account): 0}}},
        "UnknownGroup": lambda s: {"Contacts": {"GroupID": {UNKNOWN_GUID: 0}}},
        "InvalidRecipient": lambda s: {"Contacts": {"QuickRecipients": {QUICK_NUMBER: 1}}},
        "NoRecipients": lambda s: {"Contacts": {"QuickRecipients": {}}},
        "NoContent": lambda s: {"Content": ""},
        "UnknownTemplate": lambda s: {"Template": {"ID": UNKNOWN_GUID}},
        "MissingPlaceholder": _only("Template", _missing_placeholder),
        "InvalidSender": lambda s: {"Options": {"Sender": too_long_sender(s)}},
        "InvalidReference": lambda s: {"Options": {"Reference": too_long_reference(s)}},
        "InvalidExpiry": lambda s: {
            "Options": {"DateToSend": iso(2 * DAY), "ExpiryDate": iso(DAY)}
        },
        "MissingRecurringOptions": lambda s: {"Type": 2},
        "ValidationError": lambda s: {"Options": {"SrcPort": 70000}},
    }
    pairs = [
        ("ValidationError", "NoRecipients"),
        ("ValidationError", "InvalidSender"),
        ("ValidationError", "InvalidReference"),
        ("ValidationError", "MissingRecurringOptions"),
        ("NoRecipients", "NoContent"),
        ("UnknownContact", "UnknownGroup"),
        ("UnknownGroup", "InvalidRecipient"),
        ("InvalidRecipient", "NoContent"),
        ("NoContent", "InvalidSender"),
        ("UnknownTemplate", "InvalidSender"),
        ("MissingPlaceholder", "InvalidSender"),
        ("InvalidSender", "InvalidReference"),
        ("InvalidReference", "InvalidExpiry"),
        ("InvalidExpiry", "MissingRecurringOptions"),
        # Every group of rules before the next: recipients, content, options.
        ("UnknownContact", "UnknownTemplate"),
        ("UnknownGroup", "MissingPlaceholder"),
        ("InvalidRecipient", "UnknownTemplate"),
        ("NoRecipients", "MissingPlaceholder"),
        ("NoRecipients", "InvalidSender"),
        ("UnknownContact", "InvalidExpiry"),
        ("UnknownTemplate", "InvalidReference"),
        ("MissingPlaceholder", "MissingRecurringOptions"),
        ("NoContent", "InvalidExpiry"),
        ("InvalidSender", "MissingRecurringOptions"),
        ("UnknownContact", "InvalidRecipient"),
    ]
    probes = []
    for first, second in pairs:
        probes.append(
            refusal(
                f"order-{first}-before-{second}",
                check=ORDER,
                rule=f"{first}-before-{second}",
                request=both(breaks[first], breaks[second]),
                code=earlier_code(first, second),
                description=f"A request breaking {first} and {second} gets the one the spec "
                "checks first.",
            )
        )
    return probes


def _only(key: str, build: Build) -> Build:
    """The `key` part of what `build` makes (None stays None): a patch of one field."""

    def patch(session: Session) -> Any:
        body = build(session)
        return None if body is None else {key: body[key]}

    return patch


def _merge(into: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def rule_probes() -> list[Probe]:
    reason_values = Probe(
        "error-reason-names-value",
        RULES,
        "reason-names-value",
        "Each business rule's ErrorReason names the field and the offending value.",
        _reason_values,
    )
    return [*_rule_probes(), reason_values, *_validation_probes(), *_order_probes()]
