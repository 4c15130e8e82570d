"""SMS part counting, written for the suite alone (the mock has its own).

An oracle that shared the server's code would share its bugs, so this is an independent
implementation of 3GPP TS 23.038 (the GSM 7-bit default alphabet and its extension table)
and TS 23.040 (concatenation), checked against a table in `tests/test_contract_sms.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from twosms_contract.contract import PartSizes

# TS 23.038 section 6.2.1, the default alphabet, row by row (0x00-0x7F). ESC (0x1B) is not
# a character of its own; it introduces the extension table.
_BASIC_ROWS = (
    "@£$¥èéùìòÇ\nØø\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmno",
    "pqrstuvwxyzäöñüà",
)
GSM_BASIC = frozenset("".join(_BASIC_ROWS)) - {"\x1b"}


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a text travels: its alphabet, its size in units, and the parts it needs."""

    alphabet: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def _pack(costs: Iterable[int], capacity: int) -> int:
    """Parts needed to carry indivisible items of these costs, `capacity` units a part."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > capacity:
            parts += 1
            used = 0
        used += cost
    return parts


class SmsCounter:
    """Counts parts as docs/contract.md ("SMS parts") fixes it, with the part sizes and
    the extension table the spec states (`x-contract.smsParts`, read through
    `twosms_contract.contract`); the basic table is the standard's, written out above."""

    def __init__(self, sizes: PartSizes) -> None:
        self.sizes = sizes
        # TS 23.038 section 6.2.1.1, the extension table: each costs ESC + itself.
        self.extension = sizes.gsm7_extension
        self.basic = GSM_BASIC - self.extension
        self._all = self.basic | self.extension
        # Remembered: a run asks about the same text once per rule that reads it.
        self.encode = functools.lru_cache(maxsize=4096)(self._encode)

    def septet_cost(self, char: str) -> int | None:
        """Septets a character costs in GSM-7, or None when GSM-7 cannot carry it."""
        if char in self.basic:
            return 1
        if char in self.extension:
            return 2
        return None

    def _encode(self, text: str) -> Encoding:
        sizes, chars = self.sizes, set(text)
        if chars <= self._all:
            # Items of one unit pack ceil(total / capacity) to the parts; only two-unit
            # items (an escape pair) need packing one by one, since they are never split.
            extension = self.extension
            septets = [2 if c in extension else 1 for c in text] if chars & extension else None
            return self._encoding("GSM-7", len(text), septets, sizes.gsm7_single, sizes.gsm7_multi)
        astral = any(ord(char) > 0xFFFF for char in chars)
        units = [2 if ord(char) > 0xFFFF else 1 for char in text] if astral else None
        return self._encoding("UCS-2", len(text), units, sizes.ucs2_single, sizes.ucs2_multi)

    def _encoding(
        self, alphabet: str, length: int, costs: list[int] | None, single: int, multi: int
    ) -> Encoding:
        """`costs` is None when every character costs one unit."""
        total = length if costs is None else sum(costs)
        if total == 0:
            return Encoding(alphabet, 0, self.sizes.empty)
        if total <= single:
            return Encoding(alphabet, total, 1)
        if costs is None:
            return Encoding(alphabet, total, -(-total // multi))
        return Encoding(alphabet, total, _pack(costs, multi))

    def parts(self, text: str) -> int:
        """SMS parts of `text` (an empty text is `smsParts.empty` parts)."""
        return self.encode(text).parts


@functools.lru_cache(maxsize=8)
def counter_for(sizes: PartSizes) -> SmsCounter:
    """One counter per set of part sizes (a run asks for it in many places)."""
    return SmsCounter(sizes)
