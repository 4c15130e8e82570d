"""Faults of message IDs: unique across the run, one per part and number, standard or
advanced by Type, UUIDs for advanced messages.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Issued, SendContext
from mockserver.ledger import MessageIds
from tests.faults.base import PART_SIZES, Catalog
from tests.faults.ledger import _TOKEN, _PerToken

catalog = Catalog()
fault = catalog.fault


@fault("ids-reused", "message IDs restart at 1 for every response", ids.UNIQUE_IDS)
class IdsReused(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        standard, n = {}, 0
        for number, listed in issued.standard.items():
            standard[number] = [f"{i:010d}" for i in range(n + 1, n + len(listed) + 1)]
            n += len(listed)
        return replace(issued, standard=standard)


@fault(
    "ids-one-per-recipient",
    "one message ID per recipient instead of one per part",
    ids.SUCCESS_SMS_PARTS,
    ids.gsm7_single_part_rule(PART_SIZES),
    ids.STANDARD_IDS,
)
class OneIdPerRecipient(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        return replace(issued, standard={k: v[:1] for k, v in issued.standard.items()})


@fault(
    "ids-advanced-on-standard",
    "a standard message also gets an AdvancedMessageID",
    ids.STANDARD_IDS,
)
class AdvancedOnStandard(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        return replace(issued, advanced=str(uuid.uuid4())) if ctx.type == 1 else issued


@fault(
    "ids-standard-on-advanced",
    "an advanced message lists StandardMessageIDs",
    ids.SUCCESS_ADVANCED_IDS,
)
class StandardOnAdvanced(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if ctx.type == 1:
            return issued
        parts = ctx.message.count.parts
        return replace(issued, standard={n: self.state.ids.standard(parts) for n in ctx.reach.sms})


@fault(
    "ids-advanced-not-uuid",
    "the AdvancedMessageID is a serial number, not a UUID",
    ids.ENVELOPE_SCHEMA,
    ids.SUCCESS_ADVANCED_IDS,
)
class AdvancedNotUuid(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if issued.advanced is None:
            return issued
        return replace(issued, advanced=self.state.ids.standard(1)[0])


# -- IDs per token and per recipient, hashed, for quick recipients only -------------------

IDS = (ids.UNIQUE_IDS,)


@fault("ids-counter-per-token", "the message-ID counter is kept per bearer token", *IDS)
class IdsPerToken(_PerToken):
    def __init__(self, state: Any) -> None:
        super().__init__(state)
        self._issuers: dict[str | None, MessageIds] = {}

    def issue_ids(self, ctx: SendContext) -> Issued:
        token = _TOKEN.get()
        issuer = self._issuers.setdefault(token, MessageIds())
        saved, self.state.ids = self.state.ids, issuer
        try:
            return super().issue_ids(ctx)
        finally:
            self.state.ids = saved


@fault(
    "ids-counter-advances-per-recipient",
    "the ID counter advances by the number of SMS recipients, not parts x recipients, so a"
    " multipart send's later IDs are issued again by the next send",
    *IDS,
)
class IdsAdvancePerRecipient(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        if ctx.type != 1:
            return super().issue_ids(ctx)
        ids = self.state.ids
        first = ids._next
        n = ctx.message.count.parts
        standard = {
            number: [f"{first + i * n + k:010d}" for k in range(n)]
            for i, number in enumerate(ctx.reach.sms)
        }
        ids._next = first + len(ctx.reach.sms)
        return Issued(standard=standard)


@fault(
    "ids-advanced-hash-of-message",
    "the AdvancedMessageID is a UUID derived from the text and the recipients (an"
    " idempotency key), so the same message sent twice gets the same ID",
    *IDS,
)
class AdvancedIdHash(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if issued.advanced is None:
            return issued
        key = "|".join([ctx.text, *sorted(ctx.reach.sms), *sorted(ctx.reach.emails)])
        return replace(issued, advanced=str(uuid.uuid5(uuid.NAMESPACE_URL, key)))


@fault(
    "ids-standard-only-quick-numbers",
    "StandardMessageIDs list only the quick recipients' numbers; numbers reached through"
    " contacts and groups are sent and charged but get no IDs",
    ids.STANDARD_IDS,
)
class IdsOnlyQuick(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        quick = ctx.recipients.get("QuickRecipients", {})
        return replace(issued, standard={k: v for k, v in issued.standard.items() if k in quick})


# -- IDs by the second, shared, keyed without + -------------------------------------------


@fault(
    "advanced-id-per-second",
    "the AdvancedMessageID is a UUID derived from the send time to the second, so two "
    "advanced sends in one second share it",
    ids.UNIQUE_IDS,
)
class AdvancedIdPerSecond(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if issued.advanced is None:
            return issued
        second = f"2sms:{int(time.time())}"
        return replace(issued, advanced=str(uuid.uuid5(uuid.NAMESPACE_URL, second)))


@fault(
    "ids-shared-across-recipients",
    "the message IDs of a Standard message are issued once and every recipient gets the same list",
    ids.UNIQUE_IDS,
)
class IdsShared(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        if ctx.type != 1:
            return super().issue_ids(ctx)
        shared = self.state.ids.standard(ctx.message.count.parts)
        return Issued(standard={number: list(shared) for number in ctx.reach.sms})


@fault(
    "standard-ids-keyed-without-plus",
    "StandardMessageIDs are keyed by the number without its '+'",
    ids.STANDARD_IDS,
    ids.ENVELOPE_SCHEMA,
)
class IdsKeyedWithoutPlus(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        return replace(issued, standard={k.lstrip("+"): v for k, v in issued.standard.items()})
