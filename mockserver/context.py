"""One send request as the business rules and the steps after them see it, and the values
they compute once, each frozen: `Reach` (who the recipients reach), `Message` (the text and
its parts), `Issued` (the message IDs). `SetOnce` is how `SendContext` keeps each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, cast, overload

from mockserver.ledger import Debit
from mockserver.parts import PartCount

_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


class SetOnce(Generic[_T]):
    """An attribute set once: reading it before it is set is a LookupError, setting it again
    an AttributeError, each naming it (`SendContext.debit`).

    The value lives in the instance's `__dict__` under the attribute's own name; a data
    descriptor is looked up before that dict, so the entry is reached only through here."""

    __slots__ = ("label", "name")

    def __init__(self) -> None:
        self.name = self.label = "?"  # until `__set_name__`

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.label = name, f"{owner.__name__}.{name}"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> SetOnce[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> SetOnce[_T] | _T:
        if obj is None:
            return self
        try:
            return cast(_T, obj.__dict__[self.name])
        except KeyError:
            raise LookupError(f"{self.label} is not computed yet") from None

    def __set__(self, obj: object, value: _T) -> None:
        values = obj.__dict__
        if self.name in values:
            raise AttributeError(f"{self.label} is set once")
        values[self.name] = value


@dataclass(frozen=True, slots=True)
class Reach:
    """Who a send's recipient maps reach (`BusinessRules.resolve`), computed once: the
    distinct SMS numbers and e-mail addresses (lower-case -> as first given), in order, and
    the contacts reached."""

    sms: Mapping[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: Mapping[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: Mapping[str, None] = field(default_factory=dict)

    def joined(self, other: Reach) -> Reach:
        """Who this reaches, then whom `other` reaches besides (each once, an address as
        first given): a new value, for an override of `resolve` that reaches more."""
        return Reach(
            _union(self.sms, other.sms),
            _union(self.emails, other.emails),
            _union(self.contacts, other.contacts),
        )


def _union(first: Mapping[_K, _V], then: Mapping[_K, _V]) -> dict[_K, _V]:
    merged = dict(first)
    for key, value in then.items():
        merged.setdefault(key, value)
    return merged


@dataclass(frozen=True, slots=True)
class Message:
    """The text an accepted send sends and its SMS parts, computed once after the rules."""

    text: str
    count: PartCount


@dataclass(frozen=True, slots=True)
class Issued:
    """The message IDs an accepted send issued (`issue_ids`): a list per SMS number for a
    Standard message, one advanced ID otherwise."""

    standard: Mapping[str, list[str]] = field(default_factory=dict)
    advanced: str | None = None


class SendContext:
    """One send request as it goes through the business rules and the steps after them.

    Every value is set once (`SetOnce`): `body` (the schema-valid request) and `now` when
    the context is made; `reach` by the invalid-recipient rule (what `resolve` returns);
    once the rules pass, what `Behaviour.send`'s steps return: `message`, `credits`,
    `result`, `debit`, `issued`. `type`, `recipients` and `options` are read from the body
    and cannot be set. So an override that breaks a rule or a step returns another value
    (another `Reach`, another price) instead of writing to the context.
    """

    body = SetOnce[Mapping[str, Any]]()
    now = SetOnce[datetime]()
    reach = SetOnce[Reach]()  # who the recipients reach (`check_invalid_recipient`)
    message = SetOnce[Message]()  # the text and its parts (`message_text`, `count_parts`)
    credits = SetOnce[int]()  # what the send costs (`price`)
    result = SetOnce[str]()  # "Sent" or "Scheduled" (`result`)
    debit = SetOnce[Debit]()  # the balance before and after (`check_balance`)
    issued = SetOnce[Issued]()  # the message IDs (`issue_ids`)

    def __init__(self, body: Mapping[str, Any], now: datetime) -> None:
        self.body, self.now = body, now

    def __repr__(self) -> str:
        return f"SendContext({vars(self)!r})"

    # The body has passed the schema: Type is 0, 1 or 2 (maybe 2.0), the maps objects.

    @property
    def type(self) -> int:
        return int(self.body["Type"])

    @property
    def recipients(self) -> Mapping[str, Any]:
        """The three maps of `Contacts` (QuickRecipients, ContactID, GroupID)."""
        contacts = self.body.get("Contacts")
        return contacts if isinstance(contacts, dict) else {}

    @property
    def options(self) -> Mapping[str, Any]:
        options = self.body.get("Options")
        return options if isinstance(options, dict) else {}

    @property
    def text(self) -> str:
        """The message's text ("" before the rules have passed)."""
        try:
            return self.message.text
        except LookupError:
            return ""

    @property
    def count(self) -> PartCount | None:
        """The message's parts (None before the rules have passed)."""
        try:
            return self.message.count
        except LookupError:
            return None
