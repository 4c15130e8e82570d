"""Requests the contract accepts, each exercising one feature; every 200 then goes through
the success invariants (counts against the account's facts, IDs, credits, text)."""

from __future__ import annotations

from datetime import timedelta

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    DAY,
    QUICK_EMAIL,
    QUICK_NUMBER,
    acceptance,
    at_offset,
    base_request,
    contact_request,
    iso,
    iso_at,
    longest_reference,
    longest_sender,
    with_options,
)
from contract_tests.probes.valid_requests import (
    Build,
    all_maps,
    contact_and_group_email,
    e164,
    email_case,
    full_options,
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
    table: list[tuple[str, str, Build, str]] = [
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
        (
            "reference-longest-accented",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(Reference=longest_reference(s, "é")),
            "A Reference of maxLength characters, each two bytes in UTF-8, is within the limit.",
        ),
        (
            "expiry-compared-across-offsets",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(
                DateToSend=at_offset(2 * DAY, "10:00:00", "+05:00"),  # 05:00 UTC
                ExpiryDate=at_offset(2 * DAY, "09:00:00", "+00:00"),  # 09:00 UTC: after
            ),
            "ExpiryDate and DateToSend compare as instants, offsets included.",
        ),
        (
            "recurring-options-on-standard",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: base_request(Options={"RecurringOptions": {"Range": 1}}),
            "RecurringOptions are ignored unless Type is 2, incomplete ones too.",
        ),
        (
            "recurring-every-day",
            ids.ACCEPT_RESULT.rule,
            lambda s: base_request(
                Type=2, Options={"RecurringOptions": {"Range": 0, "PatternScheduleDays": 0}}
            ),
            "PatternScheduleDays 0 means every day.",
        ),
        (
            "advanced-scheduled",
            ids.ACCEPT_RESULT.rule,
            lambda s: base_request(Type=0, Options={"DateToSend": iso(2 * DAY)}),
            "An advanced message with a future DateToSend: Scheduled.",
        ),
        (
            "scheduled-in-30-minutes",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso_at(timedelta(minutes=30), 0)),
            "A DateToSend half an hour ahead: Scheduled.",
        ),
        (
            "scheduled-at-another-offset",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso_at(timedelta(hours=2), -5)),
            "Two hours ahead, written at -05:00 (the clock reads earlier than UTC): Scheduled.",
        ),
        (
            "past-at-another-offset",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso_at(timedelta(hours=-2), 5)),
            "Two hours ago, written at +05:00 (the clock reads later than UTC): Sent.",
        ),
        (
            "scheduled-zulu",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso_at(2 * DAY, 0, zulu=True)),
            "A future DateToSend written with Z: Scheduled.",
        ),
        (
            "far-past",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend="1960-01-01T00:00:00+00:00"),
            "A DateToSend before 1970: sent now.",
        ),
        (
            "far-future",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend="2110-01-01T00:00:00+00:00"),
            "A DateToSend after 2106 (beyond 32-bit Unix time): Scheduled.",
        ),
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
        (
            "recurring",
            ids.ACCEPT_RESULT.rule,
            lambda s: base_request(
                Type=2,
                Options={
                    "RecurringOptions": {
                        "Range": 1,
                        "OccurrencesEnd": 3,
                        "PatternScheduleDays": 127,
                        "RecDateToSend": iso(DAY),
                    }
                },
            ),
            "Type 2 with complete options: Scheduled, with an AdvancedMessageID.",
        ),
        (
            "recurring-no-end",
            ids.ACCEPT_RESULT.rule,
            lambda s: base_request(Type=2, Options={"RecurringOptions": {"Range": 0}}),
            "Type 2, Range 0 (no end).",
        ),
        (
            "recurring-end-by-date",
            ids.ACCEPT_RESULT.rule,
            lambda s: base_request(
                Type=2, Options={"ExpiryDate": iso(30 * DAY), "RecurringOptions": {"Range": 2}}
            ),
            "Type 2, Range 2 with Options.ExpiryDate.",
        ),
        (
            "scheduled",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso(2 * DAY)),
            "A DateToSend in the future: Scheduled.",
        ),
        (
            "scheduled-with-expiry",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso(2 * DAY), ExpiryDate=iso(3 * DAY)),
            "An expiry after a future send date.",
        ),
        (
            "past-date",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso(-2 * DAY)),
            "A DateToSend in the past: sent now.",
        ),
        (
            "seven-fraction-digits",
            ids.ACCEPT_DATE_TIME.rule,
            lambda s: with_options(DateToSend="2099-10-26T11:42:31.4461082+00:00"),
            "The help page's date-time form, seven fractional digits.",
        ),
        (
            "every-option",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(**full_options(s)),
            "Every option at a valid extreme of the spec (ports, Reference, Sender, Repeat).",
        ),
        (
            "numeric-sender",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(Sender=longest_sender(s, "1", "+")),
            "A numeric sender: + and the most digits the rule allows.",
        ),
        (
            "sender-digit-first",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(Sender="1st Clinic"),
            "A sender may start with a digit, as long as it has a letter.",
        ),
        (
            "numeric-sender-no-plus",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(Sender=longest_sender(s, "1")),
            "A numeric sender of the most digits the rule allows.",
        ),
        (
            "sender-with-spaces",
            ids.ACCEPT_OPTIONS.rule,
            lambda s: with_options(Sender="My Shop 24"),
            "An alphanumeric sender with spaces.",
        ),
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
        (
            "past-date-with-future-expiry",
            ids.ACCEPT_RESULT.rule,
            lambda s: with_options(DateToSend=iso(-2 * DAY), ExpiryDate=iso(2 * DAY)),
            "A past DateToSend with an expiry ahead: sent now.",
        ),
        (
            "unknown-properties",
            ids.ACCEPT_UNKNOWN_PROPERTIES.rule,
            lambda s: {**base_request(Options={"Extra": 1}), "Unknown": {"a": [1, "x"]}},
            "Unknown properties are ignored.",
        ),
        (
            "unknown-properties-nested",
            ids.ACCEPT_UNKNOWN_PROPERTIES.rule,
            lambda s: base_request(
                Contacts={"QuickRecipients": {QUICK_NUMBER: 2}, "Extra": {"x": 1}},
                Options={"Repeat": {"Frequency": 5, "Extra": 1}, "EmailOptions": {"Extra": "y"}},
            ),
            "Unknown properties inside Contacts, Repeat and EmailOptions are ignored too.",
        ),
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
    return [
        acceptance(probe_id, check=ACCEPTANCE, rule=rule, request=build, description=text)
        for probe_id, rule, build, text in table
    ]
