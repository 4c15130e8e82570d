"""The HTTP-level checks of a request, one overridable method each: `check_path`,
`check_method`, `check_http`, `check_auth`, `check_media_type`, `read_body`/`check_size`,
`check_charset`, `check_json`, `check_schema`. Each returns a `Failure` (with its check's
status and code from the spec) or None; `read_body`, `check_charset` and `check_json`
return their value otherwise. The order they run in is the spec's (`mockserver.behaviour`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from mockserver.core import BehaviourCore, Failure
from mockserver.http import BodyMismatch, BodyTooLarge, ClientGone, HttpRequest
from mockserver.jsonread import InvalidJson, deeper_than, parse_document
from mockserver.routes import RouteTable, normalise_path
from mockserver.state import MockState
from mockserver.validation import show

_DIGITS = re.compile(r"[0-9]+", re.ASCII)


class HttpChecks(BehaviourCore):
    """The checks before the business rules, with the limits they read from the spec."""

    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        terms = state.spec.terms
        self.max_body = terms.limits.max_body_bytes
        self.max_depth = terms.limits.max_json_depth
        self.request_media_types = terms.media_types.request
        self.response_media_types = terms.media_types.response
        self.charsets = terms.media_types.charsets
        # The route table of the spec's paths (templates with parameters too), and for each
        # path: normalised template -> (the spec's spelling, its methods, method ->
        # operationId).
        self.routes = RouteTable(state.spec)
        self.paths: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
            normalise_path(route.template): (
                route.template,
                route.methods,
                {m: op.operation_id for m, op in route.operations.items()},
            )
            for route in self.routes.by_template.values()
        }

    def check_path(self, path: str) -> tuple[Failure | None, str | None]:
        """404 for a path no template of the spec matches; else the template's spelling."""
        found = self.routes.lookup(path)
        if found is None:
            return self.fail("path", f"path: {show(path)} is not known"), None
        return None, found[0].template

    def allowed_methods(self, endpoint: str) -> tuple[str, ...]:
        return self.paths[self.normalise_path(endpoint)][1]

    def check_method(self, endpoint: str, method: str) -> Failure | None:
        allowed = self.allowed_methods(endpoint)
        if method.upper() in allowed:
            return None
        return self.fail(
            "method",
            f"method: {method} is not allowed on {endpoint}, only {', '.join(allowed)}",
            headers=(("Allow", ", ".join(allowed)),),
        )

    def declared_length(self, request: HttpRequest) -> int | None:
        """The Content-Length (None when absent); check_http has made sure it is valid."""
        value = request.header("content-length")
        return int(value.strip()) if value is not None else None

    def check_http(self, request: HttpRequest) -> Failure | None:
        """Malformed HTTP that reaches the app: a Content-Length that is not one number."""
        values = request.headers.get("content-length")
        if not values:
            return None
        if len(values) == 1:
            value = values[0].strip()
        else:
            distinct = {v.strip() for v in values}
            if len(distinct) > 1:
                return self.fail("http", f"Content-Length: {show(sorted(distinct))} disagree")
            value = distinct.pop()
        if not _DIGITS.fullmatch(value):
            return self.fail("http", f"Content-Length: {show(value)} is not a number")
        return None

    def check_auth(self, request: HttpRequest) -> Failure | None:
        headers = (("WWW-Authenticate", "Bearer"),)
        value = request.header("authorization")
        if value is None:
            return self.fail("auth", "Authorization: missing bearer token", headers=headers)
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer":
            reason = f"Authorization: scheme {show(scheme)} is not Bearer"
            return self.fail("auth", reason, headers=headers)
        if not token or " " in token:
            reason = f"Authorization: {show(value)} is not 'Bearer <token>'"
            return self.fail(
                "auth", reason, headers=(("WWW-Authenticate", 'Bearer error="invalid_request"'),)
            )
        known = self.state.tokens.lookup(token)
        invalid = (("WWW-Authenticate", 'Bearer error="invalid_token"'),)
        if known is None:
            return self.fail(
                "auth",
                f"Authorization: bearer token {show(token[:12] + '…')} is not known",
                headers=invalid,
            )
        if self.state.tokens.is_expired(known):
            reason = f"Authorization: bearer token expired at {known.expires_at.isoformat()}"
            return self.fail("auth", reason, headers=invalid)
        return None

    @staticmethod
    def content_type(request: HttpRequest) -> tuple[str, dict[str, str]] | None:
        """The media type (lower-cased) and its parameters, or None when absent."""
        value = request.header("content-type")
        if value is None:
            return None
        if ";" not in value:
            return value.strip().lower(), {}
        kind, *params = value.split(";")
        parsed: dict[str, str] = {}
        for param in params:
            name, sep, raw = param.partition("=")
            if sep:
                parsed[name.strip().lower()] = raw.strip().strip('"')
        return kind.strip().lower(), parsed

    def is_json_media_type(self, kind: str) -> bool:
        for allowed in self.request_media_types:
            if "*" in allowed:
                prefix, _, suffix = allowed.partition("*")
                if (
                    kind.startswith(prefix)
                    and kind.endswith(suffix)
                    and len(kind) > len(prefix + suffix)
                ):
                    return True
            elif kind == allowed:
                return True
        return False

    def check_media_type(self, request: HttpRequest) -> Failure | None:
        parsed = self.content_type(request)
        if parsed is None:
            wanted = ", ".join(self.request_media_types)
            return self.fail("media-type", f"Content-Type: missing, expected one of {wanted}")
        if not self.is_json_media_type(parsed[0]):
            return self.fail(
                "media-type", f"Content-Type: {show(request.header('content-type'))} is not JSON"
            )
        return None

    def check_size(self, size: int, *, exact: bool) -> Failure | None:
        if size <= self.max_body:
            return None
        told = f"{size} bytes" if exact else f"more than {self.max_body} bytes"
        return self.fail("size", f"body: {told}, at most {self.max_body}")

    async def read_body(self, request: HttpRequest) -> bytes | Failure | None:
        """The body, capped at the size limit (a declared length over it is refused unread)."""
        declared = self.declared_length(request)
        if declared is not None:
            failure = self.check_size(declared, exact=True)
            if failure is not None:
                return failure
        try:
            return await request.read_body(self.max_body, declared)
        except BodyTooLarge as exc:
            return self.check_size(exc.received, exact=False)
        except BodyMismatch as exc:
            return self.fail(
                "http", f"Content-Length: {exc.declared} declared, {exc.received} bytes sent"
            )
        except ClientGone:
            return None

    def check_charset(self, request: HttpRequest) -> str | Failure:
        """The charset to decode the body with (UTF-8 by default), or 415."""
        parsed = self.content_type(request)
        charset = (parsed[1].get("charset") if parsed else None) or "utf-8"
        if charset.lower() not in self.charsets:
            allowed = ", ".join(c.upper() for c in self.charsets)
            return self.fail(
                "charset", f"Content-Type: charset {show(charset)} is not one of {allowed}"
            )
        return charset.lower()

    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        """The parsed body; InvalidJson for bytes that do not decode, bad syntax, NaN,
        Infinity, numbers out of range, nesting too deep. Duplicate keys: the last wins."""
        codec = "ascii" if charset == "us-ascii" else charset
        try:
            text = body.decode(codec)
        except UnicodeDecodeError as exc:
            return self.fail(
                "json", f"body: bytes do not decode as {charset.upper()} at offset {exc.start}"
            )
        text = text.removeprefix("\ufeff")
        try:
            value = parse_document(text)
        except json.JSONDecodeError as exc:
            return self.fail(
                "json", f"Malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            )
        except InvalidJson as exc:
            return self.fail("json", f"Malformed JSON: {exc}")
        except RecursionError:
            return self.fail("json", f"Malformed JSON: nesting deeper than {self.max_depth}")
        # Nesting deeper than the limit needs more than `limit` brackets: count them first.
        if text.count("{") + text.count("[") > self.max_depth and deeper_than(
            value, self.max_depth
        ):
            return self.fail("json", f"Malformed JSON: nesting deeper than {self.max_depth}")
        return value

    def check_schema(self, instance: Any) -> Failure | None:
        validator = self.state.validator
        violations = validator.violations(instance)
        if not violations:
            return None
        return self.fail("schema", validator.reason(violations))
