"""Faults of the HTTP edge: auth, methods, paths, media types and the body size."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, MockState, SendContext
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


@fault(
    "auth-not-enforced", "the send endpoint accepts requests without a token", ids.AUTH_UNAUTHORIZED
)
class NoAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        return None


@fault("auth-expired-accepted", "an expired token is accepted", ids.AUTH_EXPIRED_TOKEN)
class ExpiredAccepted(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None and "expired" in failure.reason:
            return None
        return failure


@fault("auth-any-scheme", "any scheme with a known token is accepted", ids.AUTH_UNAUTHORIZED)
class AnyScheme(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        value = request.header("authorization") or ""
        if value.lower().startswith("basic "):
            return None
        return super().check_auth(request)


@fault("auth-no-challenge", "a 401 without WWW-Authenticate", ids.WWW_AUTHENTICATE)
class NoChallenge(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        return replace(failure, headers=()) if failure else None


@fault("auth-403", "a missing token is answered 403", ids.AUTH_UNAUTHORIZED)
class Forbidden(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is not None and request.header("authorization") is None:
            return replace(failure, status=403)
        return failure


@fault("method-without-allow", "a 405 without an Allow header", ids.ALLOW_HEADER)
class NoAllow(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return replace(failure, headers=()) if failure else None


@fault("method-is-404", "another method is answered 404", ids.METHOD_NOT_ALLOWED)
class MethodIs404(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return self.fail("path", "not found") if failure else None


@fault("path-case-sensitive", "paths compare case-sensitively", ids.PATH_MATCHING)
class PathCase(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.rstrip("/") != path.rstrip("/").lower() and path.lower().startswith("/api"):
            return self.fail("path", f"path {path} is not known"), None
        return super().check_path(path)


@fault("path-trailing-slash-404", "a trailing slash is a 404", ids.PATH_MATCHING)
class TrailingSlash(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.endswith("/") and len(path) > 1:
            return self.fail("path", f"path {path} is not known"), None
        return super().check_path(path)


@fault("size-not-enforced", "a body over 1 MiB is read and accepted", ids.PAYLOAD_TOO_LARGE)
class NoSizeLimit(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_body = 16 * 1024 * 1024


@fault("size-limit-exclusive", "a body of exactly 1 MiB is refused", ids.PAYLOAD_TOO_LARGE)
class SizeExclusive(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_body -= 1


@fault("text-json-refused", "a text/json body gets 415", ids.TRANSPORT_MEDIA_TYPE)
class TextJsonRefused(Behaviour):
    def is_json_media_type(self, kind: str) -> bool:
        return kind == "application/json"


@fault(
    "missing-content-type-accepted",
    "a body without Content-Type is taken for JSON",
    ids.TRANSPORT_MEDIA_TYPE,
)
class NoContentTypeOk(Behaviour):
    def check_media_type(self, request: HttpRequest) -> Failure | None:
        if request.header("content-type") is None:
            return None
        return super().check_media_type(request)

    def check_charset(self, request: HttpRequest) -> str | Failure:
        return "utf-8" if request.header("content-type") is None else super().check_charset(request)


@fault("charset-utf16-refused", "a UTF-16 body gets 415", ids.TRANSPORT_MEDIA_TYPE)
class Utf16Refused(Behaviour):
    def check_charset(self, request: HttpRequest) -> str | Failure:
        charset = super().check_charset(request)
        if charset in ("utf-16", "utf-32"):
            return self.fail("charset", f"charset {charset}")
        return charset


@fault("charset-latin1-accepted", "a latin-1 body is accepted", ids.TRANSPORT_CHARSET)
class Latin1Accepted(Behaviour):
    def check_charset(self, request: HttpRequest) -> str | Failure:
        charset = super().check_charset(request)
        return "latin-1" if isinstance(charset, Failure) else charset


@fault(
    "order-media-type-before-auth",
    "the media type is checked before auth",
    ids.order_rule(ids.AUTH, ids.TRANSPORT_MEDIA_TYPE),
)
class MediaBeforeAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        return super().check_media_type(request) or super().check_auth(request)


@fault("path-prefix-match", "any path below the send path is taken for it", ids.NOT_FOUND)
class PrefixPath(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if path.lower().startswith("/api/v2/sms/messages/"):
            path = "/api/v2/sms/messages"
        return super().check_path(path)


@fault(
    "size-only-by-content-length",
    "a chunked body over 1 MiB is read and accepted",
    ids.PAYLOAD_TOO_LARGE,
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
    ids.ACCEPT_TEMPLATE,
)
class NoContentDespiteTemplate(Behaviour):
    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if ctx.body.get("Content") == "":
            return self.fail("no-content", '$.Content: ""')
        return super().check_no_content(ctx)


@fault(
    "e164-needs-10-digits",
    "numbers of fewer than 10 digits are refused",
    ids.ACCEPT_RECIPIENT_RESOLUTION,
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
    ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.INVALID_JSON),
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
    ids.order_rule(ids.METHOD_NOT_ALLOWED, ids.AUTH_UNAUTHORIZED),
)
class AuthBeforeMethod(Behaviour):
    async def handle(self, request: HttpRequest) -> Answer | None:
        failure, endpoint = self.check_path(request.path)
        if failure is None and endpoint == "/api/v2/sms/messages":
            auth = self.check_auth(request)
            if auth is not None:
                return self.error_answer(auth, self.negotiate(request))
        return await super().handle(request)


@fault(
    "auth-rejects-issued-tokens",
    "the tokens /Token issues are refused on the send endpoint",
    ids.TOKEN_WORKS,
    ids.ACCEPT_PUBLIC_EXAMPLE,
)
class RejectsIssuedTokens(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        failure = super().check_auth(request)
        if failure is None:
            return self.fail(
                "auth", "Authorization: token refused", headers=(("WWW-Authenticate", "Bearer"),)
            )
        return failure
