"""Faults of the error codes: which code and status a refused request gets, reasons that
name the field, crashes (500) on odd input, the JSON reader's edge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, Reach, SendContext
from mockserver.http import Answer
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


@fault(
    "sender-is-validation-error",
    "a bad Sender is ValidationError, not InvalidSender",
    ids.INVALID_SENDER,
)
class SenderValidation(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        failure = super().check_invalid_sender(ctx)
        return replace(failure, code="ValidationError") if failure else None


@fault(
    "business-errors-422",
    "business rules answer 422, not 400",
    ids.NO_RECIPIENTS,
    ids.UNKNOWN_CONTACT,
    ids.DOCUMENTED_STATUS,
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
    ids.INVALID_REFERENCE,
    ids.UNKNOWN_CONTACT,
    ids.VALIDATION_ERROR,
)
class VagueReason(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 400:
            failure = replace(failure, reason="Invalid request")
        return super().error_answer(failure, media_type)


@fault(
    "validation-lists-first-only",
    "a ValidationError reason names only the first violation",
    ids.VALIDATION_LISTS_ALL,
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
    ids.INVALID_JSON,
    ids.NOT_A_SERVER_ERROR,
)
class CrashOnNaN(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        if b"NaN" in body:
            raise ValueError("NaN")
        return super().check_json(body, charset)


@fault(
    "server-error-on-emoji-sender",
    "a Sender with an emoji crashes the server",
    ids.INVALID_SENDER,
    ids.NOT_A_SERVER_ERROR,
)
class CrashOnSender(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if isinstance(sender, str) and not sender.isascii():
            raise RuntimeError("sender")
        if sender == "":
            raise RuntimeError("empty sender")
        return super().check_invalid_sender(ctx)


@fault("reference-limit-63", "a Reference of 64 characters is refused", ids.ACCEPT_OPTIONS)
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
    ids.INVALID_SENDER,
)
class Sender12(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if isinstance(sender, str) and len(sender) == 12 and sender.isalnum():
            return None
        return super().check_invalid_sender(ctx)


@fault("expiry-not-checked", "an ExpiryDate before DateToSend is accepted", ids.INVALID_EXPIRY)
class ExpiryUnchecked(Behaviour):
    def check_invalid_expiry(self, ctx: SendContext) -> Failure | None:
        return None


@fault(
    "recurring-range-unchecked",
    "Range 1 without OccurrencesEnd is accepted",
    ids.MISSING_RECURRING_OPTIONS,
)
class RangeUnchecked(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type == 2 and "RecurringOptions" in ctx.options:
            return None
        return super().check_missing_recurring_options(ctx)


@fault(
    "unknown-contact-ignored",
    "an unknown contact is silently skipped",
    ids.UNKNOWN_CONTACT,
)
class UnknownContactIgnored(Behaviour):
    def check_unknown_contact(self, ctx: SendContext) -> Failure | None:
        return None  # and `resolve` skips a contact not on the account


@fault(
    "unknown-group-wrong-code",
    "an unknown group is answered UnknownContact",
    ids.UNKNOWN_GROUP,
)
class UnknownGroupCode(Behaviour):
    def check_unknown_group(self, ctx: SendContext) -> Failure | None:
        failure = super().check_unknown_group(ctx)
        return replace(failure, code="UnknownContact") if failure else None


@fault(
    "guid-case-sensitive",
    "group and template GUIDs compare case-sensitively",
    ids.ACCEPT_GUID_CASE,
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
    ids.ACCEPT_RECIPIENT_RESOLUTION,
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
    "duplicate-recipient-refused",
    "a quick recipient that a contact or group named in the same request also reaches is"
    " refused as InvalidRecipient ('already a recipient'), not sent once",
    ids.ACCEPT_DE_DUPLICATION,
)
class DuplicateRecipientRefused(Behaviour):
    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        named = {k: v for k, v in ctx.recipients.items() if k != "QuickRecipients"}
        reach = self.resolve(named)
        if isinstance(reach, Failure):  # a named recipient is refused anyway
            return super().check_invalid_recipient(ctx)
        for key in ctx.recipients.get("QuickRecipients", {}):
            if key in reach.sms or key.lower() in reach.emails:
                return self.fail(
                    "invalid-recipient", f"$.Contacts.QuickRecipients[{key!r}]: already a recipient"
                )
        return super().check_invalid_recipient(ctx)


@fault(
    "channel-unchecked",
    "an e-mail address asked for by SMS is accepted",
    ids.INVALID_RECIPIENT,
)
class ChannelUnchecked(Behaviour):
    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        quick = {
            k: (0 if (not k.startswith("+") and v in (2, 3)) else v)
            for k, v in recipients.get("QuickRecipients", {}).items()
        }
        return super().resolve({**recipients, "QuickRecipients": quick})


@fault(
    "empty-content-accepted",
    "an empty Content without a template is accepted",
    ids.NO_CONTENT,
)
class EmptyContent(Behaviour):
    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if ctx.body.get("Content") == "":
            return None
        return super().check_no_content(ctx)


@fault(
    "placeholder-left-in-text",
    "a missing placeholder is left as {3} in the text",
    ids.MISSING_PLACEHOLDER,
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
    ids.order_rule(ids.INVALID_RECIPIENT, ids.NO_CONTENT),
    ids.order_rule(ids.NO_RECIPIENTS, ids.NO_CONTENT),
)
class ContentFirst(Behaviour):
    def send(self, ctx: SendContext) -> dict[str, Any] | Failure:
        failure = self.check_no_content(ctx)
        return failure if failure is not None else super().send(ctx)


@fault(
    "order-rule-before-schema",
    "InvalidSender is checked before the rest of the schema",
    ids.order_rule(ids.VALIDATION_ERROR, ids.INVALID_SENDER),
)
class SenderBeforeSchema(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Options"), dict):
            sender = instance["Options"].get("Sender")
            if isinstance(sender, str) and not self.sender_pattern.fullmatch(sender):
                return self.fail("invalid-sender", "$.Options.Sender")
        return super().check_schema(instance)


@fault("null-is-absent", "null is taken for an absent field", ids.VALIDATION_ERROR)
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
    ids.ACCEPT_UNKNOWN_PROPERTIES,
)
class UnknownRefused(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and "Unknown" in instance:
            return self.fail("schema", "$.Unknown: not allowed")
        return super().check_schema(instance)


@fault(
    "duplicate-keys-first-wins",
    "with duplicate keys the first one wins",
    ids.DUPLICATE_KEYS,
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
    ids.VALIDATION_ERROR,
)
class ArrayInvalidJson(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, list):
            return self.fail("json", "Malformed JSON: not an object")
        return super().check_schema(instance)
