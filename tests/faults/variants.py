"""Conforming variants of the mock (it differs where the contract leaves room), and a racy
ledger that only concurrent sends over a socket show (`tests/test_fault_catalog.py`).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

from mockserver import Behaviour, Failure, Issued, SendContext
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog

catalog = Catalog()
variant = catalog.variant


@variant("uuid-message-ids", "standard message IDs that are UUIDs rather than serial numbers")
class UuidIds(Behaviour):
    """Standard message IDs that are UUIDs rather than serial numbers."""

    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        uuids = {k: [str(uuid.uuid4()) for _ in v] for k, v in issued.standard.items()}
        return replace(issued, standard=uuids)


@variant("reworded-reasons", "other wording of every reason (each still names its field)")
class Reworded(Behaviour):
    """Other wording of every reason (each still names its field)."""

    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        return super().error_answer(
            replace(failure, reason="Rejected - " + failure.reason), media_type
        )


@variant(
    "charset-parameter-and-extra-headers",
    "`application/json; charset=utf-8`, a realm in the challenge, extra headers",
)
class CharsetParameter(Behaviour):
    """`application/json; charset=utf-8`, a realm in the challenge, extra headers."""

    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        headers = (
            *(
                (k, 'Bearer realm="2sms"' if k == "WWW-Authenticate" else v)
                for k, v in failure.headers
            ),
            ("X-Request-Id", "abc"),
        )
        answer = super().error_answer(replace(failure, headers=headers), media_type)
        return replace(answer, media_type=media_type + "; charset=utf-8")


class RacyLedger(Behaviour):
    """Lost updates under concurrency: the balance read before the body is written back
    less this send's credits. In series it is exact; only concurrent sends show it, so it
    is served over a real socket (`tests/test_fault_catalog.py`), not in the catalog."""

    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        stale = self.state.ledger.balance
        # A slow store: the window in which another send's debit is lost is wide enough
        # that concurrent sends surely overlap in it.
        await asyncio.sleep(0.02)
        answer = await super().handle_send(request, media_type)
        if answer is not None and answer.status == 200:
            credits = int(answer.payload["ResponseData"]["Detail"]["CreditsUsed"])
            self.state.ledger.set_balance(stale - credits)
        return answer
