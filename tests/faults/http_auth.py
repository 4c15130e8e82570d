"""Faults of auth, paths and methods in depth: tokens, the order of checks, 404 and 405,
`Allow`, `Accept` on every status.
"""

from __future__ import annotations

from dataclasses import replace

from contract_tests import ids
from mockserver import Behaviour, Failure
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog
from tests.faults.http_media import PlainAnswer

catalog = Catalog()
fault = catalog.fault


# -- auth -----------------------------------------------------------------------------------------


@fault(
    "auth-non-ascii-header-500",
    "an Authorization header with a non-ASCII byte crashes the server (500), not 401",
    ids.NOT_A_SERVER_ERROR,
    ids.AUTH_UNAUTHORIZED,
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
    ids.order_rule(ids.NOT_FOUND, ids.AUTH_UNAUTHORIZED),
    ids.NOT_FOUND,
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
    ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.PAYLOAD_TOO_LARGE),
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
    ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.TRANSPORT_CHARSET),
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
    ids.order_rule(ids.NOT_FOUND, ids.METHOD_NOT_ALLOWED),
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
    ids.ENVELOPE_SCHEMA,
    ids.RESPONSE_MEDIA_TYPE,
    ids.NOT_FOUND,
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
    ids.TOKEN_ISSUED,
)
class TokenPathCase(Behaviour):
    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        if self.normalise_path(path) == "/token" and path != "/Token":
            return self.fail("path", f"path: {path!r} is not known"), None
        return super().check_path(path)


@fault(
    "allow-lists-get",
    "the 405's Allow header is 'GET, POST' although GET is refused",
    ids.ALLOW_HEADER,
)
class AllowListsGet(Behaviour):
    def check_method(self, endpoint: str, method: str) -> Failure | None:
        failure = super().check_method(endpoint, method)
        return replace(failure, headers=(("Allow", "GET, POST"),)) if failure else None


@fault(
    "options-answered-200",
    "OPTIONS on the API answers 200 (a CORS preflight handler), not 405",
    ids.METHOD_NOT_ALLOWED,
    ids.schemathesis_rule("unsupported_method"),
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
    ids.RESPONSE_MEDIA_TYPE,
    ids.ACCEPT_NEGOTIATION,
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
    ids.RESPONSE_MEDIA_TYPE,
    ids.ACCEPT_NEGOTIATION,
)
class TextJsonNotRouting(Behaviour):
    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        if failure.status in (404, 405):
            media_type = "application/json"
        return super().error_answer(failure, media_type)


@fault(
    "accept-text-wildcard",
    "Accept: text/* gets text/json (real negotiation), though only text/json asks for it",
    ids.ACCEPT_NEGOTIATION,
    ids.RESPONSE_MEDIA_TYPE,
)
class AcceptTextWildcard(Behaviour):
    def negotiate(self, request: HttpRequest) -> str:
        accept = (request.header("accept") or "").lower()
        if "text/*" in accept and "application/json" not in accept:
            return "text/json"
        return super().negotiate(request)
