"""Faults of SMS part counting: the GSM-7 and UCS-2 limits, per-part sizes, extension
characters, escape pairs and surrogate pairs never split, the GSM-7 table.
"""

from __future__ import annotations

import math
from dataclasses import replace

from contract_tests import ids
from mockserver import Behaviour, Failure, PartCount, SendContext
from mockserver.ledger import Debit
from tests.faults.base import PART_SIZES, Catalog

catalog = Catalog()
fault = catalog.fault


@fault(
    "parts-160-is-two",
    "a GSM-7 text of exactly 160 septets is counted as 2 parts",
    ids.gsm7_single_part_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.gsm7_single_part_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.gsm7_multipart_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
)
class PartsMulti160(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and count.units > 160:
            return replace(count, parts=math.ceil(count.units / 160))
        return count


@fault(
    "parts-second-part-one-short-overflows",
    "an off-by-one in the fill check of the second part: a GSM-7 text of two parts whose"
    " second part is one septet short of full is counted (and charged) as three",
    ids.gsm7_second_part_rule(PART_SIZES),
)
class SecondPartOneShort(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        one_short = 2 * PART_SIZES.gsm7_multi - 1
        if count.encoding == "GSM-7" and count.parts == 2 and count.units == one_short:
            return replace(count, parts=3)
        return count


# TS 23.040's concatenation header counts the parts in one octet: a server that sends each
# message as one concatenated SMS cannot send more.
_UDH_MAX_PARTS = 255


@fault(
    "parts-over-255-refused",
    f"a text of more than {_UDH_MAX_PARTS} parts (the most one concatenation header can"
    " count) is refused as a ValidationError, though the contract sets no such limit",
    ids.ACCEPT_SMS_PARTS,
)
class PartsOver255Refused(Behaviour):
    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        parts = ctx.message.count.parts
        if parts > _UDH_MAX_PARTS:
            return self.fail("schema", f"$.Content: {parts} parts, at most {_UDH_MAX_PARTS}")
        return super().check_balance(ctx)


@fault(
    "parts-extension-costs-one",
    "extension characters cost one septet, not two",
    ids.PARTS_GSM7_EXTENSION,
    ids.SUCCESS_SMS_PARTS,
)
class ExtensionCostsOne(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        flat = "".join("a" if ch in "\f^{}\\[~]|€" else ch for ch in text)
        return super().count_parts(flat)


@fault(
    "parts-capped-at-3",
    "a GSM-7 text of more than 3 parts is counted (and charged) as 3",
    ids.PARTS_SWEEP,
    ids.SUCCESS_SMS_PARTS,
)
class PartsCappedAt3(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        return replace(count, parts=3) if count.encoding == "GSM-7" and count.parts > 3 else count


@fault(
    "gsm-table-has-c-cedilla",
    "a lower-case c with cedilla (not in GSM-7, only the capital is) is sent as GSM-7",
    ids.PARTS_SWEEP,
    ids.SUCCESS_SMS_PARTS,
)
class CCedillaIsGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("ç", "Ç"))


@fault(
    "parts-ucs2-68-from-part-4",
    "UCS-2 texts of more than 3 parts are packed 68 units a part",
    ids.PARTS_SWEEP,
    ids.SUCCESS_SMS_PARTS,
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
    ids.gsm7_escape_pair_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.ucs2_single_part_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.ucs2_multipart_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.PARTS_UCS2_EMOJI,
    ids.SUCCESS_SMS_PARTS,
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
    ids.ucs2_surrogate_pair_rule(PART_SIZES),
    ids.SUCCESS_SMS_PARTS,
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
    ids.PARTS_GSM7_NATIONAL,
    ids.SUCCESS_SMS_PARTS,
)
class AsciiOnlyGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        if all(ord(ch) < 128 for ch in text):
            return super().count_parts(text)
        return super().count_parts(text + "ж")


@fault(
    "parts-backtick-is-gsm",
    "the backtick is taken for GSM-7 (it is not in the table)",
    ids.PARTS_BACKTICK_NOT_GSM7,
    ids.SUCCESS_SMS_PARTS,
)
class BacktickGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("`", "'"))
