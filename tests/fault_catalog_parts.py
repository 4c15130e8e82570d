"""More broken variants of the mock: SMS part counting (look-alike characters, CR LF,
flags and ZWJ sequences, extension characters in UCS-2, the alphabet of the whole text,
trailing white space, lone surrogates), credits and the ledger, message IDs, Result across
offsets and eras, and the Detail counts.

Registered into `tests.fault_catalog.FAULTS` (which imports this module).
"""

from __future__ import annotations

import contextvars
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mockserver import Behaviour, Failure, PartCount, SendContext
from mockserver.http import HttpRequest
from mockserver.instants import instant_of, parse_instant
from mockserver.ledger import Ledger, MessageIds
from mockserver.parts import GSM7_BASIC, pack
from tests.fault_catalog import fault

PARTS = ("sms-parts/sweep", "success-invariants/sms-parts")
_EXT = frozenset("\f^{}\\[~]|€")
_GSM = frozenset(GSM7_BASIC) | _EXT


def _ucs2_parts(costs: list[int]) -> int:
    units = sum(costs)
    return 1 if units <= 70 else pack(costs, 67)


# == SMS part counting =======================================================================


_GREEK_LOOKALIKES = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")


@fault(
    "parts-greek-lookalikes-gsm",
    "Greek capitals that look Latin (Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ) are sent as GSM-7 (mapped"
    " to A B E ...), though only Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ are in the basic table",
    *PARTS,
)
class GreekLookalikesGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.translate(_GREEK_LOOKALIKES))


@fault("parts-tab-is-gsm", "a TAB is sent as a GSM-7 space (it is not in the table)", *PARTS)
class TabIsGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\t", " "))


