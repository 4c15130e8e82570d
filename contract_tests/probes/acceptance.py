"""Requests the contract accepts, each exercising one feature; every 200 then goes through
the success invariants (counts against the account's facts, IDs, credits, text). Here the
recipients (groups, contacts, channels, de-duplication, E.164), templates, IDs and SMS
parts; the options and dates are `acceptance_options`'s."""

from __future__ import annotations

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.acceptance_options import (
    options_and_dates,
    past_dates_and_unknown_properties,
    recurrence_dates_and_senders,
)
from contract_tests.probes.base import (
    QUICK_EMAIL,
    acceptance,
    base_request,
    contact_request,
)
from contract_tests.probes.valid_requests import (
    Row,
    all_maps,
    contact_and_group_email,
    e164,
    email_case,
    group_default_channel,
    group_email_case,
    group_request,
    nth_group_default_channel,
    overlap,
    placeholders,
    quick_number_in_group,
    quick_of_contact,
    template,
    template_empty_content,
)
from twosms_contract.spec import Spec

ACCEPTANCE = ids.ACCEPTANCE


def acceptance_probes(_spec: Spec) -> list[Probe]:
    """One probe per row, in the order the rows were written (each send spends credits):
    recipients and options interleave."""
    table = [
        *_recipients_and_templates(),
        *options_and_dates(),
        *_contacts_and_ids(),
        *recurrence_dates_and_senders(),
        *_numbers_and_templates(),
        *past_dates_and_unknown_properties(),
        *_multipart(),
    ]
    return [
        acceptance(probe_id, check=ACCEPTANCE, rule=rule, request=build, description=text)
        for probe_id, rule, build, text in table
    ]


def _recipients_and_templates() -> list[Row]:
    """The public example; templates, groups and GUID case; de-duplication; default channels."""
    return [
        (
            "public-example",
            ids.ACCEPT_PUBLIC_EXAMPLE.rule,
            lambda s: {
                "Contacts": {"QuickRecipients": {"+12345678901": 2}},
                "Content": "Standard Send Test",
                "Options": {},
                "Type": 1,
            },
            "The request 2SMS's public pages show as accepted.",
        ),
        (
            "template",
            ids.ACCEPT_TEMPLATE.rule,
            template(upper=False),
            "A template send: MessageText is the rendered template, not Content.",
        ),
        (
            "template-guid-case",
            ids.ACCEPT_GUID_CASE.rule,
            template(upper=True),
            "Template GUIDs compare case-insensitively.",
        ),
        (
            "group",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            group_request(all_reachable=True),
            "A group whose members all have the channel.",
        ),
        (
            "group-guid-case",
            ids.ACCEPT_GUID_CASE.rule,
            group_request(all_reachable=True, upper=True),
            "Group GUIDs compare case-insensitively.",
        ),
        (
            "group-skips-member",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            group_request(all_reachable=False),
            "A group member that lacks the channel is skipped, not refused.",
        ),
        (
            "group-default-channel",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            group_default_channel,
            "Channel 0 reaches each member by SMS where it has a number, else by e-mail.",
        ),
        (
            "dedupe-numbers",
            ids.ACCEPT_DE_DUPLICATION.rule,
            overlap,
            "A number named as quick recipient, contact and group member is one SMS recipient.",
        ),
        (
            "dedupe-emails-case",
            ids.ACCEPT_DE_DUPLICATION.rule,
            email_case,
            "E-mail addresses are de-duplicated case-insensitively.",
        ),
        (
            "dedupe-emails-case-group",
            ids.ACCEPT_DE_DUPLICATION.rule,
            group_email_case,
            "A group member's address in capitals as a quick recipient is the same address.",
        ),
        (
            "dedupe-quick-number-and-group",
            ids.ACCEPT_DE_DUPLICATION.rule,
            quick_number_in_group,
            "A group member's number as a quick recipient is one SMS recipient.",
        ),
        (
            "dedupe-contact-and-group-email",
            ids.ACCEPT_DE_DUPLICATION.rule,
            contact_and_group_email,
            "A contact's address, named directly and through its group, is one e-mail.",
        ),
        *(
            (
                f"group-default-channel-{index + 1}",
                ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
                nth_group_default_channel(index),
                "Channel 0 on each group: SMS where a member has a number, else e-mail.",
            )
            for index in range(4)
        ),
        (
            "contact-default-channel-both",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            contact_request(phone=True, email=True, channel=0),
            "Channel 0 on a contact with a number and an address sends an SMS only.",
        ),
        *(
            (
                f"quick-email-plus-tag-{channel}",
                ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
                lambda s, c=channel: base_request(
                    Contacts={"QuickRecipients": {"ann+news@example.com": c}}
                ),
                f"An address with a + tag is an address, not a number (channel {channel}).",
            )
            for channel in (0, 1)
        ),
        (
            "template-placeholders-in-reverse",
            ids.ACCEPT_TEMPLATE.rule,
            placeholders(lambda keys: {k: f"value {k}" for k in reversed(keys)}),
            "PlaceHolders are matched by number, whatever their order in the request.",
        ),
    ]


