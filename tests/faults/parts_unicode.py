"""Faults of SMS part counting beyond the basics: look-alike characters, CR LF, flags and
ZWJ sequences, extension characters in UCS-2, the alphabet of the whole text, trailing
white space, lone surrogates, texts the message store cannot keep.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, PartCount
from mockserver.parts import GSM7_BASIC, pack
from tests.faults.base import PART_SIZES, Catalog

catalog = Catalog()
fault = catalog.fault


PARTS = (ids.PARTS_SWEEP, ids.SUCCESS_SMS_PARTS)
_EXT = frozenset("\f^{}\\[~]|€")
_GSM = frozenset(GSM7_BASIC) | _EXT


def _ucs2_parts(costs: list[int]) -> int:
    units = sum(costs)
    return 1 if units <= 70 else pack(costs, 67)


_GREEK_LOOKALIKES = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")


@fault(
    "parts-greek-lookalikes-gsm",
    "Greek capitals that look Latin (Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ) are sent as GSM-7 (mapped"
    " to A B E ...), though only Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ are in the basic table",
    *PARTS,
)
class GreekLookalikesGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.translate(_GREEK_LOOKALIKES))


@fault("parts-tab-is-gsm", "a TAB is sent as a GSM-7 space (it is not in the table)", *PARTS)
class TabIsGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\t", " "))


@fault(
    "parts-nfc-before-count",
    "the text is NFC-normalised before it is encoded, so e + U+0301 (combining acute) is é"
    " (GSM-7) and the text is not UCS-2",
    *PARTS,
)
class NfcBeforeCount(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(unicodedata.normalize("NFC", text))


@fault(
    "parts-crlf-one-septet",
    "line endings are normalised before encoding: CR LF costs one septet, not two",
    ids.PARTS_CR_LF,
)
class CrlfOneSeptet(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\r\n", "\n"))


def _is_ri(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


@fault(
    "parts-flags-never-split",
    "a flag (two regional indicators, 4 UTF-16 units) is kept whole in one part: only"
    " surrogate pairs are indivisible",
    ids.ucs2_flag_rule(PART_SIZES),
)
class FlagsNeverSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2" or count.units <= 70:
            return count
        costs: list[int] = []
        pending = False
        for ch in text:
            cost = 2 if ord(ch) > 0xFFFF else 1
            if _is_ri(ch) and pending:
                costs[-1] += cost
                pending = False
                continue
            costs.append(cost)
            pending = _is_ri(ch)
        return replace(count, parts=_ucs2_parts(costs))


@fault(
    "parts-zwj-sequence-never-split",
    "an emoji ZWJ sequence (👩‍💻: woman, ZWJ, laptop) is kept whole in one part",
    ids.ucs2_zwj_rule(PART_SIZES),
)
class ZwjNeverSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2" or count.units <= 70:
            return count
        costs: list[int] = []
        glue = False
        for ch in text:
            cost = 2 if ord(ch) > 0xFFFF else 1
            if costs and (glue or ch == "\u200d"):
                costs[-1] += cost
            else:
                costs.append(cost)
            glue = ch == "\u200d"
        return replace(count, parts=_ucs2_parts(costs))


@fault(
    "parts-capital-c-cedilla-not-gsm",
    "the table has ç at 0x09 instead of Ç, so a capital C with cedilla forces UCS-2",
    ids.PARTS_GSM7_NATIONAL,
    *PARTS,
)
class CapitalCedillaNotGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("Ç", "ж"))


@fault(
    "parts-0x24-is-euro",
    "0x24 is read as € (one septet) rather than ¤: € costs 1 septet and ¤ forces UCS-2",
    *PARTS,
)
class EuroAt0x24(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("€", "a").replace("¤", "ж"))


@fault(
    "parts-ucs2-extension-costs-two",
    "in a UCS-2 text the GSM extension characters ({ } [ ] ~ | ^ \\ €) still cost 2 units",
    ids.PARTS_UCS2_EXTENSION,
)
class Ucs2ExtensionTwo(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2":
            return count
        costs = [2 if ch in _EXT or ord(ch) > 0xFFFF else 1 for ch in text]
        return PartCount("UCS-2", sum(costs), _ucs2_parts(costs))


@fault(
    "parts-encoding-from-first-160",
    "the encoding is chosen from the first 160 characters only: a non-GSM character after"
    " them is sent (and counted) as one GSM-7 septet",
    ids.PARTS_WHOLE_TEXT_DECIDES,
)
class EncodingFromHead(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        head, tail = text[:160], text[160:]
        if all(ch in _GSM for ch in head):
            tail = "".join(ch if ch in _GSM else "?" for ch in tail)
        return super().count_parts(head + tail)


@fault(
    "parts-trailing-space-not-counted",
    "trailing white space is dropped before the text is encoded (TrimEnd), though"
    " MessageText keeps it",
    ids.PARTS_TRAILING_WHITE_SPACE,
)
class TrailingSpaceFree(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.rstrip() if text.strip() else text)


@fault(
    "parts-lone-surrogate-500",
    "UTF-16 units are counted by encoding the text to UTF-16, which raises on a lone"
    " surrogate (\\ud83d, valid JSON): 500",
    ids.NOT_A_SERVER_ERROR,
)
class LoneSurrogate500(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2":
            units = len(text.encode("utf-16-le")) // 2
            return replace(count, units=units)
        return count


@fault(
    "text-outside-bmp-refused",
    "a Content with a character outside the Basic Multilingual Plane (an emoji) is refused"
    " as a ValidationError: the message store keeps 3-byte UTF-8 only (MySQL's utf8mb3)",
    ids.PARTS_VALID_TEXT_ACCEPTED,
)
class AstralTextRefused(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        content = instance.get("Content") if isinstance(instance, dict) else None
        if isinstance(content, str) and any(ord(ch) > 0xFFFF for ch in content):
            return self.fail("schema", "$.Content: characters outside the BMP are not supported")
        return super().check_schema(instance)


@fault(
    "parts-form-feed-not-gsm",
    "form feed is missing from the extension table: a text with \\f is UCS-2",
    ids.PARTS_EVERY_EXTENSION_CHARACTER,
    *PARTS,
)
class FormFeedNotGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\f", "ж"))


@fault(
    "parts-non-ascii-gsm-escaped",
    "every non-ASCII character of the basic table (£ ¥ è é Δ Ä ...) is taken for an"
    " extension character and costs 2 septets",
    ids.PARTS_GSM7_NATIONAL,
    *PARTS,
)
class NonAsciiEscaped(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(
            "".join("{" if (ch in GSM7_BASIC and not ch.isascii()) else ch for ch in text)
        )
