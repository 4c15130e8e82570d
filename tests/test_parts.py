"""SMS part counting of the mock, at every boundary docs/contract.md names ("SMS parts").

Expected counts are worked out by hand in the table (and, in the property test, by a
reference that builds the parts as strings), never by calling the code under test.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.parts import GSM7_BASIC, PartCounter
from twosms_contract.spec import load_spec

COUNTER = PartCounter(load_spec().terms.parts)

A = "a"  # 1 septet
E = "€"  # extension: 2 septets
U = "á"  # not GSM-7: forces UCS-2, 1 UTF-16 unit
EMOJI = "😀"  # outside the BMP: 2 UTF-16 units (a surrogate pair)

# (case id, text, encoding, units, parts)
TABLE = [
    ("empty", "", "GSM-7", 0, 1),
    ("gsm 1", A, "GSM-7", 1, 1),
    ("gsm 152", A * 152, "GSM-7", 152, 1),
    ("gsm 153", A * 153, "GSM-7", 153, 1),
    ("gsm 154", A * 154, "GSM-7", 154, 1),
    ("gsm 159", A * 159, "GSM-7", 159, 1),
    ("gsm 160", A * 160, "GSM-7", 160, 1),
    ("gsm 161", A * 161, "GSM-7", 161, 2),
    ("gsm 305", A * 305, "GSM-7", 305, 2),
    ("gsm 306", A * 306, "GSM-7", 306, 2),
    ("gsm 307", A * 307, "GSM-7", 307, 3),
    ("gsm 459", A * 459, "GSM-7", 459, 3),
    ("gsm 460", A * 460, "GSM-7", 460, 4),
    ("escape at 159-160", A * 158 + E, "GSM-7", 160, 1),
    ("escape at 160-161", A * 159 + E, "GSM-7", 161, 2),
    ("80 euros", E * 80, "GSM-7", 160, 1),
    ("81 euros", E * 81, "GSM-7", 162, 2),  # 76 pairs (152 septets) a part
    ("153 euros", E * 153, "GSM-7", 306, 3),  # 76 + 76 + 1 pairs
    ("escape ends part 1", A * 151 + E + A * 153, "GSM-7", 306, 2),
    ("escape straddles 153", A * 152 + E + A * 152, "GSM-7", 306, 3),
    ("escape straddles 153, short", A * 152 + E + A * 7, "GSM-7", 161, 2),
    ("form feed costs 2", "\f" * 81, "GSM-7", 162, 2),
    ("every extension char", "^{}\\[~]|€\f", "GSM-7", 20, 1),
    ("basic table, not ascii", "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", "GSM-7", 39, 1),
    ("newline and cr are basic", "a\nb\rc", "GSM-7", 5, 1),
    ("ucs2 1", U, "UCS-2", 1, 1),
    ("ucs2 66", U * 66, "UCS-2", 66, 1),
    ("ucs2 67", U * 67, "UCS-2", 67, 1),
    ("ucs2 68", U * 68, "UCS-2", 68, 1),
    ("ucs2 69", U * 69, "UCS-2", 69, 1),
    ("ucs2 70", U * 70, "UCS-2", 70, 1),
    ("ucs2 71", U * 71, "UCS-2", 71, 2),
    ("ucs2 133", U * 133, "UCS-2", 133, 2),
    ("ucs2 134", U * 134, "UCS-2", 134, 2),
    ("ucs2 135", U * 135, "UCS-2", 135, 3),
    ("one non-gsm char makes all ucs2", A * 69 + U, "UCS-2", 70, 1),
    ("one non-gsm char, 71 units", A * 70 + U, "UCS-2", 71, 2),
    ("lower-case c cedilla is not gsm", "ç", "UCS-2", 1, 1),
    ("backtick is not gsm", "`", "UCS-2", 1, 1),
    ("escape itself is not a character", "\x1b", "UCS-2", 1, 1),
    ("emoji is 2 units", EMOJI, "UCS-2", 2, 1),
    ("35 emoji", EMOJI * 35, "UCS-2", 70, 1),
    ("36 emoji", EMOJI * 36, "UCS-2", 72, 2),  # 33 emoji (66 units) a part
    ("emoji ends part 1", U * 65 + EMOJI + U * 67, "UCS-2", 134, 2),
    ("emoji straddles 67", U * 66 + EMOJI + U * 66, "UCS-2", 134, 3),
    ("emoji straddles 67, short", U * 66 + EMOJI + U * 3, "UCS-2", 71, 2),
    ("emoji at 69-70", U * 68 + EMOJI, "UCS-2", 70, 1),
    ("emoji at 70-71", U * 69 + EMOJI, "UCS-2", 71, 2),
    ("lone surrogate is 1 unit", "\ud800", "UCS-2", 1, 1),
]


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [pytest.param(*row[1:], id=row[0]) for row in TABLE],
)
def test_part_count_table(text: str, encoding: str, units: int, parts: int) -> None:
    count = COUNTER.count(text)
    assert (count.encoding, count.units, count.parts) == (encoding, units, parts)


def test_basic_table_has_the_127_characters_of_ts_23_038() -> None:
    # 128 code points less ESC, all distinct.
    assert len(GSM7_BASIC) == 127
    assert len(set(GSM7_BASIC)) == 127
    assert "\x1b" not in GSM7_BASIC


def test_part_sizes_come_from_the_spec() -> None:
    rules = load_spec().terms.parts
    assert (rules.gsm7_single, rules.gsm7_multi) == (160, 153)
    assert (rules.ucs2_single, rules.ucs2_multi) == (70, 67)
    assert rules.gsm7_extension == frozenset("\f^{}\\[~]|€")


def _reference_parts(text: str) -> int:
    """Build the parts as lists of encoded units, starting a new part when the next
    character's encoding (an escape pair, a surrogate pair) does not fit whole."""
    if not text:
        return 1
    extension = "\f^{}\\[~]|€"
    if all(ch in GSM7_BASIC or ch in extension for ch in text):
        units: list[list[object]] = [["ESC", ch] if ch in extension else [ch] for ch in text]
        single, multi = 160, 153
    else:
        raw = [ch.encode("utf-16-le", "surrogatepass") for ch in text]
        units = [[r[i : i + 2] for i in range(0, len(r), 2)] for r in raw]
        single, multi = 70, 67
    if sum(len(u) for u in units) <= single:
        return 1
    parts: list[list[object]] = [[]]
    for unit in units:
        if len(parts[-1]) + len(unit) > multi:
            parts.append([])
        parts[-1].extend(unit)
    return len(parts)


_ALPHABET = st.sampled_from(["a", "Z", " ", "€", "{", "\f", "è", "Δ", "á", "ç", "😀", "中"])


@given(st.lists(_ALPHABET, max_size=400).map("".join))
def test_parts_equivalent_to_reference_packing(text: str) -> None:
    assert COUNTER.count(text).parts == _reference_parts(text)


@given(st.text(max_size=300))
def test_parts_never_fewer_than_units_allow(text: str) -> None:
    """Property `parts_lower_bound`: k parts never hold more than k full parts of units."""
    count = COUNTER.count(text)
    single, multi = (160, 153) if count.encoding == "GSM-7" else (70, 67)
    assert count.parts >= 1
    if count.units > single:
        assert count.parts * multi >= count.units
        assert (count.parts - 1) * multi < count.units + count.parts  # at most 1 lost a part
