"""The credit ledger and the message-ID issuer: the state that must stay exact under load."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Debit:
    """A debit that happened: the balance before and after."""

    pre: int
    post: int

    @property
    def credits(self) -> int:
        return self.pre - self.post


class Ledger:
    """An account balance. `debit` checks and takes in one step, under a lock.

    The app itself runs on one event loop and never awaits between the check and the
    debit; the lock keeps the ledger exact for callers on other threads too.
    """

    def __init__(self, balance: int) -> None:
        if balance < 0:
            raise ValueError(f"balance {balance} is negative")
        self._balance = balance
        self._lock = threading.Lock()

    @property
    def balance(self) -> int:
        return self._balance

    def debit(self, credits: int) -> Debit | None:
        """Take `credits`; None (and nothing taken) when the balance does not cover them."""
        if credits < 0:
            raise ValueError(f"cannot debit {credits} credits")
        with self._lock:
            pre = self._balance
            if credits > pre:
                return None
            self._balance = pre - credits
            return Debit(pre=pre, post=pre - credits)

    def set_balance(self, balance: int) -> None:
        """Reset the balance (the sandbox and tests use it)."""
        if balance < 0:
            raise ValueError(f"balance {balance} is negative")
        with self._lock:
            self._balance = balance


class MessageIds:
    """Issues message IDs that are never reused: zero-padded serial numbers for standard
    messages (`"0000000001"`, as the spec's examples show) and UUIDs for advanced ones."""

    def __init__(self) -> None:
        self._next = 1
        self._lock = threading.Lock()

    def standard(self, count: int) -> list[str]:
        with self._lock:
            first = self._next
            self._next += count
        return [f"{n:010d}" for n in range(first, first + count)]

    def advanced(self) -> str:
        return str(uuid.uuid4())
