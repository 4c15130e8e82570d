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
from contract_tests.core import (
    Exchange,
    Judged,
    RecordedRequest,
    RecordedResponse,
    Violation,
)
from contract_tests.envelope import check_envelope
from contract_tests.invariants import (
    is_uuid,
    json_violation,
    post_transaction,
    success_rules,
)


@dataclass(frozen=True, slots=True)
class Span:
    """What one 200 of a concurrent window debited: the balance from `pre` to `post`."""

    pre: int
    post: int
    request: RecordedRequest
    response: RecordedResponse


@dataclass(slots=True)
class Seen:
    """What the run has observed so far, across every request."""

    message_ids: dict[str, str] = field(default_factory=dict)  # id -> where first seen
    last_post_transaction: int | None = None
    successes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # In a concurrent window (`Observer.open_window`), every 200's debit, judged at its end.
    spans: list[Span] | None = None


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

    def open_window(self) -> int | None:
        """Sends in other processes to the same account start now (Schemathesis forked
        beside the other stages over HTTP): from here each 200's debit is kept, not chained
        to the one before, until `close_window`. Returns the balance the window starts at."""
        with self.seen.lock:
            self.seen.spans = []
            return self.seen.last_post_transaction

    @property
    def in_window(self) -> bool:
        """True between `open_window` and `close_window`."""
        return self.seen.spans is not None

    def close_window(self) -> list[Span]:
        """The debits kept since `open_window`; 200s are chained one by one again."""
        with self.seen.lock:
            spans, self.seen.spans = self.seen.spans or [], None
            return spans

    def judge_window(
        self, start: int | None, spans: list[Span], others: dict[str, str]
    ) -> list[Violation]:
        """Ledger continuity and unique IDs over the sends of a window, wherever they were
        sent (`spans`, and `others`: the message IDs other processes saw): the debits must
        tile the balance, each `PreTransaction` some send's `PostTransaction` (the first
        the balance at `start`), none overlapping; a send that debits nothing must sit at
        one of those balances; no ID issued here and elsewhere. The run's balance is then
        the end of the chain."""
        found: list[Violation] = []
        paid = sorted((s for s in spans if s.pre != s.post), key=lambda s: -s.pre)
        balance, points = start, set() if start is None else {start}
        for span in paid:
            if balance is not None and span.pre != balance and len(found) < 3:
                found.append(
                    _span_violation(
                        span,
                        f"with {len(spans)} sends side by side (processes or threads), this "
                        f"debit from {span.pre} does not start where another ended",
                        f"PreTransaction {balance}",
                    )
                )
            balance = span.post
            points.update((span.pre, span.post))
        for span in spans:
            if span.pre == span.post and points and span.pre not in points and len(found) < 3:
                found.append(
                    _span_violation(
                        span,
                        "a send that debited nothing names a balance no other send of the "
                        "window started or left",
                        "one of " + ", ".join(map(str, sorted(points, reverse=True)[:5])),
                    )
                )
        with self.seen.lock:
            if balance is not None:
                self.seen.last_post_transaction = balance
            for key, where in others.items():
                if key in self.seen.message_ids and len(found) < 6:
                    found.append(
                        Violation(
                            *ids.UNIQUE_IDS,
                            message=f"message ID {key} was issued twice ({where}, and "
                            f"{self.seen.message_ids[key]} here)",
                            received=key,
                            expected="a message ID never used before",
                        )
                    )
                self.seen.message_ids.setdefault(key, where)
        return found

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
            if seen.spans is not None:  # a concurrent window: judged at its end
                seen.spans.append(Span(pre, post, exchange.request, exchange.response))
            elif session.series and last is not None and pre != last:
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


def _span_violation(span: Span, message: str, expected: str) -> Violation:
    return Violation(
        *ids.LEDGER_CONTINUITY,
        message=message,
        received=f"PreTransaction {span.pre}, PostTransaction {span.post}",
        expected=expected,
        request=span.request,
        response=span.response,
    )
