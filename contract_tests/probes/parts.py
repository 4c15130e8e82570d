"""SMS part counting at every boundary of CONTRACT.md, for one SMS recipient.

The expected count comes from `contract_tests.sms` (the suite's own implementation of
3GPP TS 23.038/23.040); the observed one from the response (the recipient's list of
message IDs and `NoOfSMS`). Each text is also a row of the report's boundary table.
"""

from __future__ import annotations

from collections.abc import Iterator

from contract_tests.core import BoundaryObservation, Probe, Violation, violation
from contract_tests.probes.base import (
    QUICK_NUMBER,
    base_request,
    error_of,
    success_detail,
)
from contract_tests.session import Session
from contract_tests.sms import encode

SMS_PARTS = "sms-parts"
EMOJI = "\U0001f600"  # two UTF-16 code units
CYRILLIC = "ж"  # not in GSM-7: forces UCS-2, one code unit

# (limit, side, text): below/at/above each limit of the contract.
BOUNDARY_TEXTS: list[tuple[str, str, str]] = [
    ("GSM-7 single part (160 septets)", "below", "a" * 159),
    ("GSM-7 single part (160 septets)", "at", "a" * 160),
    ("GSM-7 single part (160 septets)", "above", "a" * 161),
    ("GSM-7 multipart (153 septets a part)", "below", "a" * 305),
    ("GSM-7 multipart (153 septets a part)", "at", "a" * 306),
    ("GSM-7 multipart (153 septets a part)", "above", "a" * 307),
    ("GSM-7 multipart, 152/153/154 septets in part 2", "below", "a" * 152 + "b" * 153),
    ("GSM-7 extension characters cost 2 septets", "at", "{" * 80),
    ("GSM-7 extension characters cost 2 septets", "above", "{" * 80 + "a"),
    ("GSM-7 escape pair never split at 153", "at", "a" * 152 + "{" + "a" * 152),
    ("GSM-7 euro sign and form feed", "at", "€" * 79 + "\f"),
    ("GSM-7 national characters (basic table)", "at", "èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà" * 4),
    ("GSM-7 vs UCS-2: a backtick is not GSM-7", "at", "`" + "a" * 69),
    ("GSM-7 vs UCS-2: a backtick is not GSM-7", "above", "`" + "a" * 70),
    ("UCS-2 single part (70 units)", "below", CYRILLIC * 69),
    ("UCS-2 single part (70 units)", "at", CYRILLIC * 70),
    ("UCS-2 single part (70 units)", "above", CYRILLIC * 71),
    ("UCS-2 multipart (67 units a part)", "below", CYRILLIC * 133),
    ("UCS-2 multipart (67 units a part)", "at", CYRILLIC * 134),
    ("UCS-2 multipart (67 units a part)", "above", CYRILLIC * 135),
    ("UCS-2 emoji cost 2 units", "at", EMOJI * 35),
    ("UCS-2 emoji cost 2 units", "above", EMOJI * 36),
    ("UCS-2 surrogate pair never split at 67", "at", CYRILLIC * 66 + EMOJI + CYRILLIC * 66),
    ("UCS-2 surrogate pair never split at 67", "below", CYRILLIC * 66 + EMOJI + CYRILLIC * 65),
]


def _observed_parts(detail: dict[str, object]) -> int | None:
    ids = detail.get("IDs")
    if isinstance(ids, dict) and isinstance(ids.get("StandardMessageIDs"), dict):
        lists = ids["StandardMessageIDs"].get(QUICK_NUMBER)
        if isinstance(lists, list):
            return len(lists)
    return None


def _run(session: Session) -> Iterator[Violation]:
    for limit, side, text in BOUNDARY_TEXTS:
        expected = encode(text)
        body = base_request(Content=text)
        exchange, found = session.send(body)
        detail = success_detail(exchange) if exchange.response.status == 200 else None
        observed = _observed_parts(detail) if detail else None
        shown = f"{len(text)} chars, {expected.units} {expected.alphabet} units"
        if exchange.response.status != 200:
            code, reason = error_of(exchange)
            found.append(
                violation(
                    exchange,
                    SMS_PARTS,
                    "valid-text-accepted",
                    f"a valid text ({limit}, {side}) was refused",
                    f"{exchange.response.status} {code} {reason}",
                    "200",
                )
            )
        session.boundaries.append(
            BoundaryObservation(
                limit,
                side,
                shown,
                f"{expected.parts} part(s)",
                f"{observed} part(s)"
                if observed is not None
                else f"HTTP {exchange.response.status}",
                observed == expected.parts,
            )
        )
        # The success invariants already name a wrong count (rule sms-parts); say which
        # boundary it was.
        for v in found:
            if v.rule == "sms-parts":
                yield violation(
                    exchange,
                    SMS_PARTS,
                    limit,
                    f"{side} the limit: {v.message}",
                    v.received,
                    v.expected,
                )
            else:
                yield v


def parts_probes() -> list[Probe]:
    return [
        Probe(
            "sms-part-boundaries",
            SMS_PARTS,
            "boundaries",
            "Texts below, at and above every part boundary of CONTRACT.md, by one SMS each.",
            _run,
        )
    ]
