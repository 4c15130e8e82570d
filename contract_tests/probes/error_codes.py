"""Every business rule's error: each probe breaks exactly one rule of a request the contract
otherwise accepts, and must get the rule's 400 code, naming the field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    DAY,
    QUICK_EMAIL,
    QUICK_NUMBER,
    UNKNOWN_GUID,
    at_offset,
    base_request,
    contact_request,
    contact_with,
    iso,
    refusal,
    template_with_placeholders,
    too_long_reference,
    too_long_sender,
    unknown_contact,
    with_options,
)
from contract_tests.session import Session
from twosms_contract.spec import Spec

RULES, VALIDATION, ORDER = ids.ERROR_CODES, ids.VALIDATION, ids.ORDER
Build = Callable[[Session], Any]


def _nobody_left(session: Session) -> Any:
    """A group whose members all lack the asked channel: resolution leaves nobody."""
    account = session.account
    for guid, members in sorted(account.groups.items()):
        for channel, needs in ((1, "email"), (2, "phone")):
            if members and all(getattr(account.contacts[m], needs) is None for m in members):
                return base_request(Contacts={"GroupID": {guid: channel}})
    return None


def unknown_contact_request(session: Session) -> Any:
    return base_request(Contacts={"ContactID": {unknown_contact(session.account): 0}})


def missing_placeholder(session: Session) -> Any:
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


def error_code_probes(spec: Spec) -> list[Probe]:
    """One probe per business rule: breaking only it gets its code and status, naming the
    field."""
    table: list[tuple[str, str, Build, Sequence[str] | Callable[[Session], Sequence[str]]]] = [
        (
            "no-recipients-empty-contacts",
            ids.NO_RECIPIENTS.rule,
            lambda s: base_request(Contacts={}),
            ["Contacts", "recipient"],
        ),
        (
            "no-recipients-empty-maps",
            ids.NO_RECIPIENTS.rule,
            lambda s: base_request(
                Contacts={"QuickRecipients": {}, "ContactID": {}, "GroupID": {}}
            ),
            ["Contacts", "recipient"],
        ),
        (
            "no-recipients-nobody-left",
            ids.NO_RECIPIENTS.rule,
            _nobody_left,
            ["Contacts", "recipient", "GroupID"],
        ),
        (
            "unknown-contact",
            ids.UNKNOWN_CONTACT.rule,
            unknown_contact_request,
            lambda s: ["ContactID", unknown_contact(s.account)],
        ),
        (
            "unknown-group",
            ids.UNKNOWN_GROUP.rule,
            lambda s: base_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}}),
            ["GroupID", UNKNOWN_GUID],
        ),
        (
            "invalid-recipient-number-by-email",
            ids.INVALID_RECIPIENT.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 1}}),
            ["QuickRecipients", QUICK_NUMBER],
        ),
        (
            "invalid-recipient-number-by-both",
            ids.INVALID_RECIPIENT.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 3}}),
            ["QuickRecipients", QUICK_NUMBER],
        ),
        (
            "invalid-recipient-email-by-sms",
            ids.INVALID_RECIPIENT.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 2}}),
            ["QuickRecipients", QUICK_EMAIL],
        ),
        (
            "invalid-recipient-email-by-both",
            ids.INVALID_RECIPIENT.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 3}}),
            ["QuickRecipients", QUICK_EMAIL],
        ),
        (
            "invalid-recipient-contact-without-phone",
            ids.INVALID_RECIPIENT.rule,
            contact_request(phone=False, email=True, channel=2),
            lambda s: ["ContactID", contact_with(s.account, phone=False, email=True) or "?"],
        ),
        (
            "invalid-recipient-contact-without-email",
            ids.INVALID_RECIPIENT.rule,
            contact_request(phone=True, email=False, channel=1),
            lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        (
            "invalid-recipient-contact-both-lacks-one",
            ids.INVALID_RECIPIENT.rule,
            contact_request(phone=True, email=False, channel=3),
            lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        (
            "no-content-missing",
            ids.NO_CONTENT.rule,
            lambda s: {k: v for k, v in base_request().items() if k != "Content"},
            ["Content"],
        ),
        ("no-content-empty", ids.NO_CONTENT.rule, lambda s: base_request(Content=""), ["Content"]),
        (
            "unknown-template",
            ids.UNKNOWN_TEMPLATE.rule,
            lambda s: base_request(Template={"ID": UNKNOWN_GUID, "PlaceHolders": {}}),
            ["Template", UNKNOWN_GUID],
        ),
        (
            "missing-placeholder",
            ids.MISSING_PLACEHOLDER.rule,
            missing_placeholder,
            _missing_placeholder_names,
        ),
        (
            "missing-placeholders-map",
            ids.MISSING_PLACEHOLDER.rule,
            _no_placeholders,
            ["PlaceHolders", "placeholder"],
        ),
        (
            "invalid-sender-too-long",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender=too_long_sender(s)),
            ["Sender"],
        ),
        (
            "invalid-sender-empty",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender=""),
            ["Sender"],
        ),
        (
            "invalid-sender-no-letter",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender="   "),
            ["Sender"],
        ),
        (
            "invalid-sender-punctuation",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender="Ab-cd"),
            ["Sender"],
        ),
        (
            "invalid-sender-too-many-digits",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender=too_long_sender(s, "1")),
            ["Sender"],
        ),
        (
            "invalid-sender-plus-too-many-digits",
            ids.INVALID_SENDER.rule,
            lambda s: with_options(Sender=too_long_sender(s, "1", "+")),
            ["Sender"],
        ),
        *(
            (f"invalid-sender-{name}", ids.INVALID_SENDER.rule, _sender(sender), ["Sender"])
            for name, sender in (
                ("digits-and-space", "12 34"),
                ("plus-and-space", "+44 7700"),
                ("letters-and-plus", "+Clinic"),
            )
        ),
        *(
            (
                f"unknown-contact-{name}",
                ids.UNKNOWN_CONTACT.rule,
                lambda s, key=key: base_request(Contacts={"ContactID": {key: 0}}),
                ["ContactID", key],
            )
            for name, key in (("one-digit", "7"),)
        ),
        (
            "invalid-reference",
            ids.INVALID_REFERENCE.rule,
            lambda s: with_options(Reference=too_long_reference(s)),
            ["Reference"],
        ),
        (
            "invalid-reference-accented",
            ids.INVALID_REFERENCE.rule,
            lambda s: with_options(Reference=too_long_reference(s, "é")),
            ["Reference"],
        ),
        (
            "invalid-expiry-by-offset",
            ids.INVALID_EXPIRY.rule,
            lambda s: with_options(
                DateToSend=at_offset(2 * DAY, "10:00:00", "+00:00"),
                ExpiryDate=at_offset(2 * DAY, "12:00:00", "+05:00"),  # 07:00 UTC: before
            ),
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-before-send",
            ids.INVALID_EXPIRY.rule,
            lambda s: with_options(DateToSend=iso(2 * DAY), ExpiryDate=iso(DAY)),
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-equal-send",
            ids.INVALID_EXPIRY.rule,
            _expiry_equal_to_send,
            ["ExpiryDate"],
        ),
        (
            "invalid-expiry-in-the-past",
            ids.INVALID_EXPIRY.rule,
            lambda s: with_options(ExpiryDate=iso(-DAY)),
            ["ExpiryDate"],
        ),
        (
            "missing-recurring-options",
            ids.MISSING_RECURRING_OPTIONS.rule,
            lambda s: base_request(Type=2),
            ["RecurringOptions"],
        ),
        (
            "missing-recurring-occurrences",
            ids.MISSING_RECURRING_OPTIONS.rule,
            lambda s: _recurring(Range=1),
            ["OccurrencesEnd", "RecurringOptions"],
        ),
        (
            "missing-recurring-expiry",
            ids.MISSING_RECURRING_OPTIONS.rule,
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
            code=code,
            names=names,
            description=f"Breaking only the {code} rule gets {spec.terms.status(code)} {code}, "
            "naming the field.",
        )
        for probe_id, code, build, names in table
    ]
