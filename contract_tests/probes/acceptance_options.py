"""Requests the contract accepts, by their options and dates: Reference, Sender, ports and
every option at a valid extreme; DateToSend and ExpiryDate across offsets, in the past, far
ahead; recurring messages; unknown properties. The rows of the acceptance family
(`acceptance.acceptance_probes`), which runs them in its order."""

from __future__ import annotations

from datetime import timedelta

from contract_tests import ids
from contract_tests.probes.base import (
    DAY,
    QUICK_NUMBER,
    at_offset,
    base_request,
    iso,
    iso_at,
    longest_reference,
    longest_sender,
    with_options,
)
from contract_tests.probes.valid_requests import Row, full_options


def options_and_dates() -> list[Row]:
    """The Reference at its limit, dates compared across offsets, recurring options where
    they are ignored, scheduled and past sends."""
    return [
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
    ]


def recurrence_dates_and_senders() -> list[Row]:
    """Recurring messages, scheduled and past dates, every option, the senders the rule allows."""
    return [
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
    ]


def past_dates_and_unknown_properties() -> list[Row]:
    """A past DateToSend with an expiry ahead; unknown properties, top-level and nested."""
    return [
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
    ]
