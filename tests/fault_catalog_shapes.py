"""More broken variants of the mock, in the shape of its answers: the envelope and its
fields on every status, text/json on every status and with q-values, HEAD, UTF-8 without a
byte order mark, Content-Length, reasons that name the value, the first ten violations,
the token endpoint's JSON, token lifetimes across tokens; and conforming variants that
differ from the mock where the contract leaves room.

Registered into `tests.fault_catalog.FAULTS` and `VARIANTS` (which import this module).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import urlencode

from mockserver import Behaviour, Failure, MockState, SendContext
from mockserver.behaviour import _reach
from mockserver.http import Answer, HttpRequest, Send, encode_json
from tests.fault_catalog import fault, variant

SEND = "/api/v2/sms/messages"


# -- answers written differently ------------------------------------------------------------


def rewrap(answer: Answer | None, cls: type[Answer], **changes: Any) -> Answer | None:
    """The same answer, written by another Answer class (and with `changes`)."""
    if answer is None:
        return None
    fields = {
        "status": answer.status,
        "payload": answer.payload,
        "media_type": answer.media_type,
        "headers": answer.headers,
    }
    fields.update(changes)
    return cls(**fields)


class BomAnswer(Answer):
    """UTF-8 JSON preceded by a byte order mark (a .NET StreamWriter with Encoding.UTF8)."""

    __slots__ = ()

    def encode(self) -> bytes:
        return b"\xef\xbb\xbf" + super().encode()


class CharsetAnswer(Answer):
    """JSON in another encoding, labelled with it (`media_type` carries the charset)."""

    __slots__ = ()
    codec = "utf-16"

    def encode(self) -> bytes:
        return super().encode().decode("ascii").encode(self.codec)


def charset_answer(codec: str) -> type[CharsetAnswer]:
    return type(f"{codec}Answer", (CharsetAnswer,), {"__slots__": (), "codec": codec})


class RawTextAnswer(Answer):
    """JSON with non-ASCII characters written raw (not \\u-escaped) in `codec`, whose
    Content-Length counts characters (`by_chars`) or bytes."""

    __slots__ = ()
    codec = "utf-8"
    by_chars = False
    errors = "strict"

    def text(self) -> str:
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":"))

    def encode(self) -> bytes:
        try:
            return self.text().encode(self.codec, self.errors)
        except UnicodeEncodeError:  # a lone surrogate: escaped, as the mock writes it
            return encode_json(self.payload)

    async def send(self, send: Send) -> None:
        body = self.encode()
        try:
            text = self.text()
            text.encode("utf-8")
            length = len(text) if self.by_chars else len(body)
        except UnicodeEncodeError:
            length = len(body)
        headers = [
            (b"content-type", self.media_type.encode("latin-1")),
            (b"content-length", b"%d" % length),
        ]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class CharLengthAnswer(RawTextAnswer):
    __slots__ = ()
    by_chars = True


class Latin1Answer(RawTextAnswer):
    __slots__ = ()
    codec = "latin-1"
    errors = "replace"


class BareAnswer(Answer):
    """An answer with exactly the given body bytes (`payload`) and headers, no Content-Type
    unless given (a framework's default answer)."""

    __slots__ = ()

    async def send(self, send: Send) -> None:
        body = self.payload if isinstance(self.payload, bytes) else b""
        headers = [(b"content-length", b"%d" % len(body))]
        if self.media_type:
            headers.append((b"content-type", self.media_type.encode("latin-1")))
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# ==========================================================================================
# Faults
# ==========================================================================================

# -- methods --------------------------------------------------------------------------------


@fault(
    "head-answered-200",
    "HEAD on any path (the send path and /Token included) gets 200 with an empty body, as"
    " a load balancer's health-check handler answers, not 405 with Allow: POST",
    "transport/MethodNotAllowed",
    "schemathesis/unsupported_method",
)
class Head200(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        if request.method.upper() == "HEAD":
            return BareAnswer(200, b"", "")
        return await super().handle(request)


# -- Accept negotiation ---------------------------------------------------------------------


@fault(
    "accept-q-values-ignored",
    "text/json is answered whenever 'text/json' appears in Accept, whatever its q: "
    "'text/json;q=0' and 'application/json, text/json;q=0.1' get text/json",
    "transport/accept-negotiation",
    "response/media-type",
)
class AcceptSubstring(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        accept = (request.header("accept") or "").lower()
        return "text/json" if "text/json" in accept else "application/json"


@fault(
    "text-json-not-on-415",
    "Accept: text/json is honoured except on 415 (the media-type filter answers before"
    " content negotiation, always application/json)",
    "transport/accept-negotiation",
    "response/media-type",
)
class TextJsonNot415(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 415:
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "text-json-not-on-413",
    "Accept: text/json is honoured except on 413 (the body-size limit answers before"
    " content negotiation, always application/json)",
    "transport/accept-negotiation",
    "response/media-type",
)
class TextJsonNot413(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 413:
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "text-json-not-on-402",
    "Accept: text/json is honoured except on 402 (the billing layer writes its own"
    " application/json answer)",
    "transport/accept-negotiation",
    "response/media-type",
)
class TextJsonNot402(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 402:
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "text-json-counts-as-numbers",
    "the text/json formatter is configured apart from the application/json one and writes"
    " the Detail counts as JSON numbers (text/json answers not the same JSON)",
    "response/envelope-schema",
    "transport/accept-negotiation",
)
class TextJsonCountsNumbers(Behaviour):
    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().handle_send(request, media_type)
        if answer is not None and answer.status == 200 and media_type == "text/json":
            payload = copy.deepcopy(answer.payload)
            detail = payload["ResponseData"]["Detail"]
            for key in list(detail):
                if key.startswith(("NoOf", "Pre", "Post", "Credits")):
                    detail[key] = int(detail[key])
            return replace(answer, payload=payload)
        return answer


# -- bytes and encodings of the answer -------------------------------------------------------


@fault(
    "utf8-bom-in-answers",
    "every JSON answer starts with a UTF-8 byte order mark (RFC 8259 8.1: must not)",
    "response/utf-8",
    "response/envelope-schema",
    "token/token-schema",
)
class Utf8Bom(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), BomAnswer)


@fault(
    "answer-in-request-charset",
    "a request sent as UTF-16 or UTF-32 is answered in that charset "
    "(application/json; charset=utf-16), not UTF-8 (RFC 8259 8.1)",
    "response/utf-8",
    "response/media-type",
    "response/envelope-schema",
)
class AnswerInRequestCharset(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        answer = await super().handle(request)
        parsed = self.content_type(request)
        charset = (parsed[1].get("charset") or "").lower() if parsed else ""
        if answer is None or not charset.startswith(("utf-16", "utf-32")):
            return answer
        return rewrap(
            answer, charset_answer(charset), media_type=f"{answer.media_type}; charset={charset}"
        )


@fault(
    "content-length-counts-characters",
    "the JSON is written as raw UTF-8 (non-ASCII not escaped) but Content-Length is the"
    " length of the text in characters, so an answer with non-ASCII text is cut short",
    "response/no-answer",
    "response/envelope-schema",
)
class ContentLengthChars(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), CharLengthAnswer)


@fault(
    "latin1-answers",
    "answers are written in ISO-8859-1 (a servlet container's default) and labelled"
    " charset=ISO-8859-1: é is one byte 0xE9, an emoji becomes '?'",
    "response/envelope-schema",
    "success-invariants/message-text",
)
class Latin1Answers(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        answer = await super().handle(request)
        if answer is None:
            return None
        return rewrap(answer, Latin1Answer, media_type=answer.media_type + ";charset=ISO-8859-1")


# -- the error envelope -----------------------------------------------------------------------


@fault(
    "business-reasons-static",
    "the business rules' ErrorReasons come from a fixed message table: each names the"
    " field but never the offending value ($.Options.Sender: must be 1-11 letters...)",
    "error-codes/reason-names-value",
    "error-codes/InvalidSender",
    "error-codes/UnknownContact",
    "error-codes/UnknownGroup",
    "error-codes/InvalidRecipient",
    "error-codes/UnknownTemplate",
    "error-codes/InvalidReference",
    "error-codes/InvalidExpiry",
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
    "validation/ValidationError-first-ten",
    "validation/ValidationError-reason",
    "validation/ValidationError-lists-all",
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
    "response/envelope-schema",
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
    "response/envelope-schema",
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
    "response/envelope-schema",
    "auth/Unauthorized",
)
class UnauthorisedSpelling(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.code == "Unauthorized":
            failure = replace(failure, code="Unauthorised")
        return super().error_answer(failure, media_type)


@fault(
    "validation-error-422",
    "schema violations are answered 422 (the framework's model validation), not 400",
    "validation/ValidationError",
    "response/code-status",
)
class Validation422(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        return replace(failure, status=422) if failure is not None else None


@fault(
    "insufficient-credits-with-data",
    "a 402 carries ResponseData with the account and its balance instead of null",
    "response/envelope-schema",
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
    "response/envelope-schema",
    "acceptance/recipient-resolution",
)
class WarningOn200(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self._skipped: dict[int, list[str]] = {}

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        failure = super().check_invalid_recipient(ctx)
        skipped = []
        account = self.state.account
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                contact = account.contacts[member]
                phones, emails = _reach(contact.phone, contact.email, int(channel))
                if not phones and not emails:
                    skipped.append(member)
        self._skipped[id(ctx)] = skipped  # SendContext has slots: kept aside
        return failure

    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        skipped = self._skipped.pop(id(ctx), [])
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
    "transport/MethodNotAllowed",
    "response/envelope-schema",
    "response/media-type",
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
    "response/envelope-schema",
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
    "success-invariants/sms-parts",
    "success-invariants/standard-ids",
)
class StandardIdsEmptyScheduled(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.type == 1 and ctx.result == "Scheduled":
            ctx.standard_ids = {number: [] for number in ctx.sms}


@fault(
    "recurring-advanced-id-null",
    "a Recurring message (Type 2) has AdvancedMessageID null (its ID comes with the first"
    " occurrence)",
    "success-invariants/advanced-ids",
)
class RecurringNoAdvancedId(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.type == 2:
            ctx.advanced_id = None


@fault(
    "standard-email-only-gets-advanced-id",
    "a Standard message that reaches only e-mail addresses (no SMS number) is given an"
    " AdvancedMessageID instead of null",
    "success-invariants/standard-ids",
)
class StandardEmailOnlyAdvanced(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.type == 1 and not ctx.sms:
            ctx.advanced_id = self.state.ids.advanced()


@fault(
    "standard-ids-as-numbers",
    "the StandardMessageIDs are JSON numbers (database keys), not strings",
    "response/envelope-schema",
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
    "success-invariants/unique-ids",
    "success-invariants/ledger-continuity",
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


# -- tokens -----------------------------------------------------------------------------------


class _FormFromJson:
    """The request, with a JSON body read as the form it would be."""

    def __init__(self, request: HttpRequest, body: bytes) -> None:
        self._request = request
        self._body = body

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def header(self, name: str) -> str | None:
        if name == "content-type":
            return "application/x-www-form-urlencoded"
        if name == "content-length":
            return None
        return self._request.header(name)

    async def read_body(self, cap: int, declared: int | None) -> bytes:
        return self._body


@fault(
    "token-json-body-accepted",
    "POST /Token with a JSON body {grant_type, client_id, client_secret} issues a token"
    " (the decision token-media-type: a body that is not a form is refused, nothing issued)",
    "token/rfc6749",
    "token/invalid_request",
)
class TokenJsonAccepted(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        parsed = self.content_type(request)
        if parsed is not None and parsed[0] == "application/json":
            raw = await request.read_body(self.max_body, None)
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
            if isinstance(data, dict):
                form = urlencode({k: str(v) for k, v in data.items()}).encode()
                return await super().token(_FormFromJson(request, form), media_type)  # type: ignore[arg-type]
            return self.token_error("invalid_request", "body: not JSON")
        return await super().token(request, media_type)


@fault(
    "token-cache-control-no-cache",
    "token answers say Cache-Control: no-cache (revalidate) instead of no-store",
    "token/cache-control",
)
class TokenNoCache(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is None:
            return None
        headers = tuple(
            (k, "no-cache") if k == "Cache-Control" else (k, v) for k, v in answer.headers
        )
        return replace(answer, headers=headers)


@fault(
    "token-errors-in-envelope",
    "token errors are answered 400 in the 2SMS envelope ({Error: {ErrorCode: BadRequest,"
    " ErrorReason: 'invalid_client: ...'}}) by the global error filter, not the RFC 6749 shape",
    "token/invalid_client",
    "token/invalid_request",
    "token/unsupported_grant_type",
)
class TokenErrorsEnvelope(Behaviour):
    def token_error(self, error: str, description: str) -> Answer:
        answer = super().token_error(error, description)
        payload = {
            "Error": {"ErrorCode": "BadRequest", "ErrorReason": f"{error}: {description}"},
            "ResponseData": None,
        }
        return replace(answer, payload=payload)


@fault(
    "second-token-revokes-first",
    "issuing a token revokes the client's earlier tokens (one live token per client), so"
    " a token is refused long before its 8 hours",
    "auth/Unauthorized",
    "acceptance/public-example",
    "token/token-works",
)
class SecondTokenRevokes(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200:
            store = self.state.tokens
            keep = answer.payload["access_token"]
            with store._lock:
                for value, token in list(store._tokens.items()):
                    if value != keep and not store.is_expired(token):
                        del store._tokens[value]
        return answer


@fault(
    "first-token-only",
    "the send endpoint accepts only the first token the client was ever issued (a cached"
    " 'current token' that later grants never replace)",
    "token/token-works",
)
class FirstTokenOnly(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.first: str | None = None

    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200 and self.first is None:
            self.first = answer.payload["access_token"]
        return answer

    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None or self.first is None:
            return failure
        token = (request.header("authorization") or "").strip().partition(" ")[2].strip()
        if token != self.first:
            return self.fail(
                "auth",
                "Authorization: bearer token is not current",
                headers=(("WWW-Authenticate", 'Bearer error="invalid_token"'),),
            )
        return None


# -- WWW-Authenticate -----------------------------------------------------------------------


@fault(
    "www-authenticate-only-when-missing",
    "the 401 carries WWW-Authenticate only when the Authorization header is missing, not"
    " for a wrong scheme, a malformed, unknown or expired token",
    "response/www-authenticate",
)
class ChallengeOnlyWhenMissing(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None and request.header("authorization") is not None:
            return replace(failure, headers=())
        return failure


# -- state over the run ---------------------------------------------------------------------


# Detail counts written with leading zeros ('007'): CountString is ^[0-9]+$ and
# docs/contract.md ("What a 200 says"): "non-negative decimal strings".
@variant("counts-leading-zeros")
class CountsLeadingZeros(Behaviour):
    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        payload = super().build_success(ctx)
        detail = payload["ResponseData"]["Detail"]
        for key in (
            "NoOfContacts",
            "NoOfQuickRecipients",
            "NoOfSMS",
            "NoOfEmails",
            "PreTransaction",
            "PostTransaction",
            "CreditsUsed",
        ):
            detail[key] = "0" + detail[key]
        return payload


@variant("raw-utf8-answers")
class RawUtf8(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), RawTextAnswer)


@variant("token-type-capitalised")
class TokenTypeCapital(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200:
            return replace(answer, payload={**answer.payload, "token_type": "Bearer"})
        return answer


# /Token hands back the client's live token again (same value) instead of a new one.
@variant("token-reused-while-valid")
class TokenReused(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.live: str | None = None

    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200:
            if self.live is None:
                self.live = answer.payload["access_token"]
            return replace(answer, payload={**answer.payload, "access_token": self.live})
        return answer


@variant("advanced-id-upper-case")
class AdvancedUpper(Behaviour):
    def issue_ids(self, ctx: SendContext) -> None:
        super().issue_ids(ctx)
        if ctx.advanced_id is not None:
            ctx.advanced_id = ctx.advanced_id.upper()
