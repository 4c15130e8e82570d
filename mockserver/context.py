"""One send request as the business rules and the steps after them see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.ledger import Debit
from mockserver.parts import PartCount


@dataclass(slots=True)
class SendContext:
    """One send request as it goes through the business rules and the steps after them."""

    body: dict[str, Any]
    now: datetime
    sms: dict[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: dict[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: dict[str, None] = field(default_factory=dict)  # distinct contacts reached
    text: str = ""
    count: PartCount | None = None
    credits: int = 0
    debit: Debit | None = None
    standard_ids: dict[str, list[str]] = field(default_factory=dict)
    advanced_id: str | None = None
    result: str = "Sent"

    type: int = field(init=False)
    recipients: Mapping[str, Any] = field(init=False)  # the three maps of `Contacts`
    options: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        # The body has passed the schema: Type is 0, 1 or 2 (maybe 2.0), the rest objects.
        self.type = int(self.body["Type"])
        contacts, options = self.body.get("Contacts"), self.body.get("Options")
        self.recipients = contacts if isinstance(contacts, dict) else {}
        self.options = options if isinstance(options, dict) else {}
