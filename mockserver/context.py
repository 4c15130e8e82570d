"""One send request as the business rules and the steps after them see it, and the values
they compute once: `Reach` (who the recipients reach) and `Message` (the text and its
parts), both frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core import Failure
from mockserver.ledger import Debit
from mockserver.parts import PartCount


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


@dataclass(slots=True)
class SendContext:
    """One send request as it goes through the business rules and the steps after them.

    `body` is the schema-valid request; `recipients` and `options` its maps. `sms`,
    `emails` and `contacts` are who the send reaches (the invalid-recipient rule adds its
    `Reach` to them; an override may add more); `message` is set once the rules pass;
    `credits`, `result`, `debit` and the IDs by the steps that compute them.
    """

    body: dict[str, Any]
    now: datetime
    sms: dict[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: dict[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: dict[str, None] = field(default_factory=dict)  # distinct contacts reached
    credits: int = 0
    debit: Debit | None = None
    standard_ids: dict[str, list[str]] = field(default_factory=dict)
    advanced_id: str | None = None
    result: str = "Sent"
    _message: Message | None = None

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

    def debited(self) -> Debit:
        """The debit of an accepted send (`check_balance` takes it)."""
        if self.debit is None:
            raise LookupError("SendContext.debit: the balance has not been debited")
        return self.debit

    @property
    def message(self) -> Message:
        """The message, once the business rules have passed (`Behaviour.send` makes it)."""
        if self._message is None:
            raise LookupError("SendContext.message: the business rules have not passed yet")
        return self._message

    @message.setter
    def message(self, message: Message) -> None:
        if self._message is not None:
            raise AttributeError("SendContext.message is set once")
        self._message = message

    @property
    def text(self) -> str:
        """The message's text ("" before the rules have passed)."""
        return self._message.text if self._message is not None else ""

    @property
    def count(self) -> PartCount | None:
        """The message's parts (None before the rules have passed)."""
        return self._message.count if self._message is not None else None
