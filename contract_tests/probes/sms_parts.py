"""SMS part counting at every boundary of docs/contract.md, for one SMS recipient.

The expected count comes from `contract_tests.sms` (the suite's own implementation of
3GPP TS 23.038/23.040); the observed one from the response (the recipient's list of
message IDs and `NoOfSMS`). Each text is also a row of the report's boundary table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from contract_tests import ids
from contract_tests.core import BoundaryObservation, Violation, violation
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    QUICK_NUMBER,
    base_request,
    error_of,
    success_detail,
)
from contract_tests.session import Session
from contract_tests.sms import GSM_BASIC, counter_for
from twosms_contract.contract import PartSizes
from twosms_contract.spec import Spec

SMS_PARTS = ids.SMS_PARTS
EMOJI = "\U0001f600"  # two UTF-16 code units
CYRILLIC = "ж"  # not in GSM-7: forces UCS-2, one code unit

_NATIONAL = "èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà"  # basic-table letters beyond ASCII
_FLAG = "\U0001f1ec\U0001f1e7"  # two regional indicators: two surrogate pairs
_ZWJ = "\U0001f469\u200d\U0001f4bb"  # a ZWJ sequence: 5 UTF-16 units


def boundary_texts(sizes: PartSizes) -> list[tuple[str, str, str]]:
    """(limit, side, text): below, at and above each limit of the spec's part sizes."""
    g1, gm, u1, um = sizes.gsm7_single, sizes.gsm7_multi, sizes.ucs2_single, sizes.ucs2_multi
    escape = min(sizes.gsm7_extension) if sizes.gsm7_extension else None
    single, multi = ids.gsm7_single_part_rule(sizes).rule, ids.gsm7_multipart_rule(sizes).rule
    second = ids.gsm7_second_part_rule(sizes).rule
    ucs2_single, ucs2_multi = (
        ids.ucs2_single_part_rule(sizes).rule,
        ids.ucs2_multipart_rule(sizes).rule,
    )
    texts: list[tuple[str, str, str]] = [
        (single, "below", "a" * (g1 - 1)),
        (single, "at", "a" * g1),
        (single, "above", "a" * (g1 + 1)),
        (multi, "below", "a" * (2 * gm - 1)),
        (multi, "at", "a" * (2 * gm)),
        (multi, "above", "a" * (2 * gm + 1)),
        # A full first part, then part 2 one septet short of, at and over a full part.
        (second, "below", "a" * gm + "b" * (gm - 1)),
        (second, "at", "a" * gm + "b" * gm),
        (second, "above", "a" * gm + "b" * (gm + 1)),
        (ids.PARTS_GSM7_NATIONAL.rule, "at",
         (_NATIONAL * (g1 // len(_NATIONAL) + 1))[:g1]),
        (ids.PARTS_BACKTICK_NOT_GSM7.rule, "at", "`" + "a" * (u1 - 1)),
        (ids.PARTS_BACKTICK_NOT_GSM7.rule, "above", "`" + "a" * u1),
        (ucs2_single, "below", CYRILLIC * (u1 - 1)),
        (ucs2_single, "at", CYRILLIC * u1),
        (ucs2_single, "above", CYRILLIC * (u1 + 1)),
        (ucs2_multi, "below", CYRILLIC * (2 * um - 1)),
        (ucs2_multi, "at", CYRILLIC * (2 * um)),
        (ucs2_multi, "above", CYRILLIC * (2 * um + 1)),
        (ids.PARTS_UCS2_EMOJI.rule, "at", EMOJI * (u1 // 2)),
        (ids.PARTS_UCS2_EMOJI.rule, "above", EMOJI * (u1 // 2 + 1)),
        (ids.ucs2_surrogate_pair_rule(sizes).rule, "at",
         CYRILLIC * (um - 1) + EMOJI + CYRILLIC * (um - 1)),
        (ids.ucs2_surrogate_pair_rule(sizes).rule, "below",
         CYRILLIC * (um - 1) + EMOJI + CYRILLIC * (um - 2)),
        # A flag (two regional indicators) and a ZWJ sequence are several code points: only
        # each surrogate pair is kept whole, so they may be split between parts.
        (ids.ucs2_flag_rule(sizes).rule, "at",
         CYRILLIC * (um - 2) + _FLAG + CYRILLIC * (um - 2)),
        (ids.ucs2_zwj_rule(sizes).rule, "at",
         CYRILLIC * (um - 3) + _ZWJ + CYRILLIC * (um - 2)),
        # The alphabet is the whole text's: one character outside GSM-7 at the end.
        (ids.PARTS_WHOLE_TEXT_DECIDES.rule, "at", "a" * (g1 + 40) + CYRILLIC),
        # Every character counts, white space at the end and CR LF too (MessageText keeps
        # them).
        (ids.PARTS_TRAILING_WHITE_SPACE.rule, "above", "a" * g1 + " "),
        (ids.PARTS_TRAILING_WHITE_SPACE.rule, "above", "a" * g1 + "\n"),
        (ids.PARTS_CR_LF.rule, "above",
         "a" * (g1 // 2) + "\r\n" + "a" * (g1 - g1 // 2 - 1)),
    ]  # fmt: skip
    if escape is not None:
        extension = "".join(sorted(sizes.gsm7_extension))
        texts += [
            (ids.PARTS_GSM7_EXTENSION.rule, "at", escape * (g1 // 2)),
            (ids.PARTS_GSM7_EXTENSION.rule, "above",
             escape * (g1 // 2) + "a" * (g1 % 2 + 1)),
            (ids.gsm7_escape_pair_rule(sizes).rule, "at",
             "a" * (gm - 1) + escape + "a" * (gm - 1)),
            (ids.PARTS_EVERY_EXTENSION_CHARACTER.rule, "at",
             (extension * (g1 // (2 * len(extension)) + 1))[: g1 // 2]),
            # Extension characters cost one unit in UCS-2 (only GSM-7 escapes them).
            (ids.PARTS_UCS2_EXTENSION.rule, "at", CYRILLIC + escape * (u1 - 1)),
            (ids.PARTS_UCS2_EXTENSION.rule, "above",
             CYRILLIC + (extension * (u1 + 1))[:u1]),
        ]  # fmt: skip
    return texts


def _observed_parts(detail: dict[str, object]) -> int | None:
    message_ids = detail.get("IDs")
    if isinstance(message_ids, dict) and isinstance(message_ids.get("StandardMessageIDs"), dict):
        lists = message_ids["StandardMessageIDs"].get(QUICK_NUMBER)
        if isinstance(lists, list):
            return len(lists)
    return None


def _run(session: Session) -> Iterator[Violation]:
    counter = counter_for(session.spec.terms.parts)
    for limit, side, text in boundary_texts(session.spec.terms.parts):
        expected = counter.encode(text)
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
                    *ids.PARTS_VALID_TEXT_ACCEPTED,
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
            if (v.check, v.rule) == ids.SUCCESS_SMS_PARTS:
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


# -- the sweep: every length, every offset ----------------------------------------------

# Printable characters of each alphabet, cycled so that a text is not one letter repeated.
_GSM_CYCLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?-@£$èéΔΩ"
_UCS2_CYCLE = "жщяЖЩЯабвгд{еёзий}клм[нопр]сту~фхц|чшъ^ыьэ\\ю€"  # extension characters: 1 unit
_ESCAPED = "€"  # an extension-table character: two septets, never split
# Characters outside GSM-7 that look like they might be in it (accented Latin letters,
# typographic punctuation, symbols), and a few from other scripts.
_LOOKALIKES = [
    *"`çáíóúâêîôûãõÀÁÂÃÈÊËÌÍÎÏÒÓÔÕÙÚÛÝýÿ¢©®°±µ¶·«»¼½¾×÷‘’“”–—…•™\u00a0жαβ中",
    *"ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",  # Greek capitals that look Latin (GSM-7 has only ΔΦΓΛΩΠΨΣΘΞ)
    *"\t\v",  # control characters outside the table (it has LF, CR and, escaped, FF)
    "e\u0301",  # e and a combining acute: two code points, not é
]


def _cycled(alphabet: str, length: int) -> str:
    return (alphabet * (length // len(alphabet) + 1))[:length]


#: The sweep's families, each one probe (`sms-part-sweep-<key>`), in run order.
SWEEP_FAMILIES = {
    "table": "every character of the GSM-7 tables, and others, in one single-part text",
    "gsm7": "GSM-7, every length",
    "escapes": "GSM-7, an escape pair at every offset",
    "ucs2": "UCS-2, every length",
    "surrogates": "UCS-2, a surrogate pair at every offset",
}


def sweep_families(max_parts: int, sizes: PartSizes) -> list[tuple[str, list[str]]]:
    """The sweep's texts, by family, shortest first: every length of each alphabet up to
    `max_parts` parts, and a two-unit character (escape pair, surrogate pair) at every
    offset of a text that crosses the multipart boundaries (the spec's part sizes)."""
    single_gsm, multi_gsm, multi_ucs2 = sizes.gsm7_single, sizes.gsm7_multi, sizes.ucs2_multi
    table_characters = (
        sorted(GSM_BASIC - sizes.gsm7_extension) + sorted(sizes.gsm7_extension) + _LOOKALIKES
    )
    spans = max(2, max_parts)
    gsm = [_cycled(_GSM_CYCLE, n) for n in range(1, max_parts * multi_gsm + 1)]
    ucs2 = [_cycled(_UCS2_CYCLE, n) for n in range(1, max_parts * multi_ucs2 + 1)]
    escapes = [
        _cycled(_GSM_CYCLE, k) + _ESCAPED + _cycled(_GSM_CYCLE, spans * multi_gsm - k)
        for k in range(spans * multi_gsm + 1)
    ]
    surrogates = [
        _cycled(_UCS2_CYCLE, k) + EMOJI + _cycled(_UCS2_CYCLE, spans * multi_ucs2 - k)
        for k in range(spans * multi_ucs2 + 1)
    ]
    # Each character among 159 septets (inside the text, so that no server's trimming
    # matters): 1 part if it costs one septet, 2 if it costs two (an extension), 3 if it
    # forces UCS-2 (160 units).
    half = (single_gsm - 1) // 2
    table = ["a" * half + char + "a" * (single_gsm - 1 - half) for char in table_characters]
    texts = {
        "table": table,
        "gsm7": gsm,
        "escapes": escapes,
        "ucs2": ucs2,
        "surrogates": surrogates,
    }
    return [(SWEEP_FAMILIES[key], texts[key]) for key in SWEEP_FAMILIES]


@functools.lru_cache(maxsize=4)
def _sweep_plan(max_parts: int, sizes: PartSizes) -> dict[str, tuple[list[str], int, int]]:
    """Each family's texts, the parts they cost, and the whole sweep's: once per run's
    sweep, not once per family."""
    counter = counter_for(sizes)
    families = sweep_families(max_parts, sizes)
    cost = {name: sum(counter.encode(text).parts for text in texts) for name, texts in families}
    total = sum(cost.values())
    return {name: (texts, cost[name], total) for name, texts in families}


def _sweep(key: str) -> Callable[[Session], Iterator[Violation]]:
    """The probe of one family of the sweep (see `sweep_families`)."""
    return functools.partial(_sweep_family, key)


def _sweep_family(key: str, session: Session) -> Iterator[Violation]:
    """Send every text of one family of the sweep; it stops at its first wrong answer (the
    shortest text that shows it). The whole sweep may spend a quarter of the balance at
    most, so that the stages after it can still send: each family its share of that
    quarter, by the parts its texts cost (of the balance known when the family starts)."""
    balance = session.observer.balance
    quarter = (balance if balance is not None else session.account.balance) // 4
    sizes = session.spec.terms.parts
    counter = counter_for(sizes)
    family = SWEEP_FAMILIES[key]
    texts, cost, total = _sweep_plan(session.sweep_parts, sizes)[family]
    budget = quarter * cost // max(1, total)
    for text in texts:
        expected = counter.encode(text)
        if expected.parts > budget:
            return
        budget -= expected.parts
        exchange, found = session.send(base_request(Content=text))
        status = exchange.response.status
        detail = success_detail(exchange) if status == 200 else None
        observed = _observed_parts(detail) if detail else None
        shown = f"{len(text)} chars, {expected.units} {expected.alphabet} units"
        if status != 200:
            code, reason = error_of(exchange)
            yield violation(
                exchange,
                *ids.PARTS_SWEEP,
                f"{family}: a valid text ({shown}) was refused",
                f"{status} {code} {reason}",
                "200",
            )
            break
        wrong = [v for v in found if (v.check, v.rule) == ids.SUCCESS_SMS_PARTS]
        if observed != expected.parts or wrong:
            yield violation(
                exchange,
                *ids.PARTS_SWEEP,
                f"{family}: {shown} "
                + (wrong[0].message if wrong else f"came back as {observed} part(s)"),
                wrong[0].received if wrong else f"{observed} part(s)",
                f"{expected.parts} part(s)",
            )
            yield from (v for v in found if (v.check, v.rule) != ids.SUCCESS_SMS_PARTS)
            break
        if found:
            yield from found
            break


def parts_probes(_spec: Spec) -> list[Probe]:
    return [
        Probe(
            id="sms-part-boundaries",
            check=ids.PARTS_BOUNDARIES.check,
            rule=ids.PARTS_BOUNDARIES.rule,
            description="Texts below, at and above every part boundary of docs/contract.md, "
            "by one SMS each.",
            run=_run,
        ),
        # One probe per family of the sweep (`SWEEP_FAMILIES`, which `sweep_families` reads).
        *(
            Probe(
                id=f"sms-part-sweep-{key}",
                check=ids.PARTS_SWEEP.check,
                rule=ids.PARTS_SWEEP.rule,
                description=f"The sweep, {family}, up to several parts (a two-unit character "
                "across the multipart boundaries), by one SMS each.",
                run=_sweep(key),
                concurrent=True,
            )
            for key, family in SWEEP_FAMILIES.items()
        ),
    ]
