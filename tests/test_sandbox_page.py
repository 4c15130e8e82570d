"""The sandbox's page and JSON: part ends, refused requests, `?after`, clearing."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mockserver.parts import GSM7_BASIC, PartCounter
from mockserver.sandbox_page import part_ends
from mockserver.testing import MockClient, public_request
from twosms_contract.spec import load_spec

SPEC = load_spec()
PARTS = SPEC.terms.parts
COUNTER = PartCounter(PARTS)


def test_part_ends_at_the_spec_sizes() -> None:
    single, multi = PARTS.gsm7_single, PARTS.gsm7_multi
    assert part_ends(COUNTER, "a" * single) == (single,)
    assert part_ends(COUNTER, "a" * (single + 1)) == (multi, single + 1)
    ucs = "Ж" * (PARTS.ucs2_single + 1)
    assert part_ends(COUNTER, ucs) == (PARTS.ucs2_multi, len(ucs))
    # An escape pair that does not fit in what is left of a part starts the next one.
    text = "a" * (multi - 1) + "€" + "a" * single
    assert part_ends(COUNTER, text)[0] == multi - 1
    assert part_ends(COUNTER, "") == (0,)


@given(st.text(alphabet=st.sampled_from([*GSM7_BASIC, *sorted(PARTS.gsm7_extension), "Ж", "😀"])))
def test_part_ends_agree_with_the_part_count(text: str) -> None:
    """Property checked: there is one end per part the mock charges, the ends rise, and the
    last is the end of the text."""
    ends = part_ends(COUNTER, text)
    assert len(ends) == COUNTER.count(text).parts
    assert list(ends) == sorted(ends) and ends[-1] == len(text)


def test_the_sandbox_keeps_the_request_parts_and_refusals() -> None:
    mock = MockClient()
    text = "a" * (PARTS.gsm7_single + 1)
    accepted = mock.send(public_request(Content=text, Options={"Reference": "ref-1"}))
    assert accepted.status_code == 200
    refused = mock.send(public_request(Contacts={}))
    assert refused.status_code == 400
    listed = mock.http.get("/_sandbox/messages").json()
    (message,) = listed["messages"]
    assert message["part_ends"] == [PARTS.gsm7_multi, len(text)]
    assert message["request"]["Content"] == text and message["reference"] == "ref-1"
    assert mock.http.get(f"/_sandbox/messages?after={message['seq']}").json()["count"] == 0
    (kept,) = mock.http.get("/_sandbox/refused").json()["refused"]
    assert (kept["status"], kept["code"]) == (400, "NoRecipients")
    assert kept["path"] == "/api/v2/sms/messages"
    assert '"Contacts":{}' in kept["body"].replace(" ", "")
    generation = listed["generation"]
    assert mock.http.delete("/_sandbox/refused").json() == {"cleared": 1}
    assert mock.http.get("/_sandbox/messages").json()["generation"] == generation + 1


def test_the_page_is_served_self_contained() -> None:
    page = MockClient().http.get("/_sandbox/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script src" not in page.text
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page.text)
    assert "/_sandbox/messages" in page.text and "/_sandbox/refused" in page.text
