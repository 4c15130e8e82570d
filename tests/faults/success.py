"""Faults of the 200 answer: the envelope's fields, Result across offsets and eras, the
message text, the Detail counts, the user id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, Reach, SendContext
from mockserver.http import HttpRequest
from mockserver.instants import instant_of, parse_instant
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


@fault("success-missing-field", "the 200 lacks Detail.NoOfEmails", ids.ENVELOPE_SCHEMA)
class MissingField(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        del payload["ResponseData"]["Detail"]["NoOfEmails"]
        return payload


@fault(
    "success-counts-as-integers",
    "the counts are JSON numbers, not strings",
    ids.ENVELOPE_SCHEMA,
)
class CountsAsIntegers(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        detail["NoOfSMS"] = int(detail["NoOfSMS"])
        return payload


@fault("success-error-not-null", "a 200 carries an empty Error object", ids.ENVELOPE_SCHEMA)
class ErrorNotNull(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["Error"] = {"ErrorCode": "", "ErrorReason": ""}
        return payload


@fault("result-always-sent", "Result is Sent even for a scheduled message", ids.SUCCESS_RESULT)
class AlwaysSent(Behaviour):
    def result(self, ctx: SendContext) -> str:
        return "Sent"


@fault(
    "message-text-ignores-template",
    "MessageText is Content even when a template is used",
    ids.MESSAGE_TEXT,
)
class TextIgnoresTemplate(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Detail"]["MessageText"] = str(ctx.body.get("Content", ""))
        return payload


@fault(
    "quick-count-all-recipients",
    "NoOfQuickRecipients counts every recipient",
    ids.QUICK_RECIPIENT_COUNT,
)
class QuickCountsAll(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Detail"]["NoOfQuickRecipients"] = str(
            len(ctx.reach.sms) + len(ctx.reach.emails)
        )
        return payload


@fault(
    "contacts-count-groups-twice",
    "a contact named directly and by its group counts twice",
    ids.FIXTURE_COUNTS,
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
    ids.FIXTURE_COUNTS,
)
class EmailsCaseSensitive(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        reach = super().resolve(recipients)
        if isinstance(reach, Failure):
            return reach
        quick = recipients.get("QuickRecipients", {})
        spelt = {k: k for k in quick if "@" in k and k != k.lower()}
        return reach.joined(Reach(emails=spelt))


@fault(
    "numbers-not-deduplicated",
    "a number reached twice is charged twice",
    ids.FIXTURE_COUNTS,
    ids.SUCCESS_SMS_PARTS,
    ids.CREDITS_ARITHMETIC,
)
class NumbersTwice(Behaviour):
    def price(self, ctx: SendContext) -> int:
        quick = [k for k in ctx.recipients.get("QuickRecipients", {}) if k.startswith("+")]
        duplicates = sum(1 for k in quick if k in self._contact_phones(ctx))
        assert ctx.count is not None
        return super().price(ctx) + duplicates * ctx.count.parts

    def _contact_phones(self, ctx: SendContext) -> set[str]:
        account = self.state.account
        return {account.contacts[c].phone or "" for c in ctx.reach.contacts}


@fault(
    "user-id-wrong",
    "Identification.UserId is the client id upper-cased",
    ids.USER_ID,
)
class WrongUserId(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        payload["ResponseData"]["Identification"]["UserId"] = "DEMO-USER"
        return payload


@fault(
    "text-json-ignored",
    "Accept: text/json still gets application/json",
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
)
class TextJsonIgnored(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        return "application/json"


# -- Result across offsets and eras -------------------------------------------------------

RESULT = (ids.SUCCESS_RESULT,)


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


# -- the Detail counts --------------------------------------------------------------------

COUNTS = (ids.QUICK_RECIPIENT_COUNT,)


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
        for number in ctx.reach.contacts:
            contact = account.contacts[number]
            reached |= {v.lower() for v in (contact.phone, contact.email) if v}
        quick = ctx.recipients.get("QuickRecipients", {})
        n = sum(1 for k in quick if k.lower() not in reached)
        return _set_detail(super().build_success(ctx), "NoOfQuickRecipients", n)


@fault(
    "contacts-count-quick-numbers-in-book",
    "a quick recipient whose number or address belongs to an address-book contact counts"
    " in NoOfContacts",
    ids.FIXTURE_COUNTS,
)
class ContactsCountQuickInBook(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        account = self.state.account
        quick = {k.lower() for k in ctx.recipients.get("QuickRecipients", {})}
        found = set(ctx.reach.contacts)
        for number, contact in account.contacts.items():
            if {v.lower() for v in (contact.phone, contact.email) if v} & quick:
                found.add(number)
        return _set_detail(super().build_success(ctx), "NoOfContacts", len(found))


@fault(
    "contacts-count-skipped-members",
    "NoOfContacts counts every member of a named group, even those skipped for lacking the"
    " asked channel",
    ids.FIXTURE_COUNTS,
)
class ContactsCountSkipped(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        found = set(ctx.reach.contacts)
        for guid in ctx.recipients.get("GroupID", {}):
            found |= set(self.state.account.group(guid) or ())
        return _set_detail(super().build_success(ctx), "NoOfContacts", len(found))


@fault(
    "contacts-count-per-channel",
    "NoOfContacts counts deliveries: a contact reached by SMS and e-mail (channel 3) counts twice",
    ids.FIXTURE_COUNTS,
)
class ContactsPerChannel(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        account = self.state.account
        n, reach = 0, ctx.reach
        for number in reach.contacts:
            contact = account.contacts[number]
            both = contact.phone in reach.sms and (contact.email or "").lower() in reach.emails
            n += 2 if both else 1
        return _set_detail(super().build_success(ctx), "NoOfContacts", n)


# -- Result on the advanced path and with 7 digits ----------------------------------------


@fault(
    "result-advanced-future-sent",
    "an Advanced message (Type 0) with a future DateToSend says Sent (Result is worked out "
    "only on the Standard path)",
    ids.SUCCESS_RESULT,
)
class ResultAdvancedSent(Behaviour):
    def result(self, ctx: SendContext) -> str:
        return "Sent" if ctx.type == 0 else super().result(ctx)


@fault(
    "result-7-digits-sent-now",
    "a DateToSend with 7 fractional digits does not parse in the scheduler and is sent now "
    "(Result Sent even when it is in the future)",
    ids.SUCCESS_RESULT,
)
class Result7Digits(Behaviour):
    def result(self, ctx: SendContext) -> str:
        when = ctx.options.get("DateToSend")
        if ctx.type != 2 and isinstance(when, str) and re.search(r"\.\d{7,}", when):
            return "Sent"
        return super().result(ctx)
