"""Faults of SMS part counting: the GSM-7 and UCS-2 limits, per-part sizes, extension
characters, escape pairs and surrogate pairs never split, the GSM-7 table.
"""

from __future__ import annotations

import math
from dataclasses import replace

from mockserver import Behaviour, PartCount
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


@fault(
    "parts-160-is-two",
    "a GSM-7 text of exactly 160 septets is counted as 2 parts",
    "sms-parts/GSM-7 single part (160 septets)",
    "success-invariants/sms-parts",
)
class PartsAt160(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        return (
            replace(count, parts=2) if count.encoding == "GSM-7" and count.units == 160 else count
        )


@fault(
    "parts-single-153",
    "the single-part GSM-7 limit is 153, not 160",
    "sms-parts/GSM-7 single part (160 septets)",
    "success-invariants/sms-parts",
)
class PartsSingle153(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and 153 < count.units <= 160:
            return replace(count, parts=2)
        return count


@fault(
    "parts-multi-160",
    "multipart GSM-7 is packed 160 septets a part, not 153",
    "sms-parts/GSM-7 multipart (153 septets a part)",
    "success-invariants/sms-parts",
)
class PartsMulti160(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and count.units > 160:
            return replace(count, parts=math.ceil(count.units / 160))
        return count


@fault(
    "parts-extension-costs-one",
    "extension characters cost one septet, not two",
    "sms-parts/GSM-7 extension characters cost 2 septets",
    "success-invariants/sms-parts",
)
class ExtensionCostsOne(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        flat = "".join("a" if ch in "\f^{}\\[~]|€" else ch for ch in text)
        return super().count_parts(flat)


@fault(
    "parts-capped-at-3",
    "a GSM-7 text of more than 3 parts is counted (and charged) as 3",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class PartsCappedAt3(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        return replace(count, parts=3) if count.encoding == "GSM-7" and count.parts > 3 else count


@fault(
    "gsm-table-has-c-cedilla",
    "a lower-case c with cedilla (not in GSM-7, only the capital is) is sent as GSM-7",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class CCedillaIsGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("ç", "Ç"))


@fault(
    "parts-ucs2-68-from-part-4",
    "UCS-2 texts of more than 3 parts are packed 68 units a part",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class Ucs2Packs68Late(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.parts > 3:
            return replace(count, parts=math.ceil(count.units / 68))
        return count


@fault(
    "parts-escape-split",
    "escape pairs may straddle a part (ceil of septets / 153)",
    "sms-parts/GSM-7 escape pair never split at 153",
    "success-invariants/sms-parts",
)
class EscapeSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and count.units > 160:
            return replace(count, parts=math.ceil(count.units / 153))
        return count


@fault(
    "parts-ucs2-single-67",
    "the single-part UCS-2 limit is 67, not 70",
    "sms-parts/UCS-2 single part (70 units)",
    "success-invariants/sms-parts",
)
class Ucs2Single67(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and 67 < count.units <= 70:
            return replace(count, parts=2)
        return count


@fault(
    "parts-ucs2-multi-70",
    "multipart UCS-2 is packed 70 units a part, not 67",
    "sms-parts/UCS-2 multipart (67 units a part)",
    "success-invariants/sms-parts",
)
class Ucs2Multi70(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.units > 70:
            return replace(count, parts=math.ceil(count.units / 70))
        return count


@fault(
    "parts-code-points",
    "UCS-2 counts code points, so an emoji costs one unit",
    "sms-parts/UCS-2 emoji cost 2 units",
    "success-invariants/sms-parts",
)
class CodePoints(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2":
            units = len(text)
            parts = 1 if units <= 70 else math.ceil(units / 67)
            return PartCount("UCS-2", units, parts)
        return count


@fault(
    "parts-surrogate-split",
    "surrogate pairs may straddle a part (ceil of units / 67)",
    "sms-parts/UCS-2 surrogate pair never split at 67",
    "success-invariants/sms-parts",
)
class SurrogateSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.units > 70:
            return replace(count, parts=math.ceil(count.units / 67))
        return count


@fault(
    "parts-ascii-only-gsm",
    "only ASCII is GSM-7: accented GSM letters force UCS-2",
    "sms-parts/GSM-7 national characters (basic table)",
    "success-invariants/sms-parts",
)
class AsciiOnlyGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        if all(ord(ch) < 128 for ch in text):
            return super().count_parts(text)
        return super().count_parts(text + "ж")


@fault(
    "parts-backtick-is-gsm",
    "the backtick is taken for GSM-7 (it is not in the table)",
    "sms-parts/GSM-7 vs UCS-2: a backtick is not GSM-7",
    "success-invariants/sms-parts",
)
class BacktickGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("`", "'"))
