"""Faults of POST /Token: its headers, HTTP Basic credentials, error codes, the token's
JSON and lifetime, tokens across the run.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from contract_tests import ids
from mockserver import Behaviour, Failure, MockState
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


@fault("token-cacheable", "token answers lack Cache-Control: no-store", ids.TOKEN_CACHE_CONTROL)
class TokenCacheable(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is None:
            return None
        return replace(answer, headers=tuple(h for h in answer.headers if h[0] != "Cache-Control"))


@fault(
    "token-answer-text-plain",
    "token answers (the token and the RFC 6749 errors) say Content-Type: text/plain, the"
    " framework's default for a string body, though the JSON in them is right",
    ids.TOKEN_MEDIA_TYPE,
)
class TokenTextPlain(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is None:
            return None
        return replace(answer, media_type="text/plain; charset=utf-8")


@fault("token-basic-unsupported", "client credentials by HTTP Basic are refused", ids.TOKEN_ISSUED)
class NoBasic(Behaviour):
    @staticmethod
    def client_credentials(request: HttpRequest, form: Any) -> tuple[str, str] | str:
        if "client_id" not in form:
            return "invalid_client:no client credentials"
        return form.get("client_id", ""), form.get("client_secret", "")


@fault(
    "token-wrong-error",
    "a wrong secret is invalid_grant, not invalid_client",
    ids.TOKEN_INVALID_CLIENT,
)
class WrongTokenError(Behaviour):
    def token_error(self, error: str, description: str) -> Answer:
        return super().token_error(
            "invalid_grant" if error == "invalid_client" else error, description
        )


@fault("token-expires-in-seconds-wrong", "expires_in is 3600, not 28800", ids.TOKEN_SCHEMA)
class ShortToken(Behaviour):
    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        answer = await super().token(request, media_type)
        if answer is not None and answer.status == 200 and isinstance(answer.payload, dict):
            return replace(answer, payload={**answer.payload, "expires_in": 3600})
        return answer


# -- HTTP Basic, its errors, the form's charset, grant_type -------------------------------


@fault(
    "token-basic-wrong-secret-401",
    "a wrong secret sent by HTTP Basic is 401 invalid_client with WWW-Authenticate: Basic"
    " (RFC 6749 allows it; the contract says 400)",
    ids.TOKEN_INVALID_CLIENT,
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
    ids.TOKEN_ISSUED,
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
    ids.TOKEN_ISSUED,
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


# -- the token's JSON, cache headers, error envelopes, tokens across the run --------------


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
    ids.TOKEN_RFC6749,
    ids.TOKEN_INVALID_REQUEST,
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
    ids.TOKEN_CACHE_CONTROL,
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
    ids.TOKEN_INVALID_CLIENT,
    ids.TOKEN_INVALID_REQUEST,
    ids.TOKEN_UNSUPPORTED_GRANT_TYPE,
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
    ids.AUTH_UNAUTHORIZED,
    ids.ACCEPT_PUBLIC_EXAMPLE,
    ids.TOKEN_WORKS,
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
    ids.TOKEN_WORKS,
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
