"""The send's context: each value set once (`SetOnce`), the request's maps read-only, who
the recipients reach one frozen `Reach` that an override of `resolve` replaces."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from mockserver import Behaviour, Failure, Issued, Reach, SendContext, create_app
from mockserver.context import Message, SetOnce
from mockserver.ledger import Debit
from mockserver.parts import PartCount
from mockserver.testing import MockClient, public_request

NOW = datetime(2030, 1, 1, tzinfo=UTC)
COUNT = PartCount(encoding="GSM-7", units=2, parts=1)
VALUES: dict[str, Any] = {
    "reach": Reach(sms={"+447700900001": None}),
    "message": Message("hi", COUNT),
    "credits": 1,
    "result": "Sent",
    "debit": Debit(pre=10, post=9),
    "issued": Issued(advanced="a"),
}


def _context() -> SendContext:
    return SendContext(public_request(), NOW)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_a_value_is_read_after_it_is_set_and_set_once(name: str) -> None:
    ctx = _context()
    with pytest.raises(LookupError, match=rf"^SendContext\.{name} is not computed yet$"):
        getattr(ctx, name)
    setattr(ctx, name, VALUES[name])
    assert getattr(ctx, name) is VALUES[name]
    with pytest.raises(AttributeError, match=rf"^SendContext\.{name} is set once$"):
        setattr(ctx, name, VALUES[name])
    assert getattr(ctx, name) is VALUES[name]


def test_the_request_and_its_maps_cannot_be_replaced() -> None:
    ctx = _context()
    for name in ("body", "now"):
        with pytest.raises(AttributeError, match=rf"SendContext\.{name} is set once"):
            setattr(ctx, name, getattr(ctx, name))
    for name in ("type", "recipients", "options"):
        with pytest.raises(AttributeError):
            setattr(ctx, name, getattr(ctx, name))
    assert ctx.recipients == {"QuickRecipients": {"+12345678901": 2}}
    assert (ctx.type, ctx.options) == (1, {})


def test_set_once_names_the_class_it_is_on() -> None:
    class Other:
        size = SetOnce[int]()

    other = Other()
    with pytest.raises(LookupError, match=r"^Other\.size is not computed yet$"):
        other.size  # noqa: B018 (the read is the test)
    other.size = 3
    assert other.size == 3 and isinstance(Other.size, SetOnce)
    with pytest.raises(AttributeError, match=r"^Other\.size is set once$"):
        other.size = 4


def test_text_and_count_before_and_after_the_message() -> None:
    ctx = _context()
    assert (ctx.text, ctx.count) == ("", None)
    ctx.message = Message("hi", COUNT)
    assert (ctx.text, ctx.count) == ("hi", COUNT)


def test_joined_reaches_each_once_in_order_and_leaves_both_alone() -> None:
    first = Reach(sms={"+1": None}, emails={"ann@x.org": "Ann@x.org"}, contacts={"1": None})
    then = Reach(
        sms={"+2": None, "+1": None},
        emails={"ann@x.org": "ANN@x.org", "bob@x.org": "bob@x.org"},
        contacts={"2": None, "1": None},
    )
    joined = first.joined(then)
    assert list(joined.sms) == ["+1", "+2"]
    assert dict(joined.emails) == {"ann@x.org": "Ann@x.org", "bob@x.org": "bob@x.org"}
    assert list(joined.contacts) == ["1", "2"]
    assert first == Reach(sms={"+1": None}, emails={"ann@x.org": "Ann@x.org"}, contacts={"1": None})
    assert len(then.sms) == 2


def test_an_override_of_resolve_changes_who_the_send_reaches() -> None:
    """The seam the fault catalog uses: `resolve` returns another `Reach`, and the price,
    the IDs and the counts of the 200 follow it."""

    class AlsoCopies(Behaviour):
        def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
            reach = super().resolve(recipients)
            if isinstance(reach, Failure):
                return reach
            return reach.joined(Reach(sms={"+447700900999": None}))

    client = MockClient(app=create_app(behaviour=AlsoCopies))
    response = client.send(public_request())
    assert response.status_code == 200, response.text
    detail = response.json()["ResponseData"]["Detail"]
    assert detail["NoOfSMS"] == "2"
    assert list(detail["IDs"]["StandardMessageIDs"]) == ["+12345678901", "+447700900999"]
    refused = client.send(
        public_request(Contacts={"QuickRecipients": {"+12345678901": 1}})  # e-mail a number
    )
    assert refused.json()["Error"]["ErrorCode"] == "InvalidRecipient"
