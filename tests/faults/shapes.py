"""Faults in the shape of the answers: answers written differently (byte order marks,
charsets, Content-Length), HEAD, text/json on every status and with q-values, the
WWW-Authenticate challenge, state over the run; and conforming variants that differ from
the mock where the contract leaves room.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, Issued, MockState, SendContext
from mockserver.http import Answer, HttpRequest, Send, encode_json
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


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
    ids.METHOD_NOT_ALLOWED,
    ids.schemathesis_rule("unsupported_method"),
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
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
)
class AcceptSubstring(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        accept = (request.header("accept") or "").lower()
        return "text/json" if "text/json" in accept else "application/json"


@fault(
    "text-json-not-on-415",
    "Accept: text/json is honoured except on 415 (the media-type filter answers before"
    " content negotiation, always application/json)",
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
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
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
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
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
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
    ids.ENVELOPE_SCHEMA,
    ids.ACCEPT_NEGOTIATION,
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
    ids.RESPONSE_UTF8,
    ids.ENVELOPE_SCHEMA,
    ids.TOKEN_SCHEMA,
)
class Utf8Bom(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), BomAnswer)


@fault(
    "answer-in-request-charset",
    "a request sent as UTF-16 or UTF-32 is answered in that charset "
    "(application/json; charset=utf-16), not UTF-8 (RFC 8259 8.1)",
    ids.RESPONSE_UTF8,
    ids.RESPONSE_MEDIA_TYPE,
    ids.ENVELOPE_SCHEMA,
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
    ids.NO_ANSWER,
    ids.ENVELOPE_SCHEMA,
)
class ContentLengthChars(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), CharLengthAnswer)


@fault(
    "latin1-answers",
    "answers are written in ISO-8859-1 (a servlet container's default) and labelled"
    " charset=ISO-8859-1: é is one byte 0xE9, an emoji becomes '?'",
    ids.ENVELOPE_SCHEMA,
    ids.MESSAGE_TEXT,
)
class Latin1Answers(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        answer = await super().handle(request)
        if answer is None:
            return None
        return rewrap(answer, Latin1Answer, media_type=answer.media_type + ";charset=ISO-8859-1")


# -- WWW-Authenticate -----------------------------------------------------------------------


@fault(
    "www-authenticate-only-when-missing",
    "the 401 carries WWW-Authenticate only when the Authorization header is missing, not"
    " for a wrong scheme, a malformed, unknown or expired token",
    ids.WWW_AUTHENTICATE,
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
@variant(
    "counts-leading-zeros",
    "the Detail counts and balances written with a leading zero ('01'): still digit strings",
)
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


@variant("raw-utf8-answers", "answers written as raw UTF-8, not with \\u escapes")
class RawUtf8(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        return rewrap(await super().handle(request), RawTextAnswer)


@variant("token-type-capitalised", "token_type is 'Bearer' (the case is not significant)")
class TokenTypeCapital(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200:
            return replace(answer, payload={**answer.payload, "token_type": "Bearer"})
        return answer


@variant(
    "token-reused-while-valid",
    "/Token hands back the client's live token again (same value) instead of a new one",
)
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


@variant("advanced-id-upper-case", "the AdvancedMessageID is a UUID in upper case")
class AdvancedUpper(Behaviour):
    def issue_ids(self, ctx: SendContext) -> Issued:
        issued = super().issue_ids(ctx)
        if issued.advanced is None:
            return issued
        return replace(issued, advanced=issued.advanced.upper())
