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
# What a refusal's ErrorReason must name one of (or, callable, read from the session).
Names = Sequence[str] | Callable[[Session], Sequence[str]]


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

    def broken(*, id: str, code: str, request: Build, names: Names) -> Probe:
        """`request` breaks only the rule of `code`; its ErrorReason names one of `names`."""
        return refusal(
            id=id,
            check=RULES,
            rule=code,
            request=request,
            code=code,
            names=names,
            description=f"Breaking only the {code} rule gets {spec.terms.status(code)} {code}, "
            "naming the field.",
        )

    return [
        broken(
            id="no-recipients-empty-contacts",
            code=ids.NO_RECIPIENTS.rule,
            request=lambda s: base_request(Contacts={}),
            names=["Contacts", "recipient"],
        ),
        broken(
            id="no-recipients-empty-maps",
            code=ids.NO_RECIPIENTS.rule,
            request=lambda s: base_request(
                Contacts={"QuickRecipients": {}, "ContactID": {}, "GroupID": {}}
            ),
            names=["Contacts", "recipient"],
        ),
        broken(
            id="no-recipients-nobody-left",
            code=ids.NO_RECIPIENTS.rule,
            request=_nobody_left,
            names=["Contacts", "recipient", "GroupID"],
        ),
        broken(
            id="unknown-contact",
            code=ids.UNKNOWN_CONTACT.rule,
            request=unknown_contact_request,
            names=lambda s: ["ContactID", unknown_contact(s.account)],
        ),
        broken(
            id="unknown-group",
            code=ids.UNKNOWN_GROUP.rule,
            request=lambda s: base_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}}),
            names=["GroupID", UNKNOWN_GUID],
        ),
        broken(
            id="invalid-recipient-number-by-email",
            code=ids.INVALID_RECIPIENT.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 1}}),
            names=["QuickRecipients", QUICK_NUMBER],
        ),
        broken(
            id="invalid-recipient-number-by-both",
            code=ids.INVALID_RECIPIENT.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 3}}),
            names=["QuickRecipients", QUICK_NUMBER],
        ),
        broken(
            id="invalid-recipient-email-by-sms",
            code=ids.INVALID_RECIPIENT.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 2}}),
            names=["QuickRecipients", QUICK_EMAIL],
        ),
        broken(
            id="invalid-recipient-email-by-both",
            code=ids.INVALID_RECIPIENT.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 3}}),
            names=["QuickRecipients", QUICK_EMAIL],
        ),
        broken(
            id="invalid-recipient-contact-without-phone",
            code=ids.INVALID_RECIPIENT.rule,
            request=contact_request(phone=False, email=True, channel=2),
            names=lambda s: ["ContactID", contact_with(s.account, phone=False, email=True) or "?"],
        ),
        broken(
            id="invalid-recipient-contact-without-email",
            code=ids.INVALID_RECIPIENT.rule,
            request=contact_request(phone=True, email=False, channel=1),
            names=lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        broken(
            id="invalid-recipient-contact-both-lacks-one",
            code=ids.INVALID_RECIPIENT.rule,
            request=contact_request(phone=True, email=False, channel=3),
            names=lambda s: ["ContactID", contact_with(s.account, phone=True, email=False) or "?"],
        ),
        broken(
            id="no-content-missing",
            code=ids.NO_CONTENT.rule,
            request=lambda s: {k: v for k, v in base_request().items() if k != "Content"},
            names=["Content"],
        ),
        broken(
            id="no-content-empty",
            code=ids.NO_CONTENT.rule,
            request=lambda s: base_request(Content=""),
            names=["Content"],
        ),
        broken(
            id="unknown-template",
            code=ids.UNKNOWN_TEMPLATE.rule,
            request=lambda s: base_request(Template={"ID": UNKNOWN_GUID, "PlaceHolders": {}}),
            names=["Template", UNKNOWN_GUID],
        ),
        broken(
            id="missing-placeholder",
            code=ids.MISSING_PLACEHOLDER.rule,
            request=missing_placeholder,
            names=_missing_placeholder_names,
        ),
        broken(
            id="missing-placeholders-map",
            code=ids.MISSING_PLACEHOLDER.rule,
            request=_no_placeholders,
            names=["PlaceHolders", "placeholder"],
        ),
        broken(
            id="invalid-sender-too-long",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender=too_long_sender(s)),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-empty",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender=""),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-no-letter",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender="   "),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-punctuation",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender="Ab-cd"),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-too-many-digits",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender=too_long_sender(s, "1")),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-plus-too-many-digits",
            code=ids.INVALID_SENDER.rule,
            request=lambda s: with_options(Sender=too_long_sender(s, "1", "+")),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-digits-and-space",
            code=ids.INVALID_SENDER.rule,
            request=_sender("12 34"),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-plus-and-space",
            code=ids.INVALID_SENDER.rule,
            request=_sender("+44 7700"),
            names=["Sender"],
        ),
        broken(
            id="invalid-sender-letters-and-plus",
            code=ids.INVALID_SENDER.rule,
            request=_sender("+Clinic"),
            names=["Sender"],
        ),
        broken(
            id="unknown-contact-one-digit",
            code=ids.UNKNOWN_CONTACT.rule,
            request=lambda s: base_request(Contacts={"ContactID": {"7": 0}}),
            names=["ContactID", "7"],
        ),
        broken(
            id="invalid-reference",
            code=ids.INVALID_REFERENCE.rule,
            request=lambda s: with_options(Reference=too_long_reference(s)),
            names=["Reference"],
        ),
        broken(
            id="invalid-reference-accented",
            code=ids.INVALID_REFERENCE.rule,
            request=lambda s: with_options(Reference=too_long_reference(s, "é")),
            names=["Reference"],
        ),
        broken(
            id="invalid-expiry-by-offset",
            code=ids.INVALID_EXPIRY.rule,
            request=lambda s: with_options(
                DateToSend=at_offset(2 * DAY, "10:00:00", "+00:00"),
                ExpiryDate=at_offset(2 * DAY, "12:00:00", "+05:00"),  # 07:00 UTC: before
            ),
            names=["ExpiryDate"],
        ),
        broken(
            id="invalid-expiry-before-send",
            code=ids.INVALID_EXPIRY.rule,
            request=lambda s: with_options(DateToSend=iso(2 * DAY), ExpiryDate=iso(DAY)),
            names=["ExpiryDate"],
        ),
        broken(
            id="invalid-expiry-equal-send",
            code=ids.INVALID_EXPIRY.rule,
            request=_expiry_equal_to_send,
            names=["ExpiryDate"],
        ),
        broken(
            id="invalid-expiry-in-the-past",
            code=ids.INVALID_EXPIRY.rule,
            request=lambda s: with_options(ExpiryDate=iso(-DAY)),
            names=["ExpiryDate"],
        ),
        broken(
            id="missing-recurring-options",
            code=ids.MISSING_RECURRING_OPTIONS.rule,
            request=lambda s: base_request(Type=2),
            names=["RecurringOptions"],
        ),
        broken(
            id="missing-recurring-occurrences",
            code=ids.MISSING_RECURRING_OPTIONS.rule,
            request=lambda s: _recurring(Range=1),
            names=["OccurrencesEnd", "RecurringOptions"],
        ),
        broken(
            id="missing-recurring-expiry",
            code=ids.MISSING_RECURRING_OPTIONS.rule,
            request=lambda s: _recurring(Range=2),
            names=["ExpiryDate", "RecurringOptions"],
        ),
    ]
