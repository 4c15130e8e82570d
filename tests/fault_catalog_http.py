"""More broken variants of the mock, at the HTTP edge and in auth: media types and their
parameters, charsets, the body size in bytes, JSON syntax and extremes, null and unknown
properties at depth, map keys, ValidationError reasons, tokens, the order of checks, paths,
`Allow`, `Accept` on every status, the token endpoint, malformed HTTP.

Registered into `tests.fault_catalog.FAULTS` (which imports this module), with the same
`fault` decorator: each names the rules the suite must report for it.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import replace
from typing import Any

from mockserver import Behaviour, Failure, MockState, SendContext
from mockserver.behaviour import _DECODER, _deeper_than, _skip_space
from mockserver.http import Answer, HttpRequest
from tests.fault_catalog import fault


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
    "transport/media-type",
)
class PlusJsonRefused(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return "+" not in kind and super().is_json_media_type(kind)


@fault(
    "content-type-params-need-space",
    "Content-Type parameters are split on '; ', so 'application/json;charset=utf-8' is 415",
    "transport/media-type",
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
    "transport/media-type",
    "transport/charset",
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
    "transport/media-type",
    "transport/charset",
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
    "transport/media-type",
)
class MediaTypePrefix(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind.startswith("application/json") or super().is_json_media_type(kind)


@fault(
    "plus-json-any-top-level",
    "any type ending in +json (text/x+json, image/foo+json) is taken for JSON, not only"
    " application/*+json",
    "transport/media-type",
)
class PlusJsonAnyTopLevel(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind.endswith("+json") or super().is_json_media_type(kind)


@fault(
    "content-type-param-without-value-500",
    "a Content-Type parameter without '=' (application/json; foo) crashes the server (500)",
    "response/not-a-server-error",
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
    "transport/PayloadTooLarge",
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
    "response/envelope-schema",
    "response/media-type",
    "transport/PayloadTooLarge",
)
class Plain413Chunked(Behaviour):
    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().handle_send(request, media_type)
        if answer is not None and answer.status == 413 and request.header("content-length") is None:
            return PlainAnswer(413, "Request Entity Too Large", "text/plain")
        return answer


# -- JSON syntax --------------------------------------------------------------------------------


@fault(
    "trailing-data-accepted",
    "a JSON object followed by more text ({...} xyz) is read up to the object and accepted",
    "transport/InvalidJson",
)
class TrailingData(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if isinstance(value, Failure) and "Extra data" in value.reason:
            codec = "ascii" if charset == "us-ascii" else charset
            text = body.decode(codec).removeprefix("\ufeff")
            return _DECODER.raw_decode(text, _skip_space(text, 0))[0]
        return value


def _reject_positive(name: str) -> Any:
    if name == "-Infinity":
        return float("-inf")
    raise ValueError(f"{name} is not JSON")


@fault(
    "negative-infinity-accepted",
    "NaN and Infinity are InvalidJson but -Infinity is read as a number",
    "transport/InvalidJson",
)
class NegativeInfinity(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if isinstance(value, Failure) and "-Infinity" in value.reason:
            codec = "ascii" if charset == "us-ascii" else charset
            text = body.decode(codec).removeprefix("\ufeff")
            try:
                return json.loads(text, parse_constant=_reject_positive)
            except ValueError:
                return value
        return value


@fault(
    "huge-integer-500",
    "an integer literal of more than 4300 digits crashes the server (Python's int limit)",
    "response/not-a-server-error",
    "transport/InvalidJson",
)
class HugeInteger500(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        codec = "ascii" if charset == "us-ascii" else charset
        try:
            json.loads(body.decode(codec))
        except ValueError as exc:
            if type(exc) is ValueError:  # not JSONDecodeError nor UnicodeDecodeError
                raise
        except RecursionError:
            pass
        return super().check_json(body, charset)


@fault(
    "deep-nesting-500-mid-depth",
    "nesting past the parser's limit is InvalidJson, but nesting of 65..~900 levels parses and"
    " crashes the recursive validator (500)",
    "response/not-a-server-error",
    "transport/InvalidJson",
)
class DeepMid500(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_depth = 1 << 30  # only the parser's own RecursionError limits depth

    def check_schema(self, instance: Any) -> Failure | None:
        if _deeper_than(instance, 64):
            raise RecursionError("maximum recursion depth exceeded in the validator")
        return super().check_schema(instance)


@fault(
    "utf16-decode-error-500",
    "bytes that do not decode as the declared UTF-16/UTF-32 crash the server (only the UTF-8"
    " and US-ASCII decoding is guarded)",
    "response/not-a-server-error",
    "transport/InvalidJson",
)
class Utf16Decode500(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        if charset.startswith(("utf-16", "utf-32")):
            body.decode(charset)  # UnicodeDecodeError escapes
        return super().check_json(body, charset)


# -- null, unknown properties, map keys ---------------------------------------------------------


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


@fault(
    "null-absent-in-nested-options",
    "null inside Options.Repeat/RecurringOptions/EmailOptions and Template.PlaceHolders is"
    " taken for absent (nested models default to None)",
    "validation/ValidationError",
)
class NullNested(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if not isinstance(value, dict):
            return value
        options = value.get("Options")
        if isinstance(options, dict):
            for key in ("Repeat", "RecurringOptions", "EmailOptions"):
                if isinstance(options.get(key), dict):
                    options[key] = _drop_nulls(options[key])
        template = value.get("Template")
        if isinstance(template, dict) and isinstance(template.get("PlaceHolders"), dict):
            template["PlaceHolders"] = _drop_nulls(template["PlaceHolders"])
        return value


@fault(
    "unknown-contacts-property-refused",
    "an unknown property inside Contacts (a strict Contacts model) is a ValidationError",
    "acceptance/unknown-properties",
)
class UnknownInContacts(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Contacts"), dict):
            for key in instance["Contacts"]:
                if key not in ("QuickRecipients", "ContactID", "GroupID"):
                    return self.fail("schema", f"$.Contacts.{key}: unknown property")
        return super().check_schema(instance)


_EMAIL_KEY = re.compile(r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+")


@fault(
    "bad-email-key-invalid-recipient",
    "a QuickRecipients key with an '@' that is not an address (bob@, a b@c) is InvalidRecipient,"
    " not ValidationError (address keys are checked by the business rule)",
    "validation/ValidationError",
)
class BadEmailKey(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict):
            contacts = instance.get("Contacts")
            quick = contacts.get("QuickRecipients") if isinstance(contacts, dict) else None
            if (
                isinstance(contacts, dict)
                and isinstance(quick, dict)
                and any("@" in k for k in quick)
            ):
                trimmed = {k: v for k, v in quick.items() if "@" not in k}
                instance = {**instance, "Contacts": {**contacts, "QuickRecipients": trimmed}}
        return super().check_schema(instance)

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        for key in ctx.recipients.get("QuickRecipients", {}):
            if "@" in key and not _EMAIL_KEY.fullmatch(key):
                return self.fail(
                    "invalid-recipient", f"$.Contacts.QuickRecipients[{key!r}]: not an address"
                )
        return super().check_invalid_recipient(ctx)


# -- ValidationError reasons --------------------------------------------------------------------

_PATH = re.compile(r'\$((?:\.[A-Za-z0-9_]+|\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\])*)')


def _pointer(match: re.Match[str]) -> str:
    parts = re.findall(r'\.([A-Za-z0-9_]+)|\["((?:[^"\\]|\\.)*)"\]|\[([0-9]+)\]', match.group(1))
    return "/" + "/".join(a or b or c for a, b, c in parts)


@fault(
    "validation-path-as-pointer",
    "ValidationError reasons name fields by JSON Pointer (/Options/SrcPort), not JSON path",
    "validation/ValidationError-reason",
)
class PathAsPointer(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        if failure is None:
            return None
        return replace(failure, reason=_PATH.sub(_pointer, failure.reason))


@fault(
    "validation-key-not-named",
    "a map key that fails its pattern is reported without the key",
    "validation/ValidationError-reason",
)
class KeyNotNamed(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        if failure is None:
            return None
        reason = re.sub(
            r'\$\.Contacts\.(\w+)\["(?:[^"\\]|\\.)*"\]: '
            r'key "(?:[^"\\]|\\.)*" does not match [^;\s]+',
            r"$.Contacts.\1: a key does not match the pattern",
            failure.reason,
        )
        return replace(failure, reason=reason)


# -- auth -----------------------------------------------------------------------------------------


@fault(
    "auth-non-ascii-header-500",
    "an Authorization header with a non-ASCII byte crashes the server (500), not 401",
    "response/not-a-server-error",
    "auth/Unauthorized",
)
class AuthNonAscii500(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        value = request.header("authorization")
        if value is not None:
            value.encode("ascii")  # UnicodeEncodeError escapes
        return super().check_auth(request)


@fault(
    "order-auth-before-404",
    "an unknown path without a token gets 401 (auth middleware before routing), not 404",
    "order/NotFound-before-Unauthorized",
    "transport/NotFound",
)
class AuthBefore404(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        failure, _endpoint = self.check_path(request.path)
        if failure is not None and self.normalise_path(request.path) != "/token":
            auth = self.check_auth(request)
            if auth is not None:
                return self.error_answer(auth, self.negotiate(request))
        return await super().handle(request)


@fault(
    "order-size-before-auth",
    "a declared Content-Length over 1 MiB gets 413 before the token is checked",
    "order/Unauthorized-before-PayloadTooLarge",
)
class SizeBeforeAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        declared = self.declared_length(request)
        if declared is not None and declared > self.max_body:
            return self.check_size(declared, exact=True)
        return super().check_auth(request)


@fault(
    "order-charset-before-size",
    "the whole Content-Type (charset included) is checked before the body is read: an"
    " oversized body with an unsupported charset gets 415, not 413",
    "order/PayloadTooLarge-before-charset",
)
class CharsetBeforeSize(Behaviour):
    def check_media_type(self, request: HttpRequest) -> Failure | None:
        failure = super().check_media_type(request)
        if failure is not None:
            return failure
        charset = self.check_charset(request)
        return charset if isinstance(charset, Failure) else None


@fault(
    "order-method-before-path",
    "only POST is routed anywhere: GET on an unknown path is 405, not 404",
    "order/NotFound-before-MethodNotAllowed",
)
class MethodBeforePath(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        if request.method.upper() != "POST":
            failure = self.fail(
                "method", f"method: {request.method} is not allowed", headers=(("Allow", "POST"),)
            )
            return self.error_answer(failure, self.negotiate(request))
        return await super().handle(request)


# -- paths, methods, 404/405 ------------------------------------------------------------------


@fault(
    "non-api-404-plain-text",
    "an unknown path outside /api/ gets the framework's plain-text 404, without the envelope",
    "response/envelope-schema",
    "response/media-type",
    "transport/NotFound",
)
class NonApi404Plain(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        failure, _ = self.check_path(request.path)
        if failure is not None and not request.path.lower().startswith("/api/"):
            return PlainAnswer(404, "Not Found", "text/plain")
        return await super().handle(request)


@fault(
    "token-path-case-sensitive",
    "POST /token (lower case) or /Token/ is 404: the token route is matched exactly",
    "token/token-issued",
)
class TokenPathCase(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if self.normalise_path(path) == "/token" and path != "/Token":
            return self.fail("path", f"path: {path!r} is not known"), None
        return super().check_path(path)


@fault(
    "allow-lists-get",
    "the 405's Allow header is 'GET, POST' although GET is refused",
    "response/allow-header",
)
class AllowListsGet(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return replace(failure, headers=(("Allow", "GET, POST"),)) if failure else None


@fault(
    "options-answered-200",
    "OPTIONS on the API answers 200 (a CORS preflight handler), not 405",
    "transport/MethodNotAllowed",
    "schemathesis/unsupported_method",
)
class Options200(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        failure, _endpoint = self.check_path(request.path)
        if failure is None and request.method.upper() == "OPTIONS":
            return Answer(
                200,
                {"Error": None, "ResponseData": None},
                "application/json",
                (("Allow", "POST, OPTIONS"), ("Access-Control-Allow-Methods", "POST")),
            )
        return await super().handle(request)


# -- Accept negotiation ------------------------------------------------------------------------


@fault(
    "text-json-not-on-401",
    "Accept: text/json is honoured except on 401 (auth answers before negotiation)",
    "response/media-type",
    "transport/accept-negotiation",
)
class TextJsonNot401(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status == 401:
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "text-json-not-on-404-405",
    "Accept: text/json is honoured except on 404 and 405 (routing errors are always"
    " application/json)",
    "response/media-type",
    "transport/accept-negotiation",
)
class TextJsonNotRouting(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status in (404, 405):
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "accept-text-wildcard",
    "Accept: text/* gets text/json (real negotiation), though only text/json asks for it",
    "transport/accept-negotiation",
    "response/media-type",
)
class AcceptTextWildcard(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        accept = (request.header("accept") or "").lower()
        if "text/*" in accept and "application/json" not in accept:
            return "text/json"
        return super().negotiate(request)


# -- POST /Token --------------------------------------------------------------------------------


@fault(
    "token-basic-wrong-secret-401",
    "a wrong secret sent by HTTP Basic is 401 invalid_client with WWW-Authenticate: Basic"
    " (RFC 6749 allows it; the contract says 400)",
    "token/invalid_client",
)
class TokenBasic401(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        auth = (request.header("authorization") or "").lower()
        if (
            answer is not None
            and answer.status == 400
            and answer.payload.get("error") == "invalid_client"
            and auth.startswith("basic ")
        ):
            return replace(
                answer,
                status=401,
                headers=(*answer.headers, ("WWW-Authenticate", 'Basic realm="2sms"')),
            )
        return answer


@fault(
    "token-basic-not-url-decoded",
    "HTTP Basic client credentials are not form-url-decoded (RFC 6749 section 2.3.1)",
    "token/token-issued",
)
class TokenBasicNotDecoded(Behaviour):
    @staticmethod
    def client_credentials(request: HttpRequest, form: Any) -> tuple[str, str] | str:
        import base64
        import binascii

        header = request.header("authorization")
        in_form = "client_id" in form or "client_secret" in form
        if header is not None and header.strip().lower().startswith("basic "):
            if in_form:
                return "invalid_request:credentials both in Authorization and in the body"
            try:
                decoded = base64.b64decode(header.strip()[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return "invalid_client:bad Basic credentials"
            client_id, sep, secret = decoded.partition(":")
            if not sep:
                return "invalid_client:no ':'"
            return client_id, secret  # no unquote_plus
        if not in_form:
            return "invalid_client:no client credentials"
        return form.get("client_id", ""), form.get("client_secret", "")


@fault(
    "token-form-charset-refused",
    "POST /Token with 'application/x-www-form-urlencoded; charset=UTF-8' is invalid_request"
    " (the media type is compared as a whole string)",
    "token/token-issued",
)
class TokenFormCharset(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        value = request.header("content-type") or ""
        if value.strip().lower() != "application/x-www-form-urlencoded":
            with contextlib.suppress(Exception):
                await request.read_body(self.max_body, None)
            return self.token_error(
                "invalid_request", "Content-Type: must be application/x-www-form-urlencoded"
            )
        return await super().token(request, media_type)


class _LowerGrant:
    """The request, with the grant_type value lower-cased as the server reads it."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    async def read_body(self, cap: int, declared: int | None) -> bytes:
        body = await self._request.read_body(cap, declared)
        return re.sub(rb"grant_type=([^&]*)", lambda m: b"grant_type=" + m.group(1).lower(), body)


# -- malformed HTTP -------------------------------------------------------------------------------


@fault(
    "bad-request-plain-text",
    "malformed HTTP (a non-numeric or doubled Content-Length, broken chunking) gets the HTTP"
    " server's plain-text 400, not the envelope with BadRequest",
    "transport/BadRequest",
    "response/envelope-schema",
)
class BadRequestPlain(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.code == "BadRequest":
            return PlainAnswer(400, "Invalid HTTP request received.", "text/plain; charset=utf-8")
        return super().error_answer(failure, media_type)
