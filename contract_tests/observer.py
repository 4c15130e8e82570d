"""Observation in one place: what the run has seen across every exchange of the send
endpoint, and its one writer.

Every answer of the send endpoint, whoever sent it (a probe, a property, the client stage,
Schemathesis), goes through `Observer.observe`: the response rules (`invariants`, which
judge and write nothing), and on a 200 the two rules that span the run, which only the
observer can judge because it alone keeps what they need: ledger continuity (each
`PreTransaction` is the previous `PostTransaction`) and unique message IDs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from contract_tests import ids
from contract_tests.core import Exchange, Judged, Violation
from contract_tests.envelope import check_envelope
from contract_tests.invariants import (
    is_uuid,
    json_violation,
    post_transaction,
    success_rules,
)


@dataclass(slots=True)
class Seen:
    """What the run has observed so far, across every request."""

    message_ids: dict[str, str] = field(default_factory=dict)  # id -> where first seen
    last_post_transaction: int | None = None
    successes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Observer:
    """The one writer of `Seen`; see the module docstring."""

    def __init__(self) -> None:
        self.seen = Seen()

    @property
    def balance(self) -> int | None:
        """The last `PostTransaction` seen: the account's balance as the run knows it."""
        return self.seen.last_post_transaction

    def forget_balance(self) -> None:
        """Judge no continuity across what came before (answers of concurrent sends need
        not chain): the next send starts the chain again."""
        with self.seen.lock:
            self.seen.last_post_transaction = None

    def observe(self, session: Judged, exchange: Exchange) -> list[Violation]:
        """Every response rule for one exchange of the send endpoint."""
        found = check_envelope(session, exchange)
        if exchange.response.status != 200:
            return found
        if any((v.check, v.rule) == ids.ENVELOPE_SCHEMA for v in found):
            # Keep the run's view of the balance even from a 200 whose envelope is broken,
            # so that one broken answer is reported once, not again as a break in the ledger.
            post = post_transaction(exchange)
            if post is not None:
                with self.seen.lock:
                    self.seen.last_post_transaction = post
            return found
        return found + success_rules(session, exchange, self._ledger_and_ids)

    def _ledger_and_ids(
        self,
        session: Judged,
        exchange: Exchange,
        pre: int,
        post: int,
        message_ids: dict[str, Any],
    ) -> list[Violation]:
        found = []
        seen = self.seen
        with seen.lock:
            last = seen.last_post_transaction
            if session.series and last is not None and pre != last:
                found.append(
                    json_violation(
                        exchange,
                        *ids.LEDGER_CONTINUITY,
                        "PreTransaction is not the previous send's PostTransaction",
                        pre,
                        last,
                    )
                )
            seen.last_post_transaction = post
            seen.successes += 1
            issued = [i for lst in message_ids["StandardMessageIDs"].values() for i in lst]
            if message_ids["AdvancedMessageID"] is not None:
                issued.append(str(message_ids["AdvancedMessageID"]))
            where = f"response {seen.successes}"
            for message_id in issued:
                # A UUID's hex digits may be written in either case; other IDs are opaque.
                key = str(message_id).lower() if is_uuid(message_id) else str(message_id)
                if key in seen.message_ids:
                    found.append(
                        json_violation(
                            exchange,
                            *ids.UNIQUE_IDS,
                            f"message ID {message_id} was already issued ({seen.message_ids[key]})",
                            message_id,
                            "a message ID never used before",
                        )
                    )
                    break
                seen.message_ids[key] = where
        return found
