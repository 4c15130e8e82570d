"""Faults of the error envelope and the 200's body: fields on every status, reasons that
name the value, the first ten violations, IDs in scheduled and advanced answers.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any, ClassVar

from contract_tests import ids
from mockserver import Behaviour, Failure, Issued, MockState, SendContext
from mockserver.behaviour import _reach
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog
from tests.faults.shapes import BareAnswer

catalog = Catalog()
fault = catalog.fault


# -- the error envelope -----------------------------------------------------------------------


@fault(
    "business-reasons-static",
    "the business rules' ErrorReasons come from a fixed message table: each names the"
    " field but never the offending value ($.Options.Sender: must be 1-11 letters...)",
    ids.REASON_NAMES_VALUE,
    ids.INVALID_SENDER,
    ids.UNKNOWN_CONTACT,
    ids.UNKNOWN_GROUP,
    ids.INVALID_RECIPIENT,
    ids.UNKNOWN_TEMPLATE,
    ids.INVALID_REFERENCE,
    ids.INVALID_EXPIRY,
)
class StaticReasons(Behaviour):
    TABLE: ClassVar[dict[str, str]] = {
        "NoRecipients": "$.Contacts: at least one recipient is required",
        "UnknownContact": "$.Contacts.ContactID: the contact does not exist",
        "UnknownGroup": "$.Contacts.GroupID: the group does not exist",
        "InvalidRecipient": "$.Contacts: a QuickRecipients or ContactID entry cannot be"
        " reached on its channel",
        "NoContent": "$.Content: required when there is no Template",
        "UnknownTemplate": "$.Template.ID: the template does not exist",
        "MissingPlaceholder": "$.Template.PlaceHolders: a placeholder of the template has no value",
        "InvalidSender": "$.Options.Sender: must be 1-11 letters, digits or spaces, or 1-15 digits",
        "InvalidReference": "$.Options.Reference: at most 64 characters",
        "InvalidExpiry": "$.Options.ExpiryDate: must be after DateToSend",
        "MissingRecurringOptions": "$.Options.RecurringOptions: required for a recurring message",
    }

    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.code in self.TABLE:
            failure = replace(failure, reason=self.TABLE[failure.code])
        return super().error_answer(failure, media_type)


@fault(
    "validation-reason-uncapped",
    "a ValidationError reason lists every violation (no cap at the first ten): a body with"
    " thousands of bad keys gets a reason of hundreds of kilobytes",
    ids.VALIDATION_FIRST_LISTED,
    ids.VALIDATION_REASON,
    ids.VALIDATION_LISTS_ALL,
)
class ValidationUncapped(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        validator = self.state.validator
        violations = validator.violations(instance)
        if not violations:
            return None
        return self.fail("schema", "; ".join(v.render() for v in violations))


@fault(
    "error-code-as-integer",
    "ErrorCode is written as the enum's integer (JSON writes enums as integers)",
    ids.ENVELOPE_SCHEMA,
)
class ErrorCodeInteger(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        answer = super().error_answer(failure, media_type)
        codes = [e["code"] for e in self.state.contract["errorCodes"]]
        payload = copy.deepcopy(answer.payload)
        payload["Error"]["ErrorCode"] = codes.index(failure.code)
        return replace(answer, payload=payload)


@fault(
    "camel-case-error-envelope",
    "error answers come from an exception filter that uses the framework's camelCase"
    ' serializer: {"error": {"errorCode": ...}, "responseData": null}',
    ids.ENVELOPE_SCHEMA,
)
class CamelCaseErrors(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        answer = super().error_answer(failure, media_type)
        payload = {
            "error": {"errorCode": failure.code, "errorReason": failure.reason},
            "responseData": None,
        }
        return replace(answer, payload=payload)


@fault(
    "unauthorised-spelling",
    "the 401's ErrorCode is spelled 'Unauthorised' (British English)",
    ids.ENVELOPE_SCHEMA,
    ids.AUTH_UNAUTHORIZED,
)
class UnauthorisedSpelling(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.code == "Unauthorized":
            failure = replace(failure, code="Unauthorised")
        return super().error_answer(failure, media_type)


@fault(
    "validation-error-422",
    "schema violations are answered 422 (the framework's model validation), not 400",
    ids.VALIDATION_ERROR,
    ids.CODE_STATUS,
)
class Validation422(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        return replace(failure, status=422) if failure is not None else None


@fault(
    "insufficient-credits-with-data",
    "a 402 carries ResponseData with the account and its balance instead of null",
    ids.ENVELOPE_SCHEMA,
)
class InsufficientWithData(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        answer = super().error_answer(failure, media_type)
        if failure.status != 402:
            return answer
        payload = copy.deepcopy(answer.payload)
        payload["ResponseData"] = {
            "Identification": {"UserId": self.state.account.user_id},
            "Result": "Rejected",
            "Balance": str(self.state.ledger.balance),
        }
        return replace(answer, payload=payload)


@fault(
    "warning-in-error-on-200",
    "a 200 where a group member was skipped (no asked channel) carries a warning in Error"
    " ({ErrorCode: InvalidRecipient, ...}) instead of Error null",
    ids.ENVELOPE_SCHEMA,
    ids.ACCEPT_RECIPIENT_RESOLUTION,
)
class WarningOn200(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        skipped = []
        account = self.state.account
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                contact = account.contacts[member]
                phones, emails = _reach(contact.phone, contact.email, int(channel))
                if not phones and not emails:
                    skipped.append(member)
        if skipped:
            payload["Error"] = {
                "ErrorCode": "InvalidRecipient",
                "ErrorReason": f"group members {', '.join(skipped)} skipped: no asked channel",
            }
        return payload


@fault(
    "token-405-empty-body",
    "another method on /Token gets the framework's bare 405 (Allow: POST, no body, no"
    " Content-Type), not the envelope with MethodNotAllowed",
    ids.METHOD_NOT_ALLOWED,
    ids.ENVELOPE_SCHEMA,
    ids.RESPONSE_MEDIA_TYPE,
)
class Token405Bare(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        if self.normalise_path(request.path) == "/token" and request.method.upper() != "POST":
            return BareAnswer(405, b"", "", (("Allow", "POST"),))
        return await super().handle(request)


# -- the 200's body ---------------------------------------------------------------------------


@fault(
    "ids-null-when-scheduled",
    "a Scheduled message (future DateToSend or Type 2) has Detail.IDs null: IDs are"
    " assigned when it is sent",
    ids.ENVELOPE_SCHEMA,
)
class IdsNullScheduled(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        if ctx.result == "Scheduled":
            payload["ResponseData"]["Detail"]["IDs"] = None
        return payload


@fault(
    "standard-ids-empty-lists-when-scheduled",
    "a Scheduled Standard message maps each number to an empty list of IDs (issued later)",
    ids.SUCCESS_SMS_PARTS,
    ids.STANDARD_IDS,
)
class StandardIdsEmptyScheduled(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if ctx.type == 1 and ctx.result == "Scheduled":
            return replace(issued, standard={number: [] for number in ctx.reach.sms})
        return issued


@fault(
    "recurring-advanced-id-null",
    "a Recurring message (Type 2) has AdvancedMessageID null (its ID comes with the first"
    " occurrence)",
    ids.SUCCESS_ADVANCED_IDS,
)
class RecurringNoAdvancedId(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        return replace(issued, advanced=None) if ctx.type == 2 else issued


@fault(
    "standard-email-only-gets-advanced-id",
    "a Standard message that reaches only e-mail addresses (no SMS number) is given an"
    " AdvancedMessageID instead of null",
    ids.STANDARD_IDS,
)
class StandardEmailOnlyAdvanced(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if ctx.type == 1 and not ctx.reach.sms:
            return replace(issued, advanced=self.state.ids.advanced())
        return issued


@fault(
    "standard-ids-as-numbers",
    "the StandardMessageIDs are JSON numbers (database keys), not strings",
    ids.ENVELOPE_SCHEMA,
)
class IdsAsNumbers(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        ids = payload["ResponseData"]["Detail"]["IDs"]
        ids["StandardMessageIDs"] = {
            k: [int(i) for i in v] for k, v in ids["StandardMessageIDs"].items()
        }
        return payload


@fault(
    "identical-request-replayed",
    "an idempotency cache keyed on the body answers a request identical to an earlier"
    " one with the earlier answer (same IDs, same balance), sending nothing",
    ids.UNIQUE_IDS,
    ids.LEDGER_CONTINUITY,
)
class Replayed(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.cache: dict[str, Any] = {}

    def send(self, ctx: SendContext) -> dict[str, Any] | Failure:
        key = json.dumps(ctx.body, sort_keys=True)
        if key in self.cache:
            cached: dict[str, Any] = copy.deepcopy(self.cache[key])
            return cached
        outcome = super().send(ctx)
        if not isinstance(outcome, Failure):
            self.cache[key] = copy.deepcopy(outcome)
        return outcome
