"""Faults of the business rules: recipient resolution and de-duplication across the maps,
channel 0, template rendering, the Sender, Reference and expiry rules, ignored
RecurringOptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, Reach, SendContext
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")


def _phones_reached(account: Any, number: str, channel: int) -> tuple[str, ...]:
    contact = account.contacts[number]
    if channel == 0:
        return (contact.phone,) if contact.phone else ()
    return (contact.phone,) if contact.phone and channel in (2, 3) else ()


def _emails_reached(account: Any, number: str, channel: int) -> tuple[str, ...]:
    contact = account.contacts[number]
    if channel == 0:
        return () if contact.phone else ((contact.email,) if contact.email else ())
    return (contact.email,) if contact.email and channel in (1, 3) else ()


# -- recipients ------------------------------------------------------------------------------


@fault(
    "email-plus-tag-is-phone",
    "a quick recipient is taken for a phone number when its key contains '+', so an "
    "address like a+tag@example.com is sent an SMS (channel 0) or refused (channel 1)",
    ids.ACCEPT_RECIPIENT_RESOLUTION,
    ids.FIXTURE_COUNTS,
    ids.PROPERTY_VALID_REQUESTS_ACCEPTED,
)
class EmailPlusTagIsPhone(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        quick = dict(recipients.get("QuickRecipients", {}))
        tagged = {k: v for k, v in quick.items() if "+" in k and not k.startswith("+")}
        if not tagged:
            return super().resolve(recipients)
        for key, channel in tagged.items():
            if channel in (1, 3):
                return self.fail(
                    "invalid-recipient",
                    f"$.Contacts.QuickRecipients[{key!r}]: channel {channel} cannot reach a "
                    "phone number",
                )
        rest = super().resolve(
            {**recipients, "QuickRecipients": {k: v for k, v in quick.items() if k not in tagged}}
        )
        if isinstance(rest, Failure):
            return rest
        return Reach(sms=dict.fromkeys(tagged)).joined(rest)


@fault(
    "emails-group-case-sensitive",
    "a group member's address is de-duplicated against the quick recipients case-sensitively "
    "(ANN@EXAMPLE.COM as quick recipient plus the group with ann@example.com: 2 e-mails)",
    ids.FIXTURE_COUNTS,
)
class EmailsGroupCaseSensitive(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        reach = super().resolve(recipients)
        if isinstance(reach, Failure):
            return reach
        account = self.state.account
        given = {k for k in recipients.get("QuickRecipients", {}) if not k.startswith("+")}
        for number, channel in recipients.get("ContactID", {}).items():
            given.update(_emails_reached(account, number, int(channel)))
        twice: dict[str, str] = {}
        for guid, channel in recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                for address in _emails_reached(account, member, int(channel)):
                    folded = {g.lower() for g in given}
                    if address not in given and address.lower() in folded:
                        # the exact spelling is new: a second e-mail to the same address
                        twice.setdefault(address + "\x00group", address)
                    given.add(address)
        return reach.joined(Reach(emails=twice))


@fault(
    "numbers-quick-vs-group-not-deduped",
    "a group member's number is de-duplicated against contacts and other groups but not "
    "against the quick recipients: it is charged twice",
    ids.FIXTURE_COUNTS,
    ids.SUCCESS_SMS_PARTS,
    ids.STANDARD_IDS,
)
class NumbersQuickVsGroup(Behaviour):
    def price(self, ctx: SendContext) -> int:
        account = self.state.account
        quick = {k for k in ctx.recipients.get("QuickRecipients", {}) if k.startswith("+")}
        by_contacts: set[str] = set()
        for number, channel in ctx.recipients.get("ContactID", {}).items():
            by_contacts.update(_phones_reached(account, number, int(channel)))
        by_groups: set[str] = set()
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                by_groups.update(_phones_reached(account, member, int(channel)))
        twice = len((by_groups - by_contacts) & quick)
        assert ctx.count is not None
        return super().price(ctx) + twice * ctx.count.parts


@fault(
    "emails-contact-vs-group-not-deduped",
    "an address reached by a contact named directly and again through its group counts "
    "twice in NoOfEmails",
    ids.FIXTURE_COUNTS,
)
class EmailsContactVsGroup(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        account = self.state.account
        direct: set[str] = set()
        for number, channel in ctx.recipients.get("ContactID", {}).items():
            direct.update(a.lower() for a in _emails_reached(account, number, int(channel)))
        via_groups: set[str] = set()
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                via_groups.update(a.lower() for a in _emails_reached(account, member, int(channel)))
        detail = payload["ResponseData"]["Detail"]
        detail["NoOfEmails"] = str(len(ctx.reach.emails) + len(direct & via_groups))
        return payload


@fault(
    "group-default-channel-sms-only",
    "channel 0 on a group reaches members by SMS only: a member with only an e-mail "
    "address is skipped instead of e-mailed",
    ids.FIXTURE_COUNTS,
    ids.ACCEPT_RECIPIENT_RESOLUTION,
)
class GroupDefaultSmsOnly(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        groups = {g: (2 if int(c) == 0 else c) for g, c in recipients.get("GroupID", {}).items()}
        return super().resolve({**recipients, "GroupID": groups} if groups else recipients)


@fault(
    "contact-default-channel-both",
    "channel 0 on a contact that has a number and an address sends both an SMS and an e-mail",
    ids.FIXTURE_COUNTS,
)
class ContactDefaultBoth(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        contacts = self.state.account.contacts
        named = {
            n: (
                3
                if int(c) == 0 and n in contacts and contacts[n].phone and contacts[n].email
                else c
            )
            for n, c in recipients.get("ContactID", {}).items()
        }
        return super().resolve({**recipients, "ContactID": named} if named else recipients)


@fault(
    "contact-channel-3-partial",
    "channel 3 on a contact named directly that has only one of number and address sends "
    "on the one it has instead of InvalidRecipient",
    ids.INVALID_RECIPIENT,
    ids.ACCEPTED_INVALID,
)
class ContactChannel3Partial(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        contacts = self.state.account.contacts

        def fixed(number: str, channel: Any) -> Any:
            contact = contacts.get(number)
            if int(channel) != 3 or contact is None:
                return channel
            if contact.phone and not contact.email:
                return 2
            if contact.email and not contact.phone:
                return 1
            return channel

        named = {n: fixed(n, c) for n, c in recipients.get("ContactID", {}).items()}
        return super().resolve({**recipients, "ContactID": named} if named else recipients)


# -- content and templates -----------------------------------------------------------------


@fault(
    "placeholders-by-position",
    "placeholder values are used in the order the client wrote them, matched to the "
    "placeholders in the order they appear in the text (not by number)",
    ids.MESSAGE_TEXT,
)
class PlaceholdersByPosition(Behaviour):
    def message_text(self, ctx: SendContext) -> str:
        text = self.template_text(ctx)
        if text is None:
            return super().message_text(ctx)
        values = list(ctx.body["Template"].get("PlaceHolders", {}).values())
        order: list[str] = []
        for number in _PLACEHOLDER.findall(text):
            if number not in order:
                order.append(number)
        by_number = {n: (values[i] if i < len(values) else "") for i, n in enumerate(order)}
        return _PLACEHOLDER.sub(lambda m: str(by_number[m.group(1)]), text)


@fault(
    "template-guid-case-sensitive",
    "template IDs compare case-sensitively (an upper-case GUID is UnknownTemplate)",
    ids.ACCEPT_GUID_CASE,
)
class TemplateGuidCase(Behaviour):
    def check_unknown_template(self, ctx: SendContext) -> Failure | None:
        template = ctx.body.get("Template")
        guid = template.get("ID") if isinstance(template, dict) else None
        if isinstance(guid, str) and guid != guid.lower():
            return self.fail("unknown-template", f"$.Template.ID: {guid!r} is no template")
        return super().check_unknown_template(ctx)


@fault(
    "order-template-before-recipients",
    "the template (UnknownTemplate, MissingPlaceholder) is loaded and checked before the "
    "recipients are resolved",
    ids.order_rule(ids.UNKNOWN_CONTACT, ids.UNKNOWN_TEMPLATE),
)
class TemplateBeforeRecipients(Behaviour):
    def rule_methods(self) -> list[Callable[[SendContext], Failure | None]]:
        methods = super().rule_methods()
        first = [
            m
            for m in methods
            if m.__name__ in ("check_unknown_template", "check_missing_placeholder")
        ]
        return first + [m for m in methods if m not in first]


@fault(
    "content-trimmed",
    "Content is trimmed of leading and trailing white space before it is sent and counted",
    ids.MESSAGE_TEXT,
)
class ContentTrimmed(Behaviour):
    def message_text(self, ctx: SendContext) -> str:
        text = super().message_text(ctx)
        return text.strip() if self.template_text(ctx) is None else text


# -- options ---------------------------------------------------------------------------------


@fault(
    "sender-no-letter-accepted",
    "an alphanumeric Sender needs only a non-blank character, not a letter: '12 34' is accepted",
    ids.INVALID_SENDER,
    ids.ACCEPTED_INVALID,
)
class SenderNoLetter(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if (
            isinstance(sender, str)
            and re.fullmatch(r"[A-Za-z0-9 ]{1,11}", sender)
            and sender.strip()
        ):
            return None
        return super().check_invalid_sender(ctx)


@fault(
    "reference-counts-utf8-bytes",
    "Reference is limited to 64 UTF-8 bytes, so 64 accented characters are InvalidReference",
    ids.ACCEPT_OPTIONS,
    ids.PROPERTY_VALID_REQUESTS_ACCEPTED,
)
class ReferenceBytes(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference.encode("utf-8")) > self.reference_max:
            return self.fail(
                "invalid-reference",
                f"$.Options.Reference: {len(reference.encode())} bytes, "
                f"at most {self.reference_max}",
            )
        return super().check_invalid_reference(ctx)


def _drop_offset(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return re.sub(r"([Zz]|[+-]\d{2}:\d{2})$", "+00:00", value)


@fault(
    "expiry-ignores-offset",
    "ExpiryDate and DateToSend are compared as wall-clock times, ignoring their UTC offsets",
    ids.INVALID_EXPIRY,
    ids.ACCEPTED_INVALID,
)
class ExpiryIgnoresOffset(Behaviour):
    def check_invalid_expiry(self, ctx: SendContext) -> Failure | None:
        options = ctx.options
        if "ExpiryDate" not in options or "DateToSend" not in options:
            return super().check_invalid_expiry(ctx)
        wall_clock = {
            **options,
            "DateToSend": _drop_offset(options["DateToSend"]),
            "ExpiryDate": _drop_offset(options["ExpiryDate"]),
        }
        # The rule judged on a request of its own, with the offsets dropped.
        return super().check_invalid_expiry(
            SendContext({**ctx.body, "Options": wall_clock}, ctx.now)
        )


@fault(
    "recurring-options-checked-when-not-recurring",
    "RecurringOptions are checked for every Type: a Standard message whose (ignored) "
    "RecurringOptions have Range 1 and no OccurrencesEnd is MissingRecurringOptions",
    ids.ACCEPT_OPTIONS,
)
class RecurringCheckedAlways(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type != 2 and isinstance(ctx.options.get("RecurringOptions"), dict):
            recurring = ctx.options["RecurringOptions"]
            end = recurring.get("Range", 0)
            if end == 1 and "OccurrencesEnd" not in recurring:
                return self.fail(
                    "missing-recurring-options",
                    "$.Options.RecurringOptions.OccurrencesEnd: required when Range is 1",
                )
            if end == 2 and "ExpiryDate" not in ctx.options:
                return self.fail(
                    "missing-recurring-options",
                    "$.Options.ExpiryDate: required when RecurringOptions.Range is 2",
                )
        return super().check_missing_recurring_options(ctx)


@fault(
    "schedule-days-zero-refused",
    "PatternScheduleDays 0 (every day) is refused as MissingRecurringOptions (no day chosen)",
    ids.ACCEPT_RESULT,
)
class ScheduleDaysZero(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        recurring = ctx.options.get("RecurringOptions")
        if (
            ctx.type == 2
            and isinstance(recurring, dict)
            and recurring.get("PatternScheduleDays") == 0
        ):
            return self.fail(
                "missing-recurring-options",
                "$.Options.RecurringOptions.PatternScheduleDays: 0 chooses no day",
            )
        return super().check_missing_recurring_options(ctx)
