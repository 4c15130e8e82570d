"""One send request as the business rules and the steps after them see it, and the values
they compute once: `Reach` (who the recipients reach) and `Message` (the text and its
parts), both frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from mockserver.core import Failure
from mockserver.ledger import Debit
from mockserver.parts import PartCount

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Reach:
    """What a send's recipient maps resolve to (`BusinessRules.resolve`), computed once:
    the distinct SMS numbers and e-mail addresses (lower-case -> as first given), in order,
    the contacts reached, and the first recipient named directly that the asked channel
    cannot reach (`refusal`, the invalid-recipient failure) if any."""

    sms: Mapping[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: Mapping[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: Mapping[str, None] = field(default_factory=dict)
    refusal: Failure | None = None


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


@dataclass(slots=True)
class SendContext:
    """One send request as it goes through the business rules and the steps after them.

    `body` is the schema-valid request; `recipients` and `options` its maps. `sms`,
    `emails` and `contacts` are who the send reaches (the invalid-recipient rule adds its
    `Reach` to them; an override may add more). Once the rules pass, `Behaviour.send` sets
    what the steps return, each once: `message`, `credits`, `result`, `debit`, `issued`
    (reading one before it is set is a LookupError, setting it twice an AttributeError).
    """

    body: dict[str, Any]
    now: datetime
    sms: dict[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: dict[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: dict[str, None] = field(default_factory=dict)  # distinct contacts reached
    _message: Message | None = None
    _credits: int | None = None
    _result: str | None = None
    _debit: Debit | None = None
    _issued: Issued | None = None

    type: int = field(init=False)
    recipients: Mapping[str, Any] = field(init=False)  # the three maps of `Contacts`
    options: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        # The body has passed the schema: Type is 0, 1 or 2 (maybe 2.0), the rest objects.
        self.type = int(self.body["Type"])
        contacts, options = self.body.get("Contacts"), self.body.get("Options")
        self.recipients = contacts if isinstance(contacts, dict) else {}
        self.options = options if isinstance(options, dict) else {}

    def add_reach(self, reach: Reach) -> None:
        """Count what `reach` reaches among who the send reaches (each once)."""
        sms, emails, contacts = self.sms, self.emails, self.contacts
        if not sms and not emails and not contacts:  # the usual case: nobody added before
            self.sms, self.emails = dict(reach.sms), dict(reach.emails)
            self.contacts = dict(reach.contacts)
            return
        for number in reach.sms:
            sms.setdefault(number, None)
        for folded, address in reach.emails.items():
            emails.setdefault(folded, address)
        for contact in reach.contacts:
            contacts.setdefault(contact, None)

    @property
    def message(self) -> Message:
        """The text and its parts (`message_text`, `count_parts`)."""
        return _got(self._message, "message")

    @message.setter
    def message(self, message: Message) -> None:
        self._message = _once(self._message, message, "message")

    @property
    def credits(self) -> int:
        """What the send costs (`price`)."""
        return _got(self._credits, "credits")

    @credits.setter
    def credits(self, credits: int) -> None:
        self._credits = _once(self._credits, credits, "credits")

    @property
    def result(self) -> str:
        """ "Sent" or "Scheduled" (`result`)."""
        return _got(self._result, "result")

    @result.setter
    def result(self, result: str) -> None:
        self._result = _once(self._result, result, "result")

    @property
    def debit(self) -> Debit:
        """The balance before and after (`check_balance`)."""
        return _got(self._debit, "debit")

    @debit.setter
    def debit(self, debit: Debit) -> None:
        self._debit = _once(self._debit, debit, "debit")

    @property
    def issued(self) -> Issued:
        """The message IDs (`issue_ids`)."""
        return _got(self._issued, "issued")

    @issued.setter
    def issued(self, issued: Issued) -> None:
        self._issued = _once(self._issued, issued, "issued")

    @property
    def text(self) -> str:
        """The message's text ("" before the rules have passed)."""
        return self._message.text if self._message is not None else ""

    @property
    def count(self) -> PartCount | None:
        """The message's parts (None before the rules have passed)."""
        return self._message.count if self._message is not None else None


def _got(value: _T | None, name: str) -> _T:
    if value is None:
        raise LookupError(f"SendContext.{name} is not computed yet")
    return value


def _once(old: _T | None, new: _T, name: str) -> _T:
    if old is not None:
        raise AttributeError(f"SendContext.{name} is set once")
    return new
