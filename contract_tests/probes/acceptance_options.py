"""Requests the contract accepts, by their options and dates: Reference, Sender, ports and
every option at a valid extreme; DateToSend and ExpiryDate across offsets, in the past, far
ahead; recurring messages; unknown properties. The rows of the acceptance family
(`acceptance.acceptance_probes`), which runs them in its order."""

from __future__ import annotations

from datetime import timedelta

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    DAY,
    QUICK_NUMBER,
    acceptance,
    at_offset,
    base_request,
    iso,
    iso_at,
    longest_reference,
    longest_sender,
    with_options,
)
from contract_tests.probes.valid_requests import full_options

ACCEPTANCE = ids.ACCEPTANCE


def options_and_dates() -> list[Probe]:
    """The Reference at its limit, dates compared across offsets, recurring options where
    they are ignored, scheduled and past sends."""
    return [
        acceptance(
            id="reference-longest-accented",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(Reference=longest_reference(s, "é")),
            description="A Reference of maxLength characters, each two bytes in UTF-8, is within "
            "the limit.",
        ),
        acceptance(
            id="expiry-compared-across-offsets",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(
                DateToSend=at_offset(2 * DAY, "10:00:00", "+05:00"),  # 05:00 UTC
                ExpiryDate=at_offset(2 * DAY, "09:00:00", "+00:00"),  # 09:00 UTC: after
            ),
            description="ExpiryDate and DateToSend compare as instants, offsets included.",
        ),
        acceptance(
            id="recurring-options-on-standard",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: base_request(Options={"RecurringOptions": {"Range": 1}}),
            description="RecurringOptions are ignored unless Type is 2, incomplete ones too.",
        ),
        acceptance(
            id="recurring-every-day",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: base_request(
                Type=2, Options={"RecurringOptions": {"Range": 0, "PatternScheduleDays": 0}}
            ),
            description="PatternScheduleDays 0 means every day.",
        ),
        acceptance(
            id="advanced-scheduled",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: base_request(Type=0, Options={"DateToSend": iso(2 * DAY)}),
            description="An advanced message with a future DateToSend: Scheduled.",
        ),
        acceptance(
            id="scheduled-in-30-minutes",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso_at(timedelta(minutes=30), 0)),
            description="A DateToSend half an hour ahead: Scheduled.",
        ),
        acceptance(
            id="scheduled-at-another-offset",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso_at(timedelta(hours=2), -5)),
            description="Two hours ahead, written at -05:00 (the clock reads earlier than UTC): "
            "Scheduled.",
        ),
        acceptance(
            id="past-at-another-offset",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso_at(timedelta(hours=-2), 5)),
            description="Two hours ago, written at +05:00 (the clock reads later than UTC): Sent.",
        ),
        acceptance(
            id="scheduled-zulu",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso_at(2 * DAY, 0, zulu=True)),
            description="A future DateToSend written with Z: Scheduled.",
        ),
        acceptance(
            id="far-past",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend="1960-01-01T00:00:00+00:00"),
            description="A DateToSend before 1970: sent now.",
        ),
        acceptance(
            id="far-future",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend="2110-01-01T00:00:00+00:00"),
            description="A DateToSend after 2106 (beyond 32-bit Unix time): Scheduled.",
        ),
    ]


def recurrence_dates_and_senders() -> list[Probe]:
    """Recurring messages, scheduled and past dates, every option, the senders the rule allows."""
    return [
        acceptance(
            id="recurring",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: base_request(
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
            description="Type 2 with complete options: Scheduled, with an AdvancedMessageID.",
        ),
        acceptance(
            id="recurring-no-end",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: base_request(Type=2, Options={"RecurringOptions": {"Range": 0}}),
            description="Type 2, Range 0 (no end).",
        ),
        acceptance(
            id="recurring-end-by-date",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: base_request(
                Type=2, Options={"ExpiryDate": iso(30 * DAY), "RecurringOptions": {"Range": 2}}
            ),
            description="Type 2, Range 2 with Options.ExpiryDate.",
        ),
        acceptance(
            id="scheduled",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso(2 * DAY)),
            description="A DateToSend in the future: Scheduled.",
        ),
        acceptance(
            id="scheduled-with-expiry",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso(2 * DAY), ExpiryDate=iso(3 * DAY)),
            description="An expiry after a future send date.",
        ),
        acceptance(
            id="past-date",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso(-2 * DAY)),
            description="A DateToSend in the past: sent now.",
        ),
        acceptance(
            id="seven-fraction-digits",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_DATE_TIME.rule,
            request=lambda s: with_options(DateToSend="2099-10-26T11:42:31.4461082+00:00"),
            description="The help page's date-time form, seven fractional digits.",
        ),
        acceptance(
            id="every-option",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(**full_options(s)),
            description="Every option at a valid extreme of the spec (ports, Reference, Sender, "
            "Repeat).",
        ),
        acceptance(
            id="numeric-sender",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(Sender=longest_sender(s, "1", "+")),
            description="A numeric sender: + and the most digits the rule allows.",
        ),
        acceptance(
            id="sender-digit-first",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(Sender="1st Clinic"),
            description="A sender may start with a digit, as long as it has a letter.",
        ),
        acceptance(
            id="numeric-sender-no-plus",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(Sender=longest_sender(s, "1")),
            description="A numeric sender of the most digits the rule allows.",
        ),
        acceptance(
            id="sender-with-spaces",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_OPTIONS.rule,
            request=lambda s: with_options(Sender="My Shop 24"),
            description="An alphanumeric sender with spaces.",
        ),
    ]


def past_dates_and_unknown_properties() -> list[Probe]:
    """A past DateToSend with an expiry ahead; unknown properties, top-level and nested."""
    return [
        acceptance(
            id="past-date-with-future-expiry",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_RESULT.rule,
            request=lambda s: with_options(DateToSend=iso(-2 * DAY), ExpiryDate=iso(2 * DAY)),
            description="A past DateToSend with an expiry ahead: sent now.",
        ),
        acceptance(
            id="unknown-properties",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_UNKNOWN_PROPERTIES.rule,
            request=lambda s: {**base_request(Options={"Extra": 1}), "Unknown": {"a": [1, "x"]}},
            description="Unknown properties are ignored.",
        ),
        acceptance(
            id="unknown-properties-nested",
            check=ACCEPTANCE,
            rule=ids.ACCEPT_UNKNOWN_PROPERTIES.rule,
            request=lambda s: base_request(
                Contacts={"QuickRecipients": {QUICK_NUMBER: 2}, "Extra": {"x": 1}},
                Options={"Repeat": {"Frequency": 5, "Extra": 1}, "EmailOptions": {"Extra": "y"}},
            ),
            description="Unknown properties inside Contacts, Repeat and EmailOptions are ignored "
            "too.",
        ),
    ]
