"""Faults of the HTTP edge in depth: media types and their parameters, charsets, the body
size in bytes, malformed HTTP.
"""

from __future__ import annotations

from contract_tests import ids
from mockserver import Behaviour, Failure
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


class PlainAnswer(Answer):
    """An answer that is not the envelope: plain text, as a framework's default handler."""

    __slots__ = ()

    def encode(self) -> bytes:
        return str(self.payload).encode("utf-8")


_SEND = "/api/v2/sms/messages"


# -- media types and charsets -----------------------------------------------------------------


@fault(
    "plus-json-refused",
    "application/*+json bodies get 415 (only application/json and text/json are JSON)",
    ids.TRANSPORT_MEDIA_TYPE,
)
class PlusJsonRefused(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return "+" not in kind and super().is_json_media_type(kind)


@fault(
    "content-type-params-need-space",
    "Content-Type parameters are split on '; ', so 'application/json;charset=utf-8' is 415",
    ids.TRANSPORT_MEDIA_TYPE,
)
class ParamsNeedSpace(Behaviour):
    @staticmethod
    def content_type(request: HttpRequest) -> tuple[str, dict[str, str]] | None:
        value = request.header("content-type")
        if value is None:
            return None
        kind, *params = value.split("; ")
        parsed: dict[str, str] = {}
        for param in params:
            name, sep, raw = param.partition("=")
            if sep:
                parsed[name.strip().lower()] = raw.strip().strip('"')
        return kind.strip().lower(), parsed


@fault(
    "charset-case-sensitive",
    "charset names compare case-sensitively: charset=UTF-8 (the contract's own spelling) is 415",
    ids.TRANSPORT_MEDIA_TYPE,
    ids.TRANSPORT_CHARSET,
)
class CharsetCaseSensitive(Behaviour):
    def check_charset(self, request: HttpRequest) -> str | Failure:
        parsed = self.content_type(request)
        charset = (parsed[1].get("charset") if parsed else None) or "utf-8"
        if charset not in self.charsets:  # no .lower()
            return self.fail("charset", f"Content-Type: charset {charset!r} is not supported")
        return charset


@fault(
    "charset-quoted-refused",
    'a quoted charset (charset="utf-8", legal per RFC 9110) is 415',
    ids.TRANSPORT_MEDIA_TYPE,
    ids.TRANSPORT_CHARSET,
)
class CharsetQuoted(Behaviour):
    @staticmethod
    def content_type(request: HttpRequest) -> tuple[str, dict[str, str]] | None:
        value = request.header("content-type")
        if value is None:
            return None
        kind, *params = value.split(";")
        parsed: dict[str, str] = {}
        for param in params:
            name, sep, raw = param.partition("=")
            if sep:
                parsed[name.strip().lower()] = raw.strip()  # quotes kept
        return kind.strip().lower(), parsed


@fault(
    "media-type-prefix-match",
    "any media type starting with application/json (application/jsonl, application/json-seq)"
    " is taken for JSON",
    ids.TRANSPORT_MEDIA_TYPE,
)
class MediaTypePrefix(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind.startswith("application/json") or super().is_json_media_type(kind)


@fault(
    "plus-json-any-top-level",
    "any type ending in +json (text/x+json, image/foo+json) is taken for JSON, not only"
    " application/*+json",
    ids.TRANSPORT_MEDIA_TYPE,
)
class PlusJsonAnyTopLevel(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind.endswith("+json") or super().is_json_media_type(kind)


@fault(
    "content-type-param-without-value-500",
    "a Content-Type parameter without '=' (application/json; foo) crashes the server (500)",
    ids.NOT_A_SERVER_ERROR,
)
class ParamWithoutValue500(Behaviour):
    @staticmethod
    def content_type(request: HttpRequest) -> tuple[str, dict[str, str]] | None:
        value = request.header("content-type")
        if value is None:
            return None
        kind, *params = value.split(";")
        parsed: dict[str, str] = {}
        for param in params:
            name, raw = param.split("=")  # ValueError on 'foo' or 'a=b=c'
            parsed[name.strip().lower()] = raw.strip().strip('"')
        return kind.strip().lower(), parsed


# -- size ---------------------------------------------------------------------------------------


@fault(
    "size-measured-in-characters",
    "the 1 MiB limit is applied to the decoded text's characters, not to the body's bytes"
    " (a UTF-16 or non-ASCII UTF-8 body over 1 MiB is accepted)",
    ids.PAYLOAD_TOO_LARGE,
)
class SizeInCharacters(Behaviour):
    async def read_body(self, request: HttpRequest) -> bytes | Failure | None:
        limit = self.max_body
        self.max_body = 4 * limit  # read up to 4 MiB, then measure characters
        try:
            body = await super().read_body(request)
        finally:
            self.max_body = limit
        if not isinstance(body, bytes):
            if isinstance(body, Failure) and body.code == "PayloadTooLarge":
                return self.check_size(limit + 1, exact=False)
            return body
        charset = self.check_charset(request)
        if isinstance(charset, Failure):
            return self.check_size(len(body), exact=True) or body
        codec = "ascii" if charset == "us-ascii" else charset
        size = len(body.decode(codec, errors="replace"))
        return self.check_size(size, exact=True) or body


@fault(
    "size-413-plain-when-chunked",
    "a chunked body over 1 MiB gets a plain-text 413 (no envelope), as a front layer answers",
    ids.ENVELOPE_SCHEMA,
    ids.RESPONSE_MEDIA_TYPE,
    ids.PAYLOAD_TOO_LARGE,
)
class Plain413Chunked(Behaviour):
    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().handle_send(request, media_type)
        if answer is not None and answer.status == 413 and request.header("content-length") is None:
            return PlainAnswer(413, "Request Entity Too Large", "text/plain")
        return answer


# -- malformed HTTP -------------------------------------------------------------------------------


@fault(
    "bad-request-plain-text",
    "malformed HTTP (a non-numeric or doubled Content-Length, broken chunking) gets the HTTP"
    " server's plain-text 400, not the envelope with BadRequest",
    ids.BAD_REQUEST,
    ids.ENVELOPE_SCHEMA,
)
class BadRequestPlain(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.code == "BadRequest":
            return PlainAnswer(400, "Invalid HTTP request received.", "text/plain; charset=utf-8")
        return super().error_answer(failure, media_type)
