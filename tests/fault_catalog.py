"""Deliberately broken variants of the mock: each breaks the contract in one way.

Every `Fault` overrides one piece of `mockserver.Behaviour` (or of the state it uses) and
names the rules the suite must report for it (`expect`: any of these "check/rule" keys).
`tests/test_faults.py` runs the suite against each and fails when the suite misses one:
a fault the suite misses is a bug in the suite.
"""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mockserver import Behaviour, Failure, MockState, PartCount, SendContext
from mockserver.http import Answer, HttpRequest


@dataclass(frozen=True, slots=True)
class Fault:
    """A way to break the mock, and the rules the suite must name for it."""

    name: str
    description: str
    behaviour: Callable[[MockState], Behaviour]
    expect: frozenset[str]


FAULTS: list[Fault] = []


def fault(
    name: str, description: str, *expect: str
) -> Callable[[type[Behaviour]], type[Behaviour]]:
    def register(cls: type[Behaviour]) -> type[Behaviour]:
        FAULTS.append(Fault(name, description, cls, frozenset(expect)))
        return cls

    return register


def _multi_parts(units: list[int], size: int) -> int:
    return max(1, math.ceil(sum(units) / size))


# -- SMS part counting ---------------------------------------------------------------------


@fault(
    "parts-160-is-two",
    "a GSM-7 text of exactly 160 septets is counted as 2 parts",
    "sms-parts/GSM-7 single part (160 septets)",
    "success-invariants/sms-parts",
)
class PartsAt160(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        return (
            replace(count, parts=2) if count.encoding == "GSM-7" and count.units == 160 else count
        )


@fault(
    "parts-single-153",
    "the single-part GSM-7 limit is 153, not 160",
    "sms-parts/GSM-7 single part (160 septets)",
    "success-invariants/sms-parts",
)
class PartsSingle153(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and 153 < count.units <= 160:
            return replace(count, parts=2)
        return count


@fault(
    "parts-multi-160",
    "multipart GSM-7 is packed 160 septets a part, not 153",
    "sms-parts/GSM-7 multipart (153 septets a part)",
    "success-invariants/sms-parts",
)
class PartsMulti160(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and count.units > 160:
            return replace(count, parts=math.ceil(count.units / 160))
        return count


@fault(
    "parts-extension-costs-one",
    "extension characters cost one septet, not two",
    "sms-parts/GSM-7 extension characters cost 2 septets",
    "success-invariants/sms-parts",
)
class ExtensionCostsOne(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        flat = "".join("a" if ch in "\f^{}\\[~]|€" else ch for ch in text)
        return super().count_parts(flat)


@fault(
    "parts-capped-at-3",
    "a GSM-7 text of more than 3 parts is counted (and charged) as 3",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class PartsCappedAt3(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        return replace(count, parts=3) if count.encoding == "GSM-7" and count.parts > 3 else count


@fault(
    "gsm-table-has-c-cedilla",
    "a lower-case c with cedilla (not in GSM-7, only the capital is) is sent as GSM-7",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class CCedillaIsGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("ç", "Ç"))


@fault(
    "parts-ucs2-68-from-part-4",
    "UCS-2 texts of more than 3 parts are packed 68 units a part",
    "sms-parts/sweep",
    "success-invariants/sms-parts",
)
class Ucs2Packs68Late(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.parts > 3:
            return replace(count, parts=math.ceil(count.units / 68))
        return count


@fault(
    "parts-escape-split",
    "escape pairs may straddle a part (ceil of septets / 153)",
    "sms-parts/GSM-7 escape pair never split at 153",
    "success-invariants/sms-parts",
)
class EscapeSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "GSM-7" and count.units > 160:
            return replace(count, parts=math.ceil(count.units / 153))
        return count


@fault(
    "parts-ucs2-single-67",
    "the single-part UCS-2 limit is 67, not 70",
    "sms-parts/UCS-2 single part (70 units)",
    "success-invariants/sms-parts",
)
class Ucs2Single67(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and 67 < count.units <= 70:
            return replace(count, parts=2)
        return count


@fault(
    "parts-ucs2-multi-70",
    "multipart UCS-2 is packed 70 units a part, not 67",
    "sms-parts/UCS-2 multipart (67 units a part)",
    "success-invariants/sms-parts",
)
class Ucs2Multi70(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.units > 70:
            return replace(count, parts=math.ceil(count.units / 70))
        return count


@fault(
    "parts-code-points",
    "UCS-2 counts code points, so an emoji costs one unit",
    "sms-parts/UCS-2 emoji cost 2 units",
    "success-invariants/sms-parts",
)
class CodePoints(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2":
            units = len(text)
            parts = 1 if units <= 70 else math.ceil(units / 67)
            return PartCount("UCS-2", units, parts)
        return count


@fault(
    "parts-surrogate-split",
    "surrogate pairs may straddle a part (ceil of units / 67)",
    "sms-parts/UCS-2 surrogate pair never split at 67",
    "success-invariants/sms-parts",
)
class SurrogateSplit(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        count = super().count_parts(text)
        if count.encoding == "UCS-2" and count.units > 70:
            return replace(count, parts=math.ceil(count.units / 67))
        return count


@fault(
    "parts-ascii-only-gsm",
    "only ASCII is GSM-7: accented GSM letters force UCS-2",
    "sms-parts/GSM-7 national characters (basic table)",
    "success-invariants/sms-parts",
)
class AsciiOnlyGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        if all(ord(ch) < 128 for ch in text):
            return super().count_parts(text)
        return super().count_parts(text + "ж")


@fault(
    "parts-backtick-is-gsm",
    "the backtick is taken for GSM-7 (it is not in the table)",
    "sms-parts/GSM-7 vs UCS-2: a backtick is not GSM-7",
    "success-invariants/sms-parts",
)
class BacktickGsm(Behaviour):
    def count_parts(self, text: str) -> PartCount:
        return super().count_parts(text.replace("`", "'"))


# -- credits and ledger --------------------------------------------------------------------


@fault(
    "credits-not-debited",
    "a send takes no credits from the balance",
    "success-invariants/credits-arithmetic",
    "success-invariants/ledger-continuity",
)
class NotDebited(Behaviour):
    def check_balance(self, ctx: SendContext) -> Failure | None:
        failure = super().check_balance(ctx)
        if ctx.debit is not None:
            self.state.ledger.set_balance(ctx.debit.pre)
            ctx.debit = replace(ctx.debit, post=ctx.debit.pre)
        return failure


@fault(
    "credits-per-recipient",
    "one credit per SMS recipient, whatever the parts",
    "success-invariants/sms-parts",
    "success-invariants/fixture-counts",
    "success-invariants/credits-arithmetic",
)
class PerRecipient(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return len(ctx.sms)


@fault(
    "credits-emails-charged",
    "e-mails cost a credit too",
    "success-invariants/sms-parts",
    "success-invariants/fixture-counts",
    "success-invariants/credits-arithmetic",
)
class EmailsCharged(Behaviour):
    def price(self, ctx: SendContext) -> int:
        return super().price(ctx) + len(ctx.emails)


@fault(
    "credits-no-balance-check",
    "a send the balance cannot cover is accepted",
    "ledger/InsufficientCredits",
)
class NoBalanceCheck(Behaviour):
    def check_balance(self, ctx: SendContext) -> Failure | None:
        if ctx.credits > self.state.ledger.balance:
            self.state.ledger.set_balance(ctx.credits)
        return super().check_balance(ctx)


@fault(
    "credits-402-still-debits",
    "a refused send (402) empties the balance anyway",
    "ledger/InsufficientCredits",
    "success-invariants/ledger-continuity",
)
class RefusedButDebited(Behaviour):
    def check_balance(self, ctx: SendContext) -> Failure | None:
        failure = super().check_balance(ctx)
        if failure is not None:
            self.state.ledger.set_balance(self.state.ledger.balance // 2)
        return failure


@fault(
    "ledger-pre-is-start",
    "PreTransaction is always the starting balance",
    "success-invariants/ledger-continuity",
    "success-invariants/credits-arithmetic",
)
class PreIsStart(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        detail["PreTransaction"] = str(self.state.account.balance)
        detail["PostTransaction"] = str(self.state.account.balance - ctx.credits)
        return payload


# -- message IDs ---------------------------------------------------------------------------


@fault("ids-reused", "message IDs restart at 1 for every response", "success-invariants/unique-ids")
class IdsReused(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.standard_ids:
            n = 0
            for number in ctx.standard_ids:
                size = len(ctx.standard_ids[number])
                ctx.standard_ids[number] = [f"{i:010d}" for i in range(n + 1, n + size + 1)]
                n += size


@fault(
    "ids-one-per-recipient",
    "one message ID per recipient instead of one per part",
    "success-invariants/sms-parts",
    "sms-parts/GSM-7 single part (160 septets)",
    "success-invariants/standard-ids",
)
class OneIdPerRecipient(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.standard_ids:
            ctx.standard_ids = {k: v[:1] for k, v in ctx.standard_ids.items()}


@fault(
    "ids-advanced-on-standard",
    "a standard message also gets an AdvancedMessageID",
    "success-invariants/standard-ids",
)
class AdvancedOnStandard(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.type == 1:
            ctx.advanced_id = str(uuid.uuid4())


@fault(
    "ids-standard-on-advanced",
    "an advanced message lists StandardMessageIDs",
    "success-invariants/advanced-ids",
)
class StandardOnAdvanced(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.type != 1 and ctx.count is not None:
            ctx.standard_ids = {n: self.state.ids.standard(ctx.count.parts) for n in ctx.sms}


@fault(
    "ids-advanced-not-uuid",
    "the AdvancedMessageID is a serial number, not a UUID",
    "response/envelope-schema",
    "success-invariants/advanced-ids",
)
class AdvancedNotUuid(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.advanced_id is not None:
            ctx.advanced_id = self.state.ids.standard(1)[0]


# -- the 200 envelope ----------------------------------------------------------------------


@fault("success-missing-field", "the 200 lacks Detail.NoOfEmails", "response/envelope-schema")
class MissingField(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        del payload["ResponseData"]["Detail"]["NoOfEmails"]
        return payload


@fault(
    "success-counts-as-integers",
    "the counts are JSON numbers, not strings",
    "response/envelope-schema",
)
class CountsAsIntegers(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        detail["NoOfSMS"] = int(detail["NoOfSMS"])
        return payload


@fault("success-error-not-null", "a 200 carries an empty Error object", "response/envelope-schema")
class ErrorNotNull(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["Error"] = {"ErrorCode": "", "ErrorReason": ""}
        return payload


@fault(
    "result-always-sent", "Result is Sent even for a scheduled message", "success-invariants/result"
)
class AlwaysSent(Behaviour):
    def result(self, ctx: SendContext) -> str:
        return "Sent"


@fault(
    "message-text-ignores-template",
    "MessageText is Content even when a template is used",
    "success-invariants/message-text",
)
class TextIgnoresTemplate(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Detail"]["MessageText"] = str(ctx.body.get("Content", ""))
        return payload


@fault(
    "quick-count-all-recipients",
    "NoOfQuickRecipients counts every recipient",
    "success-invariants/quick-recipient-count",
)
class QuickCountsAll(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Detail"]["NoOfQuickRecipients"] = str(
            len(ctx.sms) + len(ctx.emails)
        )
        return payload


@fault(
    "contacts-count-groups-twice",
    "a contact named directly and by its group counts twice",
    "success-invariants/fixture-counts",
)
class ContactsTwice(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        named = len(ctx.recipients.get("ContactID", {}))
        members = sum(
            len(self.state.account.group(g) or ()) for g in ctx.recipients.get("GroupID", {})
        )
        payload["ResponseData"]["Detail"]["NoOfContacts"] = str(named + members)
        return payload


@fault(
    "emails-case-sensitive",
    "e-mail addresses are de-duplicated case-sensitively",
    "success-invariants/fixture-counts",
)
class EmailsCaseSensitive(Behaviour):
    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        failure = super().check_invalid_recipient(ctx)
        for key in ctx.recipients.get("QuickRecipients", {}):
            if "@" in key and key != key.lower():
                ctx.emails[key] = key
        return failure


@fault(
    "numbers-not-deduplicated",
    "a number reached twice is charged twice",
    "success-invariants/fixture-counts",
    "success-invariants/sms-parts",
    "success-invariants/credits-arithmetic",
)
class NumbersTwice(Behaviour):
    def price(self, ctx: SendContext) -> int:
        quick = [k for k in ctx.recipients.get("QuickRecipients", {}) if k.startswith("+")]
        duplicates = sum(1 for k in quick if k in self._contact_phones(ctx))
        assert ctx.count is not None
        return super().price(ctx) + duplicates * ctx.count.parts

    def _contact_phones(self, ctx: SendContext) -> set[str]:
        account = self.state.account
        return {account.contacts[c].phone or "" for c in ctx.contacts}


@fault(
    "user-id-wrong",
    "Identification.UserId is the client id upper-cased",
    "success-invariants/user-id",
)
class WrongUserId(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Identification"]["UserId"] = "DEMO-USER"
        return payload


@fault(
    "text-json-ignored",
    "Accept: text/json still gets application/json",
    "transport/accept-negotiation",
    "response/media-type",
)
class TextJsonIgnored(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        return "application/json"


# -- error codes ---------------------------------------------------------------------------


@fault(
    "sender-is-validation-error",
    "a bad Sender is ValidationError, not InvalidSender",
    "error-codes/InvalidSender",
)
class SenderValidation(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        failure = super().check_invalid_sender(ctx)
        return replace(failure, code="ValidationError") if failure else None


@fault(
    "business-errors-422",
    "business rules answer 422, not 400",
    "error-codes/NoRecipients",
    "error-codes/UnknownContact",
    "response/documented-status",
)
class Status422(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 400 and failure.code not in (
            "InvalidJson",
            "ValidationError",
            "BadRequest",
        ):
            failure = replace(failure, status=422)
        return super().error_answer(failure, media_type)


@fault(
    "reason-without-field",
    "ErrorReason says only 'Invalid request'",
    "error-codes/InvalidReference",
    "error-codes/UnknownContact",
    "validation/ValidationError",
)
class VagueReason(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 400:
            failure = replace(failure, reason="Invalid request")
        return super().error_answer(failure, media_type)


@fault(
    "validation-lists-first-only",
    "a ValidationError reason names only the first violation",
    "validation/ValidationError-lists-all",
)
class FirstViolationOnly(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        if failure is None:
            return None
        return replace(failure, reason=failure.reason.split(";")[0].split("\n")[0])


@fault(
    "server-error-on-nan",
    "NaN in the body crashes the server (500)",
    "transport/InvalidJson",
    "response/not-a-server-error",
)
class CrashOnNaN(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        if b"NaN" in body:
            raise ValueError("NaN")
        return super().check_json(body, charset)


@fault(
    "server-error-on-emoji-sender",
    "a Sender with an emoji crashes the server",
    "error-codes/InvalidSender",
    "response/not-a-server-error",
)
class CrashOnSender(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if isinstance(sender, str) and not sender.isascii():
            raise RuntimeError("sender")
        if sender == "":
            raise RuntimeError("empty sender")
        return super().check_invalid_sender(ctx)


@fault("reference-limit-63", "a Reference of 64 characters is refused", "acceptance/options")
class ReferenceLimit63(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference) >= 64:
            return self.fail(
                "invalid-reference", f"$.Options.Reference: {len(reference)} characters"
            )
        return None


@fault(
    "sender-12-letters",
    "an alphanumeric Sender of 12 characters is accepted",
    "error-codes/InvalidSender",
)
class Sender12(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if isinstance(sender, str) and len(sender) == 12 and sender.isalnum():
            return None
        return super().check_invalid_sender(ctx)


@fault(
    "expiry-not-checked", "an ExpiryDate before DateToSend is accepted", "error-codes/InvalidExpiry"
)
class ExpiryUnchecked(Behaviour):
    def check_invalid_expiry(self, ctx: SendContext) -> Failure | None:
        return None


@fault(
    "recurring-range-unchecked",
    "Range 1 without OccurrencesEnd is accepted",
    "error-codes/MissingRecurringOptions",
)
class RangeUnchecked(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type == 2 and "RecurringOptions" in ctx.options:
            return None
        return super().check_missing_recurring_options(ctx)


@fault(
    "unknown-contact-ignored",
    "an unknown contact is silently skipped",
    "error-codes/UnknownContact",
)
class UnknownContactIgnored(Behaviour):
    def check_unknown_contact(self, ctx: SendContext) -> Failure | None:
        known = {
            k: v
            for k, v in ctx.recipients.get("ContactID", {}).items()
            if k in self.state.account.contacts
        }
        ctx.body["Contacts"]["ContactID"] = known
        return None


@fault(
    "unknown-group-wrong-code",
    "an unknown group is answered UnknownContact",
    "error-codes/UnknownGroup",
)
class UnknownGroupCode(Behaviour):
    def check_unknown_group(self, ctx: SendContext) -> Failure | None:
        failure = super().check_unknown_group(ctx)
        return replace(failure, code="UnknownContact") if failure else None


@fault(
    "guid-case-sensitive",
    "group and template GUIDs compare case-sensitively",
    "acceptance/guid-case",
)
class GuidCaseSensitive(Behaviour):
    def check_unknown_group(self, ctx: SendContext) -> Failure | None:
        for guid in ctx.recipients.get("GroupID", {}):
            if guid != guid.lower():
                return self.fail("unknown-group", f"$.Contacts.GroupID[{guid!r}]: no such group")
        return super().check_unknown_group(ctx)


@fault(
    "group-member-refused",
    "a group member without the channel is refused, not skipped",
    "acceptance/recipient-resolution",
)
class GroupMemberRefused(Behaviour):
    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in self.state.account.group(guid) or ():
                contact = self.state.account.contacts[member]
                if (channel in (2, 3) and contact.phone is None) or (
                    channel in (1, 3) and contact.email is None
                ):
                    return self.fail("invalid-recipient", f"$.Contacts.GroupID: member {member}")
        return super().check_invalid_recipient(ctx)


@fault(
    "channel-unchecked",
    "an e-mail address asked for by SMS is accepted",
    "error-codes/InvalidRecipient",
)
class ChannelUnchecked(Behaviour):
    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        quick = ctx.body["Contacts"].get("QuickRecipients", {})
        ctx.body["Contacts"]["QuickRecipients"] = {
            k: (0 if (not k.startswith("+") and v in (2, 3)) else v) for k, v in quick.items()
        }
        return super().check_invalid_recipient(ctx)


@fault(
    "empty-content-accepted",
    "an empty Content without a template is accepted",
    "error-codes/NoContent",
)
class EmptyContent(Behaviour):
    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if ctx.body.get("Content") == "":
            return None
        return super().check_no_content(ctx)


@fault(
    "placeholder-left-in-text",
    "a missing placeholder is left as {3} in the text",
    "error-codes/MissingPlaceholder",
)
class PlaceholderLeft(Behaviour):
    def check_missing_placeholder(self, ctx: SendContext) -> Failure | None:
        return None

    def message_text(self, ctx: SendContext) -> str:
        text = self.template_text(ctx)
        if text is None:
            return super().message_text(ctx)
        values = ctx.body["Template"].get("PlaceHolders", {})
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


@fault(
    "order-content-before-recipients",
    "NoContent is checked before the recipients",
    "order/InvalidRecipient-before-NoContent",
    "order/NoRecipients-before-NoContent",
)
class ContentFirst(Behaviour):
    def send(self, ctx: SendContext) -> dict[str, Any] | Failure:
        failure = self.check_no_content(ctx)
        return failure if failure is not None else super().send(ctx)


@fault(
    "order-rule-before-schema",
    "InvalidSender is checked before the rest of the schema",
    "order/ValidationError-before-InvalidSender",
)
class SenderBeforeSchema(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Options"), dict):
            sender = instance["Options"].get("Sender")
            if isinstance(sender, str) and not self.sender_pattern.fullmatch(sender):
                return self.fail("invalid-sender", "$.Options.Sender")
        return super().check_schema(instance)


@fault("null-is-absent", "null is taken for an absent field", "validation/ValidationError")
class NullIsAbsent(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        return _drop_nulls(value) if not isinstance(value, Failure) else value


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


@fault(
    "unknown-properties-refused",
    "an unknown property is a ValidationError",
    "acceptance/unknown-properties",
)
class UnknownRefused(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and "Unknown" in instance:
            return self.fail("schema", "$.Unknown: not allowed")
        return super().check_schema(instance)


@fault(
    "duplicate-keys-first-wins",
    "with duplicate keys the first one wins",
    "transport/duplicate-keys",
)
class FirstWins(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if isinstance(value, Failure):
            return value
        first: dict[str, Any] = {}
        try:
            json.loads(
                body,
                object_pairs_hook=lambda pairs: first.update(dict(reversed(pairs))) or dict(pairs),
            )
        except ValueError:
            return value
        if isinstance(value, dict) and "Content" in first:
            value["Content"] = first["Content"]
        return value


@fault(
    "top-level-array-invalid-json",
    "a top-level array is InvalidJson, not ValidationError",
    "validation/ValidationError",
)
class ArrayInvalidJson(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, list):
            return self.fail("json", "Malformed JSON: not an object")
        return super().check_schema(instance)


# -- HTTP: auth, methods, paths, media types, size -----------------------------------------


@fault(
    "auth-not-enforced", "the send endpoint accepts requests without a token", "auth/Unauthorized"
)
class NoAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        return None


@fault("auth-expired-accepted", "an expired token is accepted", "auth/expired-token")
class ExpiredAccepted(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None and "expired" in failure.reason:
            return None
        return failure


@fault("auth-any-scheme", "any scheme with a known token is accepted", "auth/Unauthorized")
class AnyScheme(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        value = request.header("authorization") or ""
        if value.lower().startswith("basic "):
            return None
        return super().check_auth(request)


@fault("auth-no-challenge", "a 401 without WWW-Authenticate", "response/www-authenticate")
class NoChallenge(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        return replace(failure, headers=()) if failure else None


@fault("auth-403", "a missing token is answered 403", "auth/Unauthorized")
class Forbidden(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None and request.header("authorization") is None:
            return replace(failure, status=403)
        return failure


@fault("method-without-allow", "a 405 without an Allow header", "response/allow-header")
class NoAllow(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return replace(failure, headers=()) if failure else None


@fault("method-is-404", "another method is answered 404", "transport/MethodNotAllowed")
class MethodIs404(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return self.fail("path", "not found") if failure else None


@fault("path-case-sensitive", "paths compare case-sensitively", "transport/path-matching")
class PathCase(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.rstrip("/") != path.rstrip("/").lower() and path.lower().startswith("/api"):
            return self.fail("path", f"path {path} is not known"), None
        return super().check_path(path)


@fault("path-trailing-slash-404", "a trailing slash is a 404", "transport/path-matching")
class TrailingSlash(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.endswith("/") and len(path) > 1:
            return self.fail("path", f"path {path} is not known"), None
        return super().check_path(path)


@fault("size-not-enforced", "a body over 1 MiB is read and accepted", "transport/PayloadTooLarge")
class NoSizeLimit(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_body = 16 * 1024 * 1024


@fault("size-limit-exclusive", "a body of exactly 1 MiB is refused", "transport/PayloadTooLarge")
class SizeExclusive(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_body -= 1


@fault("text-json-refused", "a text/json body gets 415", "transport/media-type")
class TextJsonRefused(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind == "application/json"


@fault(
    "missing-content-type-accepted",
    "a body without Content-Type is taken for JSON",
    "transport/media-type",
)
class NoContentTypeOk(Behaviour):
    def check_media_type(self, request: HttpRequest) -> Failure | None:
        if request.header("content-type") is None:
            return None
        return super().check_media_type(request)

    def check_charset(self, request: HttpRequest) -> str | Failure:
        return "utf-8" if request.header("content-type") is None else super().check_charset(request)


@fault("charset-utf16-refused", "a UTF-16 body gets 415", "transport/media-type")
class Utf16Refused(Behaviour):
    def check_charset(self, request: HttpRequest) -> str | Failure:
        charset = super().check_charset(request)
        if charset in ("utf-16", "utf-32"):
            return self.fail("charset", f"charset {charset}")
        return charset


@fault("charset-latin1-accepted", "a latin-1 body is accepted", "transport/charset")
class Latin1Accepted(Behaviour):
    def check_charset(self, request: HttpRequest) -> str | Failure:
        charset = super().check_charset(request)
        return "latin-1" if isinstance(charset, Failure) else charset


@fault(
    "order-media-type-before-auth",
    "the media type is checked before auth",
    "order/auth-before-media-type",
)
class MediaBeforeAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        return super().check_media_type(request) or super().check_auth(request)


@fault("path-prefix-match", "any path below the send path is taken for it", "transport/NotFound")
class PrefixPath(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.lower().startswith("/api/v2/sms/messages/"):
            path = "/api/v2/sms/messages"
        return super().check_path(path)


@fault(
    "size-only-by-content-length",
    "a chunked body over 1 MiB is read and accepted",
    "transport/PayloadTooLarge",
)
class SizeByHeaderOnly(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.limit = self.max_body

    async def read_body(self, request: HttpRequest) -> bytes | Failure | None:
        declared = self.declared_length(request)
        if declared is not None and declared > self.limit:
            return self.check_size(declared, exact=True)
        self.max_body = 16 * 1024 * 1024
        try:
            return await super().read_body(request)
        finally:
            self.max_body = self.limit


@fault(
    "no-content-despite-template",
    "an empty Content is NoContent even with a template",
    "acceptance/template",
)
class NoContentDespiteTemplate(Behaviour):
    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if ctx.body.get("Content") == "":
            return self.fail("no-content", '$.Content: ""')
        return super().check_no_content(ctx)


@fault(
    "e164-needs-10-digits",
    "numbers of fewer than 10 digits are refused",
    "acceptance/recipient-resolution",
)
class LongNumbersOnly(Behaviour):
    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        for key in ctx.recipients.get("QuickRecipients", {}):
            if key.startswith("+") and len(key) < 11:
                return self.fail("invalid-recipient", f"$.Contacts.QuickRecipients[{key!r}]")
        return super().check_invalid_recipient(ctx)


@fault(
    "order-json-before-size",
    "the body is parsed before its size is checked",
    "order/PayloadTooLarge-before-InvalidJson",
)
class JsonBeforeSize(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.limit, self.max_body = self.max_body, 16 * 1024 * 1024

    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if not isinstance(value, Failure) and len(body) > self.limit:
            return self.fail("size", f"body: {len(body)} bytes")
        return value


@fault(
    "order-auth-before-method",
    "a request without a token gets 401 before 405",
    "order/MethodNotAllowed-before-Unauthorized",
)
class AuthBeforeMethod(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        failure, endpoint = self.check_path(request.path)
        if failure is None and endpoint == "/api/v2/sms/messages":
            auth = self.check_auth(request)
            if auth is not None:
                return self.error_answer(auth, self.negotiate(request))
        return await super().handle(request)


# -- POST /Token ---------------------------------------------------------------------------


@fault("token-cacheable", "token answers lack Cache-Control: no-store", "token/cache-control")
class TokenCacheable(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is None:
            return None
        return replace(answer, headers=tuple(h for h in answer.headers if h[0] != "Cache-Control"))


@fault(
    "token-basic-unsupported", "client credentials by HTTP Basic are refused", "token/token-issued"
)
class NoBasic(Behaviour):
    @staticmethod
    def client_credentials(request: HttpRequest, form: Any) -> tuple[str, str] | str:
        if "client_id" not in form:
            return "invalid_client:no client credentials"
        return form.get("client_id", ""), form.get("client_secret", "")


@fault(
    "token-wrong-error",
    "a wrong secret is invalid_grant, not invalid_client",
    "token/invalid_client",
)
class WrongTokenError(Behaviour):
    def token_error(self, error: str, description: str) -> Answer:
        return super().token_error(
            "invalid_grant" if error == "invalid_client" else error, description
        )


@fault("token-expires-in-seconds-wrong", "expires_in is 3600, not 28800", "token/token-schema")
class ShortToken(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200 and isinstance(answer.payload, dict):
            return replace(answer, payload={**answer.payload, "expires_in": 3600})
        return answer


# -- conforming variants: servers that differ from the mock where the contract leaves room ---


VARIANTS: list[tuple[str, Callable[[MockState], Behaviour]]] = []


def variant(name: str) -> Callable[[type[Behaviour]], type[Behaviour]]:
    def register(cls: type[Behaviour]) -> type[Behaviour]:
        VARIANTS.append((name, cls))
        return cls

    return register


@variant("uuid-message-ids")
class UuidIds(Behaviour):
    """Standard message IDs that are UUIDs rather than serial numbers."""

    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.standard_ids:
            ctx.standard_ids = {
                k: [str(uuid.uuid4()) for _ in v] for k, v in ctx.standard_ids.items()
            }


@variant("reworded-reasons")
class Reworded(Behaviour):
    """Other wording of every reason (each still names its field)."""

    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        return super().error_answer(
            replace(failure, reason="Rejected - " + failure.reason), media_type
        )


@variant("charset-parameter-and-extra-headers")
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


@fault(
    "auth-rejects-issued-tokens",
    "the tokens /Token issues are refused on the send endpoint",
    "token/token-works",
    "acceptance/public-example",
)
class RejectsIssuedTokens(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is None:
            return self.fail(
                "auth", "Authorization: token refused", headers=(("WWW-Authenticate", "Bearer"),)
            )
        return failure


# Further faults of the HTTP edge and auth, of the business rules and of the answers'
# shapes live in their own modules; importing them registers them here (they import
# `fault` and `variant` from this module).
from tests import fault_catalog_fields as _field_faults  # noqa: E402, F401
from tests import fault_catalog_http as _http_faults  # noqa: E402, F401
from tests import fault_catalog_parts as _part_faults  # noqa: E402, F401
from tests import fault_catalog_rules as _rule_faults  # noqa: E402, F401
from tests import fault_catalog_shapes as _shape_faults  # noqa: E402, F401