@fault(
    "parts-nfc-before-count",
    "the text is NFC-normalised before it is encoded, so e + U+0301 (combining acute) is é"
    " (GSM-7) and the text is not UCS-2",
    *PARTS,
)
class NfcBeforeCount(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(unicodedata.normalize("NFC", text))


@fault(
    "parts-crlf-one-septet",
    "line endings are normalised before encoding: CR LF costs one septet, not two",
    "sms-parts/GSM-7 CR LF is two septets",
)
class CrlfOneSeptet(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\r\n", "\n"))


def _is_ri(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


@fault(
    "parts-flags-never-split",
    "a flag (two regional indicators, 4 UTF-16 units) is kept whole in one part: only"
    " surrogate pairs are indivisible",
    "sms-parts/UCS-2 a flag may be split at 67",
)
class FlagsNeverSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2" or count.units <= 70:
            return count
        costs: list[int] = []
        pending = False
        for ch in text:
            cost = 2 if ord(ch) > 0xFFFF else 1
            if _is_ri(ch) and pending:
                costs[-1] += cost
                pending = False
                continue
            costs.append(cost)
            pending = _is_ri(ch)
        return replace(count, parts=_ucs2_parts(costs))


@fault(
    "parts-zwj-sequence-never-split",
    "an emoji ZWJ sequence (👩‍💻: woman, ZWJ, laptop) is kept whole in one part",
    "sms-parts/UCS-2 a ZWJ sequence may be split at 67",
)
class ZwjNeverSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2" or count.units <= 70:
            return count
        costs: list[int] = []
        glue = False
        for ch in text:
            cost = 2 if ord(ch) > 0xFFFF else 1
            if costs and (glue or ch == "\u200d"):
                costs[-1] += cost
            else:
                costs.append(cost)
            glue = ch == "\u200d"
        return replace(count, parts=_ucs2_parts(costs))


@fault(
    "parts-capital-c-cedilla-not-gsm",
    "the table has ç at 0x09 instead of Ç, so a capital C with cedilla forces UCS-2",
    "sms-parts/GSM-7 national characters (basic table)",
    *PARTS,
)
class CapitalCedillaNotGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("Ç", "ж"))


@fault(
    "parts-0x24-is-euro",
    "0x24 is read as € (one septet) rather than ¤: € costs 1 septet and ¤ forces UCS-2",
    *PARTS,
)
class EuroAt0x24(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("€", "a").replace("¤", "ж"))


@fault(
    "parts-ucs2-extension-costs-two",
    "in a UCS-2 text the GSM extension characters ({ } [ ] ~ | ^ \\ €) still cost 2 units",
    "sms-parts/UCS-2 extension characters cost 1 unit",
)
class Ucs2ExtensionTwo(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding != "UCS-2":
            return count
        costs = [2 if ch in _EXT or ord(ch) > 0xFFFF else 1 for ch in text]
        return PartCount("UCS-2", sum(costs), _ucs2_parts(costs))


@fault(
    "parts-encoding-from-first-160",
    "the encoding is chosen from the first 160 characters only: a non-GSM character after"
    " them is sent (and counted) as one GSM-7 septet",
    "sms-parts/GSM-7 vs UCS-2: the whole text decides",
)
class EncodingFromHead(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        head, tail = text[:160], text[160:]
        if all(ch in _GSM for ch in head):
            tail = "".join(ch if ch in _GSM else "?" for ch in tail)
        return super().count_parts(head + tail)


@fault(
    "parts-trailing-space-not-counted",
    "trailing white space is dropped before the text is encoded (TrimEnd), though"
    " MessageText keeps it",
    "sms-parts/GSM-7 trailing white space counts",
)
class TrailingSpaceFree(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.rstrip() if text.strip() else text)


@fault(
    "parts-lone-surrogate-500",
    "UTF-16 units are counted by encoding the text to UTF-16, which raises on a lone"
    " surrogate (\\ud83d, valid JSON): 500",
    "response/not-a-server-error",
)
class LoneSurrogate500(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2":
            units = len(text.encode("utf-16-le")) // 2
            return replace(count, units=units)
        return count


@fault(
    "parts-form-feed-not-gsm",
    "form feed is missing from the extension table: a text with \\f is UCS-2",
    "sms-parts/GSM-7 euro sign and form feed",
    *PARTS,
)
class FormFeedNotGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("\f", "ж"))


@fault(
    "parts-non-ascii-gsm-escaped",
    "every non-ASCII character of the basic table (£ ¥ è é Δ Ä ...) is taken for an"
    " extension character and costs 2 septets",
    "sms-parts/GSM-7 national characters (basic table)",
    *PARTS,
)
class NonAsciiEscaped(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(
            "".join("{" if (ch in GSM7_BASIC and not ch.isascii()) else ch for ch in text)
        )


# == credits and the ledger ==================================================================

LEDGER = ("success-invariants/ledger-continuity",)
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
    credits = behaviour.count_parts(text).parts * len(ctx.sms)
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
    "success-invariants/sms-parts",
    "success-invariants/fixture-counts",
    "success-invariants/standard-ids",
)
class RepeatCharged(Behaviour):
    def price(self, ctx: SendContext) -> int:
        repeat = ctx.options.get("Repeat")
        times = 1 + int(repeat.get("Repetitions", 0)) if isinstance(repeat, dict) else 1
        return super().price(ctx) * times


@fault(
    "credits-recurring-per-schedule-day",
    "a Recurring message is charged once per day of PatternScheduleDays (7 for 0)",
    "success-invariants/sms-parts",
    "success-invariants/fixture-counts",
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
    "success-invariants/credits-arithmetic",
)
class RecurringFree(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return 0 if ctx.type == 2 else super().price(ctx)

    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        if ctx.type == 2 and ctx.count is not None:
            payload["ResponseData"]["Detail"]["NoOfSMS"] = str(ctx.count.parts * len(ctx.sms))
        return payload


@fault(
    "credits-minimum-one-per-send",
    "every send costs at least one credit, so an e-mail-only send is charged 1",
    "success-invariants/fixture-counts",
    "success-invariants/sms-parts",
    "success-invariants/credits-arithmetic",
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

    def check_balance(self, ctx: SendContext) -> Failure | None:
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
    "success-invariants/sms-parts",
    "success-invariants/fixture-counts",
)
class AdvancedPerMessage(Behaviour):
    def price(self, ctx: SendContext) -> int:
        if ctx.type == 0 and ctx.sms and ctx.count is not None:
            return ctx.count.parts
        return super().price(ctx)


# == message IDs =============================================================================

IDS = ("success-invariants/unique-ids",)


@fault("ids-counter-per-token", "the message-ID counter is kept per bearer token", *IDS)
class IdsPerToken(_PerToken):
    def __init__(self, state: Any) -> None:
        super().__init__(state)
        self._issuers: dict[str | None, MessageIds] = {}

    def issue_ids(self, ctx: SendContext) -> None:
        token = _TOKEN.get()
        issuer = self._issuers.setdefault(token, MessageIds())
        saved, self.state.ids = self.state.ids, issuer
        try:
            super().issue_ids(ctx)
        finally:
            self.state.ids = saved


@fault(
    "ids-counter-advances-per-recipient",
    "the ID counter advances by the number of SMS recipients, not parts x recipients, so a"
    " multipart send's later IDs are issued again by the next send",
    *IDS,
)
class IdsAdvancePerRecipient(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        if ctx.type != 1 or ctx.count is None:
            return super().issue_ids(ctx)
        ids = self.state.ids
        first = ids._next
        n = ctx.count.parts
        ctx.standard_ids = {
            number: [f"{first + i * n + k:010d}" for k in range(n)]
            for i, number in enumerate(ctx.sms)
        }
        ids._next = first + len(ctx.sms)
        return None


@fault(
    "ids-advanced-hash-of-message",
    "the AdvancedMessageID is a UUID derived from the text and the recipients (an"
    " idempotency key), so the same message sent twice gets the same ID",
    *IDS,
)
class AdvancedIdHash(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.advanced_id is not None:
            key = "|".join([ctx.text, *sorted(ctx.sms), *sorted(ctx.emails)])
            ctx.advanced_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))


@fault(
    "ids-standard-only-quick-numbers",
    "StandardMessageIDs list only the quick recipients' numbers; numbers reached through"
    " contacts and groups are sent and charged but get no IDs",
    "success-invariants/standard-ids",
)
class IdsOnlyQuick(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        quick = ctx.recipients.get("QuickRecipients", {})
        if ctx.standard_ids:
            ctx.standard_ids = {k: v for k, v in ctx.standard_ids.items() if k in quick}


# == Result ==================================================================================

RESULT = ("success-invariants/result",)


def _send_at(ctx: SendContext) -> tuple[int, int] | None:
    when = ctx.options.get("DateToSend")
    return parse_instant(when) if isinstance(when, str) else None


@fault(
    "result-hour-grace",
    "a DateToSend less than an hour ahead is sent now (Sent): the scheduler runs hourly",
    *RESULT,
)
class ResultHourGrace(Behaviour):
    def result(self, ctx: SendContext) -> str:
        if ctx.type == 2:
            return "Scheduled"
        at = _send_at(ctx)
        now = instant_of(ctx.now)
        return "Scheduled" if at is not None and at[0] > now[0] + 3600 else "Sent"


@fault(
    "result-ignores-offset",
    "DateToSend is read as wall-clock UTC, its offset ignored: 12:00-05:00 is taken for 12:00Z",
    *RESULT,
)
class ResultIgnoresOffset(Behaviour):
    def result(self, ctx: SendContext) -> str:
        if ctx.type == 2:
            return "Scheduled"
        when = ctx.options.get("DateToSend")
        if not isinstance(when, str):
            return "Sent"
        wall = re.sub(r"([Zz]|[+-]\d{2}:\d{2})$", "+00:00", when)
        at = parse_instant(wall)
        return "Scheduled" if at is not None and at > instant_of(ctx.now) else "Sent"


@fault(
    "result-uint32-timestamp",
    "DateToSend is stored as an unsigned 32-bit Unix time: a date before 1970 wraps into"
    " the future (Scheduled), one after 2106 into the past (Sent)",
    *RESULT,
)
class ResultUint32(Behaviour):
    def result(self, ctx: SendContext) -> str:
        if ctx.type == 2:
            return "Scheduled"
        at = _send_at(ctx)
        if at is None:
            return "Sent"
        return "Scheduled" if (at[0] & 0xFFFFFFFF) > instant_of(ctx.now)[0] else "Sent"


@fault(
    "result-z-suffix-unparsed",
    "a DateToSend ending in Z (UTC) is not understood by the scheduler and the message is"
    " sent now (Sent)",
    *RESULT,
)
class ResultZUnparsed(Behaviour):
    def result(self, ctx: SendContext) -> str:
        when = ctx.options.get("DateToSend")
        if ctx.type != 2 and isinstance(when, str) and when[-1:] in ("Z", "z"):
            return "Sent"
        return super().result(ctx)


@fault(
    "result-recurring-from-first-date",
    "a Recurring message says Scheduled only when RecDateToSend (or DateToSend) is in the"
    " future; without one it says Sent",
    *RESULT,
)
class ResultRecurringFromDate(Behaviour):
    def result(self, ctx: SendContext) -> str:
        if ctx.type != 2:
            return super().result(ctx)
        recurring = ctx.options.get("RecurringOptions") or {}
        when = recurring.get("RecDateToSend") or ctx.options.get("DateToSend")
        at = parse_instant(when) if isinstance(when, str) else None
        return "Scheduled" if at is not None and at > instant_of(ctx.now) else "Sent"


# == the Detail counts =======================================================================

COUNTS = ("success-invariants/quick-recipient-count",)


def _set_detail(payload: dict[str, Any], name: str, value: int) -> dict[str, Any]:
    payload["ResponseData"]["Detail"][name] = str(value)
    return payload


@fault("quick-count-phones-only", "NoOfQuickRecipients counts only the phone-number keys", *COUNTS)
class QuickCountPhones(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        quick = ctx.recipients.get("QuickRecipients", {})
        n = sum(1 for k in quick if k.startswith("+"))
        return _set_detail(super().build_success(ctx), "NoOfQuickRecipients", n)


@fault(
    "quick-count-after-dedupe",
    "NoOfQuickRecipients leaves out quick recipients also reached through a contact or group",
    *COUNTS,
)
class QuickCountAfterDedupe(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        account = self.state.account
        reached: set[str] = set()
        for number in ctx.contacts:
            contact = account.contacts[number]
            reached |= {v.lower() for v in (contact.phone, contact.email) if v}
        quick = ctx.recipients.get("QuickRecipients", {})
        n = sum(1 for k in quick if k.lower() not in reached)
        return _set_detail(super().build_success(ctx), "NoOfQuickRecipients", n)


@fault(
    "contacts-count-quick-numbers-in-book",
    "a quick recipient whose number or address belongs to an address-book contact counts"
    " in NoOfContacts",
    "success-invariants/fixture-counts",
)
class ContactsCountQuickInBook(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        account = self.state.account
        quick = {k.lower() for k in ctx.recipients.get("QuickRecipients", {})}
        found = set(ctx.contacts)
        for number, contact in account.contacts.items():
            if {v.lower() for v in (contact.phone, contact.email) if v} & quick:
                found.add(number)
        return _set_detail(super().build_success(ctx), "NoOfContacts", len(found))


@fault(
    "contacts-count-skipped-members",
    "NoOfContacts counts every member of a named group, even those skipped for lacking the"
    " asked channel",
    "success-invariants/fixture-counts",
)
class ContactsCountSkipped(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        found = set(ctx.contacts)
        for guid in ctx.recipients.get("GroupID", {}):
            found |= set(self.state.account.group(guid) or ())
        return _set_detail(super().build_success(ctx), "NoOfContacts", len(found))


@fault(
    "contacts-count-per-channel",
    "NoOfContacts counts deliveries: a contact reached by SMS and e-mail (channel 3) counts twice",
    "success-invariants/fixture-counts",
)
class ContactsPerChannel(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        account = self.state.account
        n = 0
        for number in ctx.contacts:
            contact = account.contacts[number]
            both = contact.phone in ctx.sms and (contact.email or "").lower() in ctx.emails
            n += 2 if both else 1
        return _set_detail(super().build_success(ctx), "NoOfContacts", n)