def _contacts_and_ids() -> list[Row]:
    """A contact's number or address as a quick recipient, a thousand parts, contacts'
    channels, advanced IDs."""
    return [
        *(
            (
                f"quick-{field}-of-a-contact",
                ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
                quick_of_contact(field),
                f"A contact's {field} as a quick recipient: not a contact reached "
                "(NoOfContacts counts contacts named directly or through a group).",
            )
            for field in ("phone", "email")
        ),
        (
            "thousand-parts",
            ids.ACCEPT_SMS_PARTS.rule,
            lambda s: base_request(Content="a" * (s.spec.terms.parts.gsm7_multi * 1000)),
            "A text of 1000 parts: NoOfSMS and CreditsUsed are 1000, written as decimal digits.",
        ),
        (
            "contact-email-default",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            contact_request(phone=False, email=True, channel=0),
            "Channel 0 on a contact with only an address sends an e-mail (no SMS, no credit).",
        ),
        (
            "contact-both-channels",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            contact_request(phone=True, email=True, channel=3),
            "Channel 3 on a contact with both sends an SMS and an e-mail.",
        ),
        (
            "quick-email",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 1}}),
            "An e-mail quick recipient by e-mail.",
        ),
        (
            "all-maps-advanced",
            ids.ACCEPT_ADVANCED_IDS.rule,
            all_maps,
            "An advanced message to all three maps.",
        ),
        (
            "advanced",
            ids.ACCEPT_ADVANCED_IDS.rule,
            lambda s: base_request(Type=0),
            "Type 0: an AdvancedMessageID and no StandardMessageIDs.",
        ),
    ]


def _numbers_and_templates() -> list[Row]:
    """The shortest and longest E.164 numbers; a template with an empty Content."""
    return [
        (
            "e164-fewest-digits",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {e164(s, 0): 2}}),
            "The shortest E.164 number the key pattern admits.",
        ),
        (
            "e164-most-digits",
            ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            lambda s: base_request(Contacts={"QuickRecipients": {e164(s, 1): 2}}),
            "The longest E.164 number the key pattern admits.",
        ),
        (
            "template-with-empty-content",
            ids.ACCEPT_TEMPLATE.rule,
            template_empty_content,
            "A template makes an empty Content irrelevant (no NoContent).",
        ),
    ]


def _multipart() -> list[Row]:
    """A multipart text to several SMS recipients."""
    return [
        (
            "multipart-many-recipients",
            ids.ACCEPT_SMS_PARTS.rule,
            lambda s: base_request(
                Contacts={
                    "QuickRecipients": {"+447700900201": 2, "+447700900202": 0, "+14155550999": 2}
                },
                Content="Multipart " * 40,
            ),
            "Three SMS recipients of a 3-part text: three lists of 3 IDs, NoOfSMS 9.",
        ),
    ]
