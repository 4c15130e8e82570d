"""The suite's own SMS part oracle, against a table written from 3GPP TS 23.038/23.040."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.sms import GSM_BASIC, SmsCounter, counter_for
from twosms_contract.contract import PartSizes
from twosms_contract.spec import load_spec

COUNTER = counter_for(load_spec().terms.parts)
encode, parts = COUNTER.encode, COUNTER.parts
GSM_EXTENSION = COUNTER.extension

EMOJI = "\U0001f600"

# (text, alphabet, units, parts), each row a boundary of docs/contract.md ("SMS parts").
TABLE = [
    ("", "GSM-7", 0, 1),
    ("a" * 152, "GSM-7", 152, 1),
    ("a" * 153, "GSM-7", 153, 1),
    ("a" * 154, "GSM-7", 154, 1),
    ("a" * 159, "GSM-7", 159, 1),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("{" * 80, "GSM-7", 160, 1),
    ("{" * 80 + "a", "GSM-7", 161, 2),
    # The escape pair would straddle septets 153/154: it moves whole to part 2.
    ("a" * 152 + "{" + "a" * 152, "GSM-7", 306, 3),
    ("a" * 151 + "{" + "a" * 153, "GSM-7", 306, 2),
    ("€" * 80, "GSM-7", 160, 1),
    ("\f^{}\\[~]|€", "GSM-7", 20, 1),
    ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./", "GSM-7", 47, 1),
    ("¡¿ÄÖÑÜ§äöñüà", "GSM-7", 12, 1),
    ("`", "UCS-2", 1, 1),
    ("ç", "UCS-2", 1, 1),  # only the capital Ç is in the basic table
    ("ж" * 66, "UCS-2", 66, 1),
    ("ж" * 67, "UCS-2", 67, 1),
    ("ж" * 68, "UCS-2", 68, 1),
    ("ж" * 69, "UCS-2", 69, 1),
    ("ж" * 70, "UCS-2", 70, 1),
    ("ж" * 71, "UCS-2", 71, 2),
    ("ж" * 134, "UCS-2", 134, 2),
    ("ж" * 135, "UCS-2", 135, 3),
    (EMOJI * 35, "UCS-2", 70, 1),
    (EMOJI * 35 + "a", "UCS-2", 71, 2),
    # The surrogate pair would straddle units 67/68: it moves whole to part 2.
    ("ж" * 66 + EMOJI + "ж" * 66, "UCS-2", 134, 3),
    ("ж" * 65 + EMOJI + "ж" * 67, "UCS-2", 134, 2),
    ("a" * 200 + "ж", "UCS-2", 201, 3),
    ("a" * 201 + "ж", "UCS-2", 202, 4),
]


@pytest.mark.parametrize(("text", "alphabet", "units", "n_parts"), TABLE)
def test_part_table(text: str, alphabet: str, units: int, n_parts: int) -> None:
    enc = encode(text)
    assert (enc.alphabet, enc.units, enc.parts) == (alphabet, units, n_parts)


def test_the_spec_states_the_3gpp_extension_table() -> None:
    # TS 23.038 section 6.2.1.1: FF, ^ { } \ [ ~ ] | and the euro sign.
    assert frozenset("\f^{}\\[~]|€") == GSM_EXTENSION


def test_part_sizes_are_the_specs() -> None:
    """The counter follows other sizes than 3GPP's (a spec that states them)."""
    other = SmsCounter(
        PartSizes(
            gsm7_single=10,
            gsm7_multi=8,
            gsm7_extension=frozenset("{"),
            ucs2_single=5,
            ucs2_multi=4,
            empty=0,
        )
    )
    assert [other.parts("a" * n) for n in (10, 11, 16, 17)] == [1, 2, 2, 3]
    assert other.parts("a" * 7 + "{" + "a" * 7) == 3  # the pair moves whole to part 2
    assert other.encode("}").alphabet == "UCS-2"  # } is not in this extension table
    assert [other.parts("ж" * n) for n in (5, 6, 9)] == [1, 2, 3]
    assert other.parts("") == 0


def test_tables_have_the_3gpp_sizes() -> None:
    assert len(GSM_BASIC) == 127  # 128 code points less ESC
    assert len(GSM_EXTENSION) == 10


@given(st.text(alphabet=sorted(GSM_BASIC), min_size=161, max_size=2000))
def test_gsm_basic_parts_are_ceil_of_153(text: str) -> None:
    """Property: without escape pairs, a multipart GSM-7 text needs ceil(septets / 153)."""
    assert parts(text) == -(-len(text) // 153)


@given(st.text(min_size=1, max_size=400))
def test_parts_never_fit_in_fewer_units(text: str) -> None:
    """Property: the parts carry the text; one part fewer could not hold all its units."""
    enc = encode(text)
    size = (160, 153) if enc.alphabet == "GSM-7" else (70, 67)
    if enc.parts == 1:
        assert enc.units <= size[0]
    else:
        assert enc.units > size[0]
        assert enc.units <= enc.parts * size[1]
        assert enc.units > (enc.parts - 1) * size[1] - (enc.parts - 1)


def _packed_one_by_one(text: str) -> tuple[str, int, int]:
    """The rule read literally: every character's cost, packed in order, none split."""
    gsm = all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)
    costs = (
        [2 if c in GSM_EXTENSION else 1 for c in text]
        if gsm
        else [2 if ord(c) > 0xFFFF else 1 for c in text]
    )
    single, multi = (160, 153) if gsm else (70, 67)
    total = sum(costs)
    if total <= single:
        return ("GSM-7" if gsm else "UCS-2"), total, 1
    parts_, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            parts_, used = parts_ + 1, 0
        used += cost
    return ("GSM-7" if gsm else "UCS-2"), total, parts_


_MIXED = st.text(
    alphabet=st.sampled_from([*sorted(GSM_BASIC), *sorted(GSM_EXTENSION), "ж", "\U0001f600"]),
    max_size=700,
)


@given(_MIXED)
def test_the_shortcuts_agree_with_packing_every_character(text: str) -> None:
    """Property: `encode`'s shortcut for texts of one-unit characters gives what packing
    every character one by one gives."""
    found = encode(text)
    assert (found.alphabet, found.units, found.parts) == _packed_one_by_one(text)
