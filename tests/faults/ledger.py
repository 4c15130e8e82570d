"""Faults of credits and the ledger: what a send costs, what a refused send costs, the
balance before and after, per-token ledgers, the exact balance.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, MockState, SendContext
from mockserver.http import HttpRequest
from mockserver.ledger import Debit, Ledger
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


@fault(
    "credits-not-debited",
    "a send takes no credits from the balance",
    ids.CREDITS_ARITHMETIC,
    ids.LEDGER_CONTINUITY,
)
class NotDebited(Behaviour):
    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        debit = super().check_balance(ctx)
        if isinstance(debit, Failure):
            return debit
        self.state.ledger.set_balance(debit.pre)
        return replace(debit, post=debit.pre)


@fault(
    "credits-per-recipient",
    "one credit per SMS recipient, whatever the parts",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
    ids.CREDITS_ARITHMETIC,
)
class PerRecipient(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return len(ctx.reach.sms)


@fault(
    "credits-emails-charged",
    "e-mails cost a credit too",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
    ids.CREDITS_ARITHMETIC,
)
class EmailsCharged(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return super().price(ctx) + len(ctx.reach.emails)


@fault(
    "credits-no-balance-check",
    "a send the balance cannot cover is accepted",
    ids.LEDGER_INSUFFICIENT_CREDITS,
)
class NoBalanceCheck(Behaviour):
    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        if ctx.credits > self.state.ledger.balance:
            self.state.ledger.set_balance(ctx.credits)
        return super().check_balance(ctx)


@fault(
    "credits-402-still-debits",
    "a refused send (402) empties the balance anyway",
    ids.LEDGER_INSUFFICIENT_CREDITS,
    ids.LEDGER_CONTINUITY,
)
class RefusedButDebited(Behaviour):
    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        debit = super().check_balance(ctx)
        if isinstance(debit, Failure):
            self.state.ledger.set_balance(self.state.ledger.balance // 2)
        return debit


@fault(
    "ledger-repeat-send-refused",
    "a flood guard refuses a send to the same two or more quick-recipient numbers as the"
    " accepted send just before it (whatever its text) as a ValidationError",
    ids.LEDGER_SERIES,
)
class RepeatSendRefused(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.last: tuple[str, ...] = ()

    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        quick = ctx.recipients.get("QuickRecipients", {})
        numbers = tuple(sorted(key for key in quick if key.startswith("+")))
        if len(numbers) > 1 and numbers == self.last:
            return self.fail("schema", "$.Contacts: the same numbers as the send before")
        debit = super().check_balance(ctx)
        if not isinstance(debit, Failure):
            self.last = numbers
        return debit


@fault(
    "ledger-pre-is-start",
    "PreTransaction is always the starting balance",
    ids.LEDGER_CONTINUITY,
    ids.CREDITS_ARITHMETIC,
)
class PreIsStart(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        detail["PreTransaction"] = str(self.state.account.balance)
        detail["PostTransaction"] = str(self.state.account.balance - ctx.credits)
        return payload


LEDGER = (ids.LEDGER_CONTINUITY,)
_OPTION_RULES = (
    "check_invalid_sender",
    "check_invalid_reference",
    "check_invalid_expiry",
    "check_missing_recurring_options",
)


def _charge_anyway(behaviour: Behaviour, ctx: SendContext) -> None:
    """Take the price of the message the request describes (if the balance covers it)."""
    try:
        text = behaviour.message_text(ctx)
    except Exception:  # an incomplete template: nothing to price
        return
    credits = behaviour.count_parts(text).parts * len(ctx.reach.sms)
    behaviour.state.ledger.debit(credits)


class _ChargeOnOptionFailure(Behaviour):
    charged: tuple[str, ...] = _OPTION_RULES

    def rule_methods(self) -> list[Callable[[SendContext], Failure | None]]:
        methods = super().rule_methods()
        wrapped = []
        for method in methods:
            if method.__name__ in self.charged:
                wrapped.append(self._charging(method))
            else:
                wrapped.append(method)
        return wrapped

    def _charging(
        self, method: Callable[[SendContext], Failure | None]
    ) -> Callable[[SendContext], Failure | None]:
        def run(ctx: SendContext) -> Failure | None:
            failure = method(ctx)
            if failure is not None:
                _charge_anyway(self, ctx)
            return failure

        return run


@fault(
    "credits-option-refusal-charged",
    "the message is priced and charged before the options are checked: a request refused"
    " with InvalidSender/InvalidReference/InvalidExpiry/MissingRecurringOptions still debits",
    *LEDGER,
)
class OptionRefusalCharged(_ChargeOnOptionFailure):
    pass


@fault(
    "credits-recurring-range-refusal-charged",
    "a Type 2 message refused with MissingRecurringOptions (Range 1 without OccurrencesEnd,"
    " Range 2 without ExpiryDate) is still charged: the schedule is created, then validated",
    *LEDGER,
)
class RecurringRefusalCharged(_ChargeOnOptionFailure):
    charged = ("check_missing_recurring_options",)


@fault(
    "credits-repeat-repetitions-charged",
    "Options.Repeat.Repetitions multiplies the charge (and NoOfSMS) by 1 + Repetitions",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
    ids.STANDARD_IDS,
)
class RepeatCharged(Behaviour):
    def price(self, ctx: SendContext) -> int:
        repeat = ctx.options.get("Repeat")
        times = 1 + int(repeat.get("Repetitions", 0)) if isinstance(repeat, dict) else 1
        return super().price(ctx) * times


@fault(
    "credits-recurring-per-schedule-day",
    "a Recurring message is charged once per day of PatternScheduleDays (7 for 0)",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
)
class RecurringPerDay(Behaviour):
    def price(self, ctx: SendContext) -> int:
        credits = super().price(ctx)
        recurring = ctx.options.get("RecurringOptions")
        if ctx.type == 2 and isinstance(recurring, dict):
            days = int(recurring.get("PatternScheduleDays", 0))
            return credits * (bin(days).count("1") or 7)
        return credits


@fault(
    "credits-recurring-not-charged-up-front",
    "a Recurring message is charged nothing now (each occurrence is charged when it goes);"
    " NoOfSMS still says parts x recipients",
    ids.CREDITS_ARITHMETIC,
)
class RecurringFree(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return 0 if ctx.type == 2 else super().price(ctx)

    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        if ctx.type == 2 and ctx.count is not None:
            payload["ResponseData"]["Detail"]["NoOfSMS"] = str(ctx.count.parts * len(ctx.reach.sms))
        return payload


@fault(
    "credits-minimum-one-per-send",
    "every send costs at least one credit, so an e-mail-only send is charged 1",
    ids.FIXTURE_COUNTS,
    ids.SUCCESS_SMS_PARTS,
    ids.CREDITS_ARITHMETIC,
)
class MinimumCharge(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return max(1, super().price(ctx))


_TOKEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_c_token", default=None)


class _PerToken(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is None:
            value = request.header("authorization") or ""
            _TOKEN.set(value.strip().partition(" ")[2].strip())
        return failure


@fault(
    "ledger-per-token",
    "the balance is kept per bearer token: a new token starts from the account's balance",
    *LEDGER,
)
class LedgerPerToken(_PerToken):
    def __init__(self, state: Any) -> None:
        super().__init__(state)
        self._ledgers: dict[str | None, Ledger] = {}

    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        token = _TOKEN.get()
        ledger = self._ledgers.get(token)
        if ledger is None:
            ledger = self._ledgers[token] = Ledger(self.state.account.balance)
        saved, self.state.ledger = self.state.ledger, ledger
        try:
            return super().check_balance(ctx)
        finally:
            self.state.ledger = saved


@fault(
    "credits-advanced-per-message",
    "an Advanced message (Type 0) is charged its parts once, whatever the number of SMS recipients",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
)
class AdvancedPerMessage(Behaviour):
    def price(self, ctx: SendContext) -> int:
        if ctx.type == 0 and ctx.reach.sms and ctx.count is not None:
            return ctx.count.parts
        return super().price(ctx)


@fault(
    "balance-exact-refused",
    "a send that costs exactly the balance is refused with 402 (>= instead of >)",
    ids.LEDGER_EXACT_BALANCE,
)
class BalanceExactRefused(Behaviour):
    def check_balance(self, ctx: SendContext) -> Debit | Failure:
        balance = self.state.ledger.balance
        if ctx.credits > 0 and ctx.credits >= balance:
            return self.fail("balance", f"CreditsUsed: {ctx.credits} needed, balance {balance}")
        return super().check_balance(ctx)


@fault(
    "ledger-email-only-zero",
    "a send that costs nothing (e-mails only) reports PreTransaction and PostTransaction 0",
    ids.LEDGER_CONTINUITY,
)
class LedgerEmailOnlyZero(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        if ctx.credits == 0:
            detail = payload["ResponseData"]["Detail"]
            detail["PreTransaction"] = detail["PostTransaction"] = "0"
        return payload


@fault(
    "credits-recurring-all-occurrences",
    "a Recurring message that ends after N occurrences is charged for all N sends up front",
    ids.SUCCESS_SMS_PARTS,
    ids.FIXTURE_COUNTS,
)
class RecurringAllOccurrences(Behaviour):
    def price(self, ctx: SendContext) -> int:
        credits = super().price(ctx)
        recurring = ctx.options.get("RecurringOptions")
        if ctx.type == 2 and isinstance(recurring, dict) and recurring.get("Range") == 1:
            return credits * int(recurring.get("OccurrencesEnd", 1))
        return credits


@fault(
    "counts-thousands-separator",
    "NoOfSMS and CreditsUsed are formatted with a thousands separator ('1,200') from 1000 on",
    ids.COUNTS_ARE_DECIMAL,
    ids.ENVELOPE_SCHEMA,
)
class CountsThousands(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        for name in ("NoOfSMS", "CreditsUsed"):
            detail[name] = f"{int(detail[name]):,}"
        return payload
