"""SMS part counting (3GPP TS 23.038 alphabets, TS 23.040 concatenation).

The part sizes and the extension table come from the spec's `x-contract.smsParts`; the
GSM-7 basic table is the standard's and is not a business rule, so it lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from twosms_contract.contract import PartSizes

# TS 23.038 section 6.2.1, the default alphabet in code-point order 0x00..0x7F. 0x1B is the
# escape to the extension table, not a character, so it is left out (a literal ESC in a
# text cannot be sent in GSM-7).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ"  # 0x00-0x1A
    "ÆæßÉ"  # 0x1C-0x1F
    " !\"#¤%&'()*+,-./0123456789:;<=>?"  # 0x20-0x3F
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"  # 0x40-0x5F
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"  # 0x60-0x7F
)

Encoding = Literal["GSM-7", "UCS-2"]


#: Part sizes and the GSM-7 extension characters, as `x-contract.smsParts` states them
#: (read by `twosms_contract.contract`: `spec.terms.parts`).
PartRules = PartSizes


@dataclass(frozen=True, slots=True)
class PartCount:
    """How a text is sent: its encoding, its size in septets or UTF-16 units, its parts."""

    encoding: Encoding
    units: int
    parts: int


class PartCounter:
    """Counts the SMS parts of a text; `count(text).parts` is what credits are charged on."""

    def __init__(self, rules: PartRules) -> None:
        self.rules = rules
        basic = frozenset(GSM7_BASIC)
        self._septets: dict[str, int] = dict.fromkeys(basic, 1)
        self._septets.update(dict.fromkeys(rules.gsm7_extension, 2))
        self._basic = frozenset(GSM7_BASIC)
        self._gsm7 = frozenset(self._septets)

    def gsm7_costs(self, text: str) -> list[int] | None:
        """Septets per character, or None when a character is in neither GSM-7 table."""
        table = self._septets
        costs: list[int] = []
        for ch in text:
            cost = table.get(ch)
            if cost is None:
                return None
            costs.append(cost)
        return costs

    def _count_uniform(self, text: str) -> PartCount | None:
        """The count of a non-empty text whose characters all cost 1 unit (no escape and
        no surrogate pair can straddle a part boundary), without building a cost list;
        None for any other text."""
        if not text:
            return None
        rules, units = self.rules, len(text)
        chars = set(text)
        encoding: Encoding
        if chars <= self._basic:
            single, multi, encoding = rules.gsm7_single, rules.gsm7_multi, "GSM-7"
        elif not chars <= self._gsm7 and max(chars) <= "\uffff":
            single, multi, encoding = rules.ucs2_single, rules.ucs2_multi, "UCS-2"
        else:
            return None
        parts = 1 if units <= single else _ceil_div(units, multi)
        return PartCount(encoding, units, parts)

    @staticmethod
    def utf16_costs(text: str) -> list[int]:
        """UTF-16 code units per character: 2 outside the BMP (a surrogate pair), else 1."""
        return [2 if ord(ch) > 0xFFFF else 1 for ch in text]

    def count(self, text: str) -> PartCount:
        fast = self._count_uniform(text)
        if fast is not None:
            return fast
        rules = self.rules
        costs = self.gsm7_costs(text)
        if costs is not None:
            encoding: Encoding = "GSM-7"
            single, multi = rules.gsm7_single, rules.gsm7_multi
        else:
            encoding = "UCS-2"
            costs = self.utf16_costs(text)
            single, multi = rules.ucs2_single, rules.ucs2_multi
        units = sum(costs)
        if not text:
            return PartCount(encoding, 0, rules.empty)
        if units <= single:
            return PartCount(encoding, units, 1)
        return PartCount(encoding, units, pack(costs, multi))


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def pack(costs: Iterable[int], size: int) -> int:
    """Parts needed to hold `costs` in order, `size` units a part, never splitting one cost.

    An escape pair (2 septets) or a surrogate pair (2 units) that does not fit in what is
    left of a part starts the next one, so a part may hold `size - 1`.
    """
    parts, used = 1, 0
    for cost in costs:
        if used + cost > size:
            parts += 1
            used = 0
        used += cost
    return parts
