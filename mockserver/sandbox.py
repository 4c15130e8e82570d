"""The sandbox: every accepted message, and every refused request, kept for client
developers to look at (as JSON under `/_sandbox/`, and as the page `mockserver.sandbox_page`
serves at `/_sandbox/`)."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
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
    # Where each SMS part ends: the index in `text` just past its last character; worked
    # out when the sandbox is read (a callable), not on the send's hot path.
    part_ends: tuple[int, ...] | Callable[[], tuple[int, ...]] = ()
    request: Any = None  # the request body the message came from (its JSON value)

    def to_json(self) -> dict[str, Any]:
        ends = self.part_ends() if callable(self.part_ends) else self.part_ends
        data = asdict(replace(self, part_ends=ends))
        data["received_at"] = self.received_at.isoformat()
        for key in ("sms", "emails", "contacts", "part_ends"):
            data[key] = list(data[key])
        return data


@dataclass(frozen=True, slots=True)
class RefusedRequest:
    """A request the mock refused: what came in, and the status and code it got."""

    seq: int
    received_at: datetime
    method: str
    path: str
    status: int
    code: str | None  # the error code of the answer (`ErrorCode`, or OAuth's `error`)
    reason: str | None
    content_type: str | None
    body: str  # the start of the body as text (bytes that are not UTF-8 replaced)
    body_bytes: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data


class Sandbox:
    """The latest `capacity` accepted messages, oldest first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._messages: deque[SentMessage] = deque(maxlen=capacity)
        self._refused: deque[RefusedRequest] = deque(maxlen=capacity)
        self._seq = itertools.count(1)  # next() on it is atomic in CPython
        self._lock = threading.Lock()  # for reading and clearing; appends are atomic
        self.generation = 0  # one more at each clear: a page that polls starts over

    def next_seq(self) -> int:
        return next(self._seq)

    def record(self, message: SentMessage) -> None:
        self._messages.append(message)

    def record_refused(self, refused: RefusedRequest) -> None:
        self._refused.append(refused)

    def messages(self) -> list[SentMessage]:
        with self._lock:
            return list(self._messages)

    def refused(self) -> list[RefusedRequest]:
        with self._lock:
            return list(self._refused)

    def clear(self) -> int:
        """Forget every kept message; returns how many there were."""
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
            self.generation += 1
            return count

    def clear_refused(self) -> int:
        """Forget every kept refused request; returns how many there were."""
        with self._lock:
            count = len(self._refused)
            self._refused.clear()
            self.generation += 1
            return count
