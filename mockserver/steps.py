"""The steps of an accepted send, one overridable method each: `message_text`,
`count_parts`, `price`, `result`, `check_balance` (the debit), `issue_ids`,
`build_success`, `record`; `send` runs the business rules, then these."""

from __future__ import annotations

import functools
from typing import Any

from mockserver.context import Issued, Message, SendContext
from mockserver.core import Failure
from mockserver.instants import instant_of, parse_instant
from mockserver.ledger import Debit
from mockserver.parts import PartCount
from mockserver.rules import _PLACEHOLDER, BusinessRules
from mockserver.sandbox import SentMessage
from mockserver.sandbox_page import part_ends


class SendSteps(BusinessRules):
    """What an accepted send computes, charges, answers and keeps."""

    def send(self, ctx: SendContext) -> dict[str, Any] | Failure:
        """The business rules in order, then the balance, then the accepted send's steps."""
        for method in self.rule_methods():
            failure = method(ctx)
            if failure is not None:
                return failure
        text = self.message_text(ctx)
        ctx.message = Message(text, self.count_parts(text))
        ctx.credits = self.price(ctx)
        ctx.result = self.result(ctx)
        debit = self.check_balance(ctx)
        if isinstance(debit, Failure):
            return debit
        ctx.debit = debit
        ctx.issued = self.issue_ids(ctx)
        payload = self.build_success(ctx)
        self.record(ctx)
        return payload

    def message_text(self, ctx: SendContext) -> str:
        """`Content`, or the template with its placeholders filled in (in one pass)."""
        text = self.template_text(ctx)
        if text is None:
            return str(ctx.body.get("Content", ""))
        values = ctx.body["Template"].get("PlaceHolders", {})
        # A placeholder without a value stays as written (the missing-placeholder rule, where
        # the spec has it, refused the send before).
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)

    def count_parts(self, text: str) -> PartCount:
        return self.state.parts.count(text)

    def price(self, ctx: SendContext) -> int:
        """One credit per SMS part per SMS number; e-mails are free."""
        return ctx.message.count.parts * len(ctx.reach.sms)

    def result(self, ctx: SendContext) -> str:
        if ctx.type == 2:
            return "Scheduled"
        when = ctx.options.get("DateToSend")
        at = parse_instant(when) if isinstance(when, str) else None
        return "Scheduled" if at is not None and at > instant_of(ctx.now) else "Sent"

    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        """Debit the credits in one step with the check, or 402 with nothing sent."""
        debit = self.state.ledger.debit(ctx.credits)
        if debit is None:
            return self.fail(
                "balance", f"CreditsUsed: {ctx.credits} needed, balance {self.state.ledger.balance}"
            )
        return debit

    def issue_ids(self, ctx: SendContext) -> Issued:
        """A list of IDs per SMS number, one per part (Standard), or one advanced ID."""
        if ctx.type == 1:
            ids, parts = self.state.ids, ctx.message.count.parts
            return Issued(standard={number: ids.standard(parts) for number in ctx.reach.sms})
        return Issued(advanced=self.state.ids.advanced())

    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        debit, issued, reach = ctx.debit, ctx.issued, ctx.reach
        quick = ctx.recipients.get("QuickRecipients", {})
        return {
            "Error": None,
            "ResponseData": {
                "Identification": {"UserId": self.state.account.user_id},
                "Result": ctx.result,
                "Detail": {
                    "IDs": {
                        "AdvancedMessageID": issued.advanced,
                        "StandardMessageIDs": dict(issued.standard),
                    },
                    "NoOfContacts": str(len(reach.contacts)),
                    "NoOfQuickRecipients": str(len(quick)),
                    "NoOfSMS": str(ctx.credits),
                    "NoOfEmails": str(len(reach.emails)),
                    "PreTransaction": str(debit.pre),
                    "PostTransaction": str(debit.post),
                    "CreditsUsed": str(debit.credits),
                    "MessageText": ctx.message.text,
                },
            },
        }

    def record(self, ctx: SendContext) -> None:
        """Keep the accepted message in the sandbox."""
        sandbox, message, reach = self.state.sandbox, ctx.message, ctx.reach
        options = ctx.options
        sandbox.record(
            SentMessage(
                seq=sandbox.next_seq(),
                received_at=ctx.now,
                type=ctx.type,
                result=ctx.result,
                text=message.text,
                encoding=message.count.encoding,
                parts=message.count.parts,
                sms=tuple(reach.sms),
                emails=tuple(reach.emails.values()),
                contacts=tuple(reach.contacts),
                credits=ctx.credits,
                standard_message_ids=dict(ctx.issued.standard),
                advanced_message_id=ctx.issued.advanced,
                sender=options.get("Sender"),
                reference=options.get("Reference"),
                date_to_send=options.get("DateToSend"),
                part_ends=functools.partial(part_ends, self.state.parts, message.text),
                request=ctx.body,
            )
        )
