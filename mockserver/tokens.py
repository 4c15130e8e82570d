"""Bearer tokens: issued by `POST /Token`, checked on the send endpoint, expiring."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Token:
    """An issued token and when it stops being valid."""

    value: str
    client_id: str
    expires_at: datetime


class TokenStore:
    """The tokens issued so far. Expired tokens are pruned as new ones are issued."""

    def __init__(self, *, clock: Clock, lifetime: timedelta, capacity: int = 100_000) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.capacity = capacity
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()
        self._issued_since_prune = 0

    def issue(self, client_id: str, *, lifetime: timedelta | None = None) -> Token:
        now = self.clock()
        token = Token(
            value=secrets.token_hex(16),
            client_id=client_id,
            expires_at=now + (self.lifetime if lifetime is None else lifetime),
        )
        with self._lock:
            self._tokens[token.value] = token
            self._issued_since_prune += 1
            if self._issued_since_prune >= 1024:
                self._prune(now)
        return token

    def mint_expired(self, client_id: str) -> Token:
        """A token that expired a second ago (for tests of the 401 on expiry)."""
        return self.issue(client_id, lifetime=timedelta(seconds=-1))

    def lookup(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def is_expired(self, token: Token) -> bool:
        return self.clock() >= token.expires_at

    def _prune(self, now: datetime) -> None:
        # Keep expired tokens for a while so that they answer "expired", not "unknown";
        # past `capacity` live tokens, the oldest are forgotten (a flood of /Token calls
        # must not grow the process without end).
        horizon = now - self.lifetime
        kept = [(k, t) for k, t in self._tokens.items() if t.expires_at > horizon]
        self._tokens = dict(kept[-self.capacity :])
        self._issued_since_prune = 0
