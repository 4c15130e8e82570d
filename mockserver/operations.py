"""Every operation of the spec without business rules of ours, served from the spec (see
`mockserver.served`): `check_security`/`check_scheme` (auth), `read_operation_body` (the
body's media type, size, charset and JSON), `check_operation_request` (the parameters' and
the body's schemas), then `spec_answer`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mockserver.core import Failure
from mockserver.http import Answer, ClientGone, HttpRequest
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
from mockserver.state import MockState
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


@dataclass(slots=True)
class OperationIntake:
    """What the checks of a served operation have read so far of one request."""

    request: HttpRequest
    operation: Operation
    media_checked: bool = False
    media: MediaType | None = None  # the body's media type, when it has one
    raw: bytes | None = None
    charset: str | None = None
    body: OperationBody | None = None


# The checks of a served operation (ids of `x-contract.checks`) and the stage of each.
SERVED_STAGES = {
    "auth": "served_auth",
    "media-type": "served_media_type",
    "size": "served_size",
    "charset": "served_charset",
    "json": "served_json",
    "schema": "served_schema",
}


class ServedOperations(HttpChecks):
    """The checks and the answer of an operation served from the spec."""

    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        #: The served operations' checks, in the spec's order (`http` runs before them).
        self.served_order = tuple(
            check.id for check in state.spec.terms.checks if check.id in SERVED_STAGES
        )
        self._served_stages: dict[str, Callable[[OperationIntake], Awaitable[Failure | None]]]
        self._served_stages = {c: getattr(self, SERVED_STAGES[c]) for c in self.served_order}

    async def serve_operation(
        self, request: HttpRequest, media_type: str, operation: Operation
    ) -> Answer | None:
        """An operation without business rules of ours, served from the spec (see
        `mockserver.served`): its checks in the spec's order (`served_order`: security, the
        body's media type, size, charset and JSON, the parameters' and the body's schemas),
        then `spec_answer`."""
        intake = OperationIntake(request, operation)
        try:
            for check_id in self.served_order:
                failure = await self._served_stages[check_id](intake)
                if failure is not None:
                    return self.error_answer(failure, media_type)
        except ClientGone:
            return None
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
        (415), its size (413), its charset and JSON (415, 400 InvalidJson), in this order;
        None when the client left. An operation without a `requestBody` reads none."""
        intake = OperationIntake(request, operation)
        try:
            failure = await self.served_media_type(intake) or await self.served_size(intake)
            failure = failure or await self.served_charset(intake) or await self.served_json(intake)
        except ClientGone:
            return None
        return failure or intake.body

    # -- the checks of a served operation as stages of one request ---------------------------
    # A stage that needs what another reads (the media type, the body, the charset) runs
    # that one first when the spec orders it later.

    async def served_auth(self, intake: OperationIntake) -> Failure | None:
        return self.check_security(intake.request, intake.operation)

    async def served_media_type(self, intake: OperationIntake) -> Failure | None:
        """The body's media type among the operation's (none when it takes no body, or
        when the request has neither a Content-Type nor a body)."""
        intake.media_checked = True
        request, operation = intake.request, intake.operation
        if not operation.body:
            return None
        parsed = self.content_type(request)
        wanted = ", ".join(m.name for m in operation.body)
        if parsed is None:
            declared = self.declared_length(request)
            if not declared and request.header("transfer-encoding") is None:
                return None
            return self.fail("media-type", f"Content-Type: missing, expected one of {wanted}")
        intake.media = declared_media(operation, parsed[0])
        if intake.media is None:
            return self.fail(
                "media-type",
                f"Content-Type: {show(request.header('content-type'))} is not one of {wanted}",
            )
        return None

    async def served_size(self, intake: OperationIntake) -> Failure | None:
        """Read the body (`read_body`, capped at the size limit), if there is one to read."""
        if not intake.operation.body or intake.raw is not None:
            return None
        if intake.media_checked and intake.media is None:
            return None
        raw = await self.read_body(intake.request)
        if raw is None:
            raise ClientGone
        if isinstance(raw, Failure):
            return raw
        intake.raw = raw
        return None

    async def served_charset(self, intake: OperationIntake) -> Failure | None:
        """The charset of a JSON body that is not empty."""
        if not intake.media_checked:
            failure = await self.served_media_type(intake)
            if failure is not None:
                return failure
        if intake.media is None or not is_json(intake.media.name) or intake.raw == b"":
            return None
        charset = self.check_charset(intake.request)
        if isinstance(charset, Failure):
            return charset
        intake.charset = charset
        return None

    async def served_json(self, intake: OperationIntake) -> Failure | None:
        """The body parsed: JSON (400 InvalidJson), a form, or another media type's bytes."""
        if not intake.media_checked:
            failure = await self.served_media_type(intake)
            if failure is not None:
                return failure
        media = intake.media
        if media is None:
            intake.body = OperationBody(None, None, present=False)
            return None
        if intake.raw is None:
            failure = await self.served_size(intake)
            if failure is not None:
                return failure
        raw = intake.raw or b""
        if not raw:
            intake.body = OperationBody(media, None, present=False)
        elif is_json(media.name):
            if intake.charset is None:
                failure = await self.served_charset(intake)
                if failure is not None:
                    return failure
            instance = self.check_json(raw, intake.charset or "utf-8")
            if isinstance(instance, Failure):
                return instance
            intake.body = OperationBody(media, Present(instance), present=True)
        elif media.name.lower().startswith("application/x-www-form-urlencoded"):
            form = form_value(self.state.spec, media, raw)
            intake.body = OperationBody(media, Present(form), present=True)
        else:
            intake.body = OperationBody(media, None, present=True)
        return None

    async def served_schema(self, intake: OperationIntake) -> Failure | None:
        if intake.body is None:
            failure = await self.served_json(intake)
            if failure is not None:
                return failure
        assert intake.body is not None
        return self.check_operation_request(intake.request, intake.operation, intake.body)

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
