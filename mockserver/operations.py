"""Every operation of the spec without business rules of ours, served from the spec (see
`mockserver.served`): `check_security`/`check_scheme` (auth), `read_operation_body` (the
body's media type, size, charset and JSON), `check_operation_request` (the parameters' and
the body's schemas), then `spec_answer`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mockserver.core import Failure
from mockserver.http import Answer, HttpRequest
from mockserver.http_checks import HttpChecks
from mockserver.routes import MediaType, Operation
from mockserver.served import (
    body_violations,
    declared_media,
    form_value,
    is_json,
    parameter_violations,
    planned_response,
)
from mockserver.served import negotiate as negotiate_media
from mockserver.validation import show


@dataclass(frozen=True, slots=True)
class Present:
    """A parsed body (a box, so that a JSON `null` body is told from no body)."""

    instance: Any


@dataclass(frozen=True, slots=True)
class OperationBody:
    """The body of a served operation: its media type, the parsed value (JSON or form)
    when it is one, or the raw bytes of another media type."""

    media: MediaType | None
    value: Present | None  # the JSON or form value, None for another media type
    present: bool  # whether the request had a body


class ServedOperations(HttpChecks):
    """The checks and the answer of an operation served from the spec."""

    async def serve_operation(
        self, request: HttpRequest, media_type: str, operation: Operation
    ) -> Answer | None:
        """An operation without business rules of ours, served from the spec (see
        `mockserver.served`): its security, the body's media type, size, charset and JSON,
        the parameters' and the body's schemas, then `spec_answer`."""
        failure = self.check_security(request, operation)
        if failure is not None:
            return self.error_answer(failure, media_type)
        body = await self.read_operation_body(request, operation)
        if body is None:
            return None
        if isinstance(body, Failure):
            return self.error_answer(body, media_type)
        failure = self.check_operation_request(request, operation, body)
        if failure is not None:
            return self.error_answer(failure, media_type)
        return self.spec_answer(request, operation)

    def check_security(self, request: HttpRequest, operation: Operation) -> Failure | None:
        """The operation's `security` (else the root's): any one requirement met is enough,
        `[]` or an empty requirement means none; the first requirement's failure answers."""
        if not operation.secured:
            return None
        schemes = self.state.spec.document.get("components", {}).get("securitySchemes", {})
        first: Failure | None = None
        for requirement in operation.security:
            failure = None
            for name in requirement:
                failure = self.check_scheme(
                    request, str(name), self.state.spec.deref(schemes.get(name, {}))
                )
                if failure is not None:
                    break
            if failure is None:
                return None
            first = first or failure
        return first

    def check_scheme(
        self, request: HttpRequest, name: str, scheme: Mapping[str, Any]
    ) -> Failure | None:
        """One security scheme: oauth2, openIdConnect and HTTP bearer are the mock's own
        token check (`check_auth`); HTTP basic and apiKey need their credential present."""
        kind = str(scheme.get("type", "oauth2")).lower()
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            value = request.header("authorization") or ""
            if value.strip().lower().startswith("basic ") and value.strip()[6:].strip():
                return None
            return self.fail(
                "auth",
                "Authorization: missing Basic credentials",
                headers=(("WWW-Authenticate", "Basic"),),
            )
        if kind == "apikey":
            where, key = str(scheme.get("in", "header")), str(scheme.get("name", ""))
            present = {
                "header": lambda: request.header(key.lower()) is not None,
                "query": lambda: any(
                    n == key for n, _ in parse_qsl(request.query_string.decode("latin-1"))
                ),
                "cookie": lambda: any(
                    part.strip().partition("=")[0] == key
                    for cookie in request.headers.get("cookie", [])
                    for part in cookie.split(";")
                ),
            }.get(where, lambda: False)()
            if present:
                return None
            return self.fail("auth", f"{where}.{key}: missing API key ({name})")
        return self.check_auth(request)

    async def read_operation_body(
        self, request: HttpRequest, operation: Operation
    ) -> OperationBody | Failure | None:
        """The request body of a served operation: its media type among the operation's
        (415), its size (413), its charset and JSON (415, 400 InvalidJson); None when the
        client left. An operation without a `requestBody` reads none."""
        if not operation.body:
            return OperationBody(None, None, present=False)
        parsed = self.content_type(request)
        declared = self.declared_length(request)
        sends_body = bool(declared) or request.header("transfer-encoding") is not None
        if parsed is None and not sends_body:
            return OperationBody(None, None, present=False)
        wanted = ", ".join(m.name for m in operation.body)
        if parsed is None:
            return self.fail("media-type", f"Content-Type: missing, expected one of {wanted}")
        media = declared_media(operation, parsed[0])
        if media is None:
            return self.fail(
                "media-type",
                f"Content-Type: {show(request.header('content-type'))} is not one of {wanted}",
            )
        raw = await self.read_body(request)
        if raw is None or isinstance(raw, Failure):
            return raw
        if not raw:
            return OperationBody(media, None, present=False)
        if is_json(media.name):
            charset = self.check_charset(request)
            if isinstance(charset, Failure):
                return charset
            instance = self.check_json(raw, charset)
            if isinstance(instance, Failure):
                return instance
            return OperationBody(media, Present(instance), present=True)
        if media.name.lower().startswith("application/x-www-form-urlencoded"):
            form = form_value(self.state.spec, media, raw)
            return OperationBody(media, Present(form), present=True)
        return OperationBody(media, None, present=True)

    def check_operation_request(
        self, request: HttpRequest, operation: Operation, body: OperationBody
    ) -> Failure | None:
        """400 ValidationError for parameters or a body that break their schemas, listing
        the first `validationErrorsListed` (the parameters' named `in.name`)."""
        spec = self.state.spec
        route = self.routes.by_template[operation.template]
        found = parameter_violations(spec, operation, request, route.match(request.path) or {})
        if body.value is not None and body.media is not None:
            found += body_violations(spec, body.media, body.value.instance)
        elif operation.body_required and not body.present:
            found.append("body: is required but missing")
        if not found:
            return None
        listed = self.state.validator.listed
        shown = found[:listed]
        if len(found) > listed:
            shown.append(f"and {len(found) - listed} more")
        return self.fail("schema", "; ".join(shown))

    def spec_answer(self, request: HttpRequest, operation: Operation) -> Answer:
        """The operation's documented success: the planned response (`planned_response`),
        in the media type `Accept` prefers, with the response's declared headers."""
        plan = planned_response(self.state.spec, operation)
        headers = list(plan.headers)
        headers.extend(("Warning", f'199 - "{w}"') for w in plan.warnings)
        if not plan.candidates:
            return Answer(plan.status, None, "", tuple(headers), raw=b"")
        offered = [c.media_type for c in plan.candidates]
        chosen = plan.candidates[negotiate_media(request.header("accept"), offered)]
        if chosen.body is None:
            return Answer(plan.status, None, "", tuple(headers), raw=b"")
        return Answer(plan.status, chosen.payload, chosen.media_type, tuple(headers), chosen.body)
