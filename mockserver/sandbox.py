"""The sandbox: every accepted message, kept for client developers to look at."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SentMessage:
    """An accepted message as the sandbox shows it."""

    seq: int
    received_at: datetime
    type: int
    result: str
    text: str
    encoding: str
    parts: int
    sms: tuple[str, ...]
    emails: tuple[str, ...]
    contacts: tuple[str, ...]
    credits: int
    standard_message_ids: dict[str, list[str]]
    advanced_message_id: str | None
    sender: str | None
    reference: str | None
    date_to_send: str | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        for key in ("sms", "emails", "contacts"):
            data[key] = list(data[key])
        return data


class Sandbox:
    """The latest `capacity` accepted messages, oldest first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._messages: deque[SentMessage] = deque(maxlen=capacity)
        self._seq = itertools.count(1)  # next() on it is atomic in CPython
        self._lock = threading.Lock()  # for reading and clearing; appends are atomic

    def next_seq(self) -> int:
        return next(self._seq)

    def record(self, message: SentMessage) -> None:
        self._messages.append(message)

    def messages(self) -> list[SentMessage]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> int:
        """Forget every kept message; returns how many there were."""
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
            return count
