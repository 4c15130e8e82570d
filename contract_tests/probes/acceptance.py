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
    """The probes in the order they were written (each send spends credits): recipients
    and options interleave."""
    return [
        *_recipients_and_templates(),
        *options_and_dates(),
        *_contacts_and_ids(),
        *recurrence_dates_and_senders(),
        *_numbers_and_templates(),
        *past_dates_and_unknown_properties(),
        *_multipart(),
    ]


def _recipients_and_templates() -> list[Probe]:
    """The public example; templates, groups and GUID case; de-duplication; default channels."""
    return [
        acceptance(
            id="public-example",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_PUBLIC_EXAMPLE.rule,
            request=lambda s: {
                "Contacts": {"QuickRecipients": {"+12345678901": 2}},
                "Content": "Standard Send Test",
                "Options": {},
                "Type": 1,
            },
            description="The request 2SMS's public pages show as accepted.",
        ),
        acceptance(
            id="template",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_TEMPLATE.rule,
            request=template(upper=False),
            description="A template send: MessageText is the rendered template, not Content.",
        ),
        acceptance(
            id="template-guid-case",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_GUID_CASE.rule,
            request=template(upper=True),
            description="Template GUIDs compare case-insensitively.",
        ),
        acceptance(
            id="group",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=group_request(all_reachable=True),
            description="A group whose members all have the channel.",
        ),
        acceptance(
            id="group-guid-case",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_GUID_CASE.rule,
            request=group_request(all_reachable=True, upper=True),
            description="Group GUIDs compare case-insensitively.",
        ),
        acceptance(
            id="group-skips-member",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=group_request(all_reachable=False),
            description="A group member that lacks the channel is skipped, not refused.",
        ),
        acceptance(
            id="group-default-channel",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=group_default_channel,
            description="Channel 0 reaches each member by SMS where it has a number, else by "
            "e-mail.",
        ),
        acceptance(
            id="dedupe-numbers",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DE_DUPLICATION.rule,
            request=overlap,
            description="A number named as quick recipient, contact and group member is one SMS "
            "recipient.",
        ),
        acceptance(
            id="dedupe-emails-case",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DE_DUPLICATION.rule,
            request=email_case,
            description="E-mail addresses are de-duplicated case-insensitively.",
        ),
        acceptance(
            id="dedupe-emails-case-group",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DE_DUPLICATION.rule,
            request=group_email_case,
            description="A group member's address in capitals as a quick recipient is the same "
            "address.",
        ),
        acceptance(
            id="dedupe-quick-number-and-group",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DE_DUPLICATION.rule,
            request=quick_number_in_group,
            description="A group member's number as a quick recipient is one SMS recipient.",
        ),
        acceptance(
            id="dedupe-contact-and-group-email",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DE_DUPLICATION.rule,
            request=contact_and_group_email,
            description="A contact's address, named directly and through its group, is one e-mail.",
        ),
        *(
            acceptance(
                id=f"group-default-channel-{index + 1}",
                check=ACCEPTANCE,
                rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
                request=nth_group_default_channel(index),
                description="Channel 0 on each group: SMS where a member has a number, else "
                "e-mail.",
            )
            for index in range(4)
        ),
        acceptance(
            id="contact-default-channel-both",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=contact_request(phone=True, email=True, channel=0),
            description="Channel 0 on a contact with a number and an address sends an SMS only.",
        ),
        acceptance(
            id="quick-email-plus-tag-0",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=lambda s: base_request(
                Contacts={"QuickRecipients": {"ann+news@example.com": 0}}
            ),
            description="An address with a + tag is an address, not a number (channel 0).",
        ),
        acceptance(
            id="quick-email-plus-tag-1",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=lambda s: base_request(
                Contacts={"QuickRecipients": {"ann+news@example.com": 1}}
            ),
            description="An address with a + tag is an address, not a number (channel 1).",
        ),
        acceptance(
            id="template-placeholders-in-reverse",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_TEMPLATE.rule,
            request=placeholders(lambda keys: {k: f"value {k}" for k in reversed(keys)}),
            description="PlaceHolders are matched by number, whatever their order in the request.",
        ),
    ]


def _contacts_and_ids() -> list[Probe]:
    """A contact's number or address as a quick recipient, a thousand parts, contacts'
    channels, advanced IDs."""
    return [
        *(
            acceptance(
                id=f"quick-{field}-of-a-contact",
                check=ACCEPTANCE,
                rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
                request=quick_of_contact(field),
                description=f"A contact's {field} as a quick recipient: not a contact reached "
                "(NoOfContacts counts contacts named directly or through a group).",
            )
            for field in ("phone", "email")
        ),
        acceptance(
            id="thousand-parts",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_SMS_PARTS.rule,
            request=lambda s: base_request(Content="a" * (s.spec.terms.parts.gsm7_multi * 1000)),
            description="A text of 1000 parts: NoOfSMS and CreditsUsed are 1000, written as "
            "decimal digits.",
        ),
        acceptance(
            id="contact-email-default",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=contact_request(phone=False, email=True, channel=0),
            description="Channel 0 on a contact with only an address sends an e-mail (no SMS, no "
            "credit).",
        ),
        acceptance(
            id="contact-both-channels",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=contact_request(phone=True, email=True, channel=3),
            description="Channel 3 on a contact with both sends an SMS and an e-mail.",
        ),
        acceptance(
            id="quick-email",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {QUICK_EMAIL: 1}}),
            description="An e-mail quick recipient by e-mail.",
        ),
        acceptance(
            id="all-maps-advanced",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_ADVANCED_IDS.rule,
            request=all_maps,
            description="An advanced message to all three maps.",
        ),
        acceptance(
            id="advanced",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_ADVANCED_IDS.rule,
            request=lambda s: base_request(Type=0),
            description="Type 0: an AdvancedMessageID and no StandardMessageIDs.",
        ),
    ]


def _numbers_and_templates() -> list[Probe]:
    """The shortest and longest E.164 numbers; a template with an empty Content."""
    return [
        acceptance(
            id="e164-fewest-digits",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {e164(s, 0): 2}}),
            description="The shortest E.164 number the key pattern admits.",
        ),
        acceptance(
            id="e164-most-digits",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RECIPIENT_RESOLUTION.rule,
            request=lambda s: base_request(Contacts={"QuickRecipients": {e164(s, 1): 2}}),
            description="The longest E.164 number the key pattern admits.",
        ),
        acceptance(
            id="template-with-empty-content",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_TEMPLATE.rule,
            request=template_empty_content,
            description="A template makes an empty Content irrelevant (no NoContent).",
        ),
    ]


def _multipart() -> list[Probe]:
    """A multipart text to several SMS recipients."""
    return [
        acceptance(
            id="multipart-many-recipients",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_SMS_PARTS.rule,
            request=lambda s: base_request(
                Contacts={
                    "QuickRecipients": {"+447700900201": 2, "+447700900202": 0, "+14155550999": 2}
                },
                Content="Multipart " * 40,
            ),
            description="Three SMS recipients of a 3-part text: three lists of 3 IDs, NoOfSMS 9.",
        ),
    ]
