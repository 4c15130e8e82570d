"""The valid requests the acceptance probes send, built from the session's account and spec:
templates, groups and contacts of the account, every option at a bound of the spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests.probes.base import (
    DAY,
    QUICK_EMAIL,
    QUICK_NUMBER,
    base_request,
    e164_digits,
    iso,
    longest_reference,
    longest_sender,
    template_with_placeholders,
)
from contract_tests.session import Session
from twosms_contract.fixtures import Account

Build = Callable[[Session], Any]


def template(upper: bool) -> Build:
    def build(session: Session) -> Any:
        found = template_with_placeholders(session.account, 1)
        if found is None:
            return None
        guid, _text, keys = found
        values = {key: f"value {key}" for key in keys}
        return base_request(
            Content="ignored: the template overrides Content",
            Template={"ID": guid.upper() if upper else guid, "PlaceHolders": values},
        )

    return build


def template_empty_content(session: Session) -> Any:
    body = template(upper=False)(session)
    if body is not None:
        body["Content"] = ""
    return body


def group(account: Account, *, all_reachable: bool) -> tuple[str, int] | None:
    """A group and a channel; with `all_reachable`, one every member can be reached on,
    else one that some member lacks (that member is skipped) but another has."""
    for guid, members in sorted(account.groups.items()):
        for channel, needs in ((2, "phone"), (1, "email")):
            has = [getattr(account.contacts[m], needs) is not None for m in members]
            if all_reachable and all(has):
                return guid, channel
            if not all_reachable and any(has) and not all(has):
                return guid, channel
    return None


def group_request(*, all_reachable: bool, upper: bool = False) -> Build:
    def build(session: Session) -> Any:
        found = group(session.account, all_reachable=all_reachable)
        if found is None:
            return None
        guid, channel = found
        return base_request(Contacts={"GroupID": {guid.upper() if upper else guid: channel}})

    return build


def group_default_channel(session: Session) -> Any:
    if not session.account.groups:
        return None
    guid = sorted(session.account.groups)[0]
    return base_request(Contacts={"GroupID": {guid: 0}})


def overlap(session: Session) -> Any:
    """A contact named directly and through its group, and its number as a quick recipient:
    each is reached once."""
    for guid, members in sorted(session.account.groups.items()):
        for member in members:
            phone = session.account.contacts[member].phone
            if phone is not None:
                return base_request(
                    Contacts={
                        "QuickRecipients": {phone: 2},
                        "ContactID": {member: 2},
                        "GroupID": {guid: 0},
                    }
                )
    return None


def email_case(session: Session) -> Any:
    """An address as a quick recipient in capitals and through its contact: one e-mail."""
    for number, contact in sorted(session.account.contacts.items()):
        if contact.email is not None:
            return base_request(
                Contacts={"QuickRecipients": {contact.email.upper(): 0}, "ContactID": {number: 1}}
            )
    return None


def group_member_with(account: Account, field: str) -> tuple[str, str, str] | None:
    """(group GUID, member contact number, the member's phone or email) for the first
    group member that has `field`."""
    for guid, members in sorted(account.groups.items()):
        for member in members:
            value = getattr(account.contacts[member], field)
            if value is not None:
                return guid, member, value
    return None


def group_email_case(session: Session) -> Any:
    """A group member's address as a quick recipient in capitals, and the group by e-mail:
    one e-mail (addresses compare case-insensitively across maps, groups too)."""
    found = group_member_with(session.account, "email")
    if found is None:
        return None
    guid, _member, email = found
    return base_request(Contacts={"QuickRecipients": {email.upper(): 1}, "GroupID": {guid: 1}})


def quick_number_in_group(session: Session) -> Any:
    """A group member's number as a quick recipient, and the group: one SMS recipient."""
    found = group_member_with(session.account, "phone")
    if found is None:
        return None
    guid, _member, phone = found
    return base_request(Contacts={"QuickRecipients": {phone: 2}, "GroupID": {guid: 0}})


def contact_and_group_email(session: Session) -> Any:
    """A contact by e-mail, directly and through its group: one e-mail."""
    found = group_member_with(session.account, "email")
    if found is None:
        return None
    guid, member, _email = found
    return base_request(Contacts={"ContactID": {member: 1}, "GroupID": {guid: 1}})


def nth_group_default_channel(index: int) -> Build:
    def build(session: Session) -> Any:
        groups = sorted(session.account.groups)
        if index >= len(groups):
            return None
        return base_request(Contacts={"GroupID": {groups[index]: 0}})

    return build


def placeholders(values: Callable[[list[str]], dict[str, str]]) -> Build:
    """A template with at least two placeholders, its PlaceHolders built from its keys."""

    def build(session: Session) -> Any:
        found = template_with_placeholders(session.account, 2)
        if found is None:
            return None
        guid, _text, keys = found
        return base_request(Template={"ID": guid, "PlaceHolders": values(keys)})

    return build


def quick_of_contact(field: str) -> Build:
    def build(session: Session) -> Any:
        for _number, contact in sorted(session.account.contacts.items()):
            value = getattr(contact, field)
            if value is not None:
                return base_request(Contacts={"QuickRecipients": {value: 0}})
        return None

    return build


def all_maps(session: Session) -> Any:
    contacts: dict[str, Any] = {"QuickRecipients": {QUICK_NUMBER: 0, QUICK_EMAIL: 0}}
    if session.account.contacts:
        contacts["ContactID"] = {sorted(session.account.contacts)[0]: 0}
    if session.account.groups:
        contacts["GroupID"] = {sorted(session.account.groups)[0]: 0}
    return base_request(Contacts=contacts, Type=0)


def e164(session: Session, end: int) -> str:
    """`+` and the fewest (`end` 0) or most (1) digits the key pattern admits."""
    count = e164_digits(session)[end]
    return "+" + ("1234567890" * (count // 10 + 1))[:count]


def full_options(session: Session) -> dict[str, Any]:
    """Every option, each at a valid extreme the spec's schema states."""
    field = session.spec.terms.field
    return {
        "DateToSend": iso(-DAY),
        "DeliveryReceipt": True,
        "DstPort": field("$.Options.DstPort").bounds()[1],
        "DeliverToValidatedOnly": False,
        "EmailReadReceipt": True,
        "Reference": longest_reference(session),
        "Repeat": {
            "Frequency": field("$.Options.Repeat.Frequency").bounds()[1],
            "Repetitions": field("$.Options.Repeat.Repetitions").bounds()[1],
        },
        "Reads": field("$.Options.Reads").minimum or 0,
        "EmailOptions": {
            "FromAddress": "sender@example.com",
            "FromName": "Contract Test",
            "Subject": "Subject",
            "ReplyTo": "reply@example.com",
        },
        "ResponseAlert": max(field("$.Options.ResponseAlert").enum or (0,)),
        "SmsReadReceipt": True,
        "ResponseLimit": field("$.Options.ResponseLimit").minimum or 0,
        "Sender": longest_sender(session),
        "SecureMessage": True,
        "SrcPort": field("$.Options.SrcPort").bounds()[0],
    }
