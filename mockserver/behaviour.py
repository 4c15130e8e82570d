"""What the mock does with a request, one small overridable method per check or step.

`Behaviour.handle` runs the checks in the order of the spec's `x-contract.checks` (path,
method, http, auth, media-type, size, charset, json, schema, the business rules, balance)
and then the steps of an accepted send (`message_text`, `count_parts`, `price`, `charge`,
`issue_ids`, `build_success`, `record`). Each check returns a `Failure` or None; its status
and code come from the spec through `fail(check_id, reason)`. See the package docstring for
how to replace one piece.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote_plus

from mockserver.http import Answer, BodyMismatch, BodyTooLarge, ClientGone, HttpRequest
from mockserver.instants import instant_of, parse_instant
from mockserver.ledger import Debit
from mockserver.parts import PartCount
from mockserver.routes import MediaType, Operation, RouteTable, normalise_path
from mockserver.sandbox import SentMessage
from mockserver.sandbox_page import part_ends
from mockserver.served import (
    body_violations,
    declared_media,
    form_value,
    is_json,
    parameter_violations,
    planned_response,
)
from mockserver.served import negotiate as negotiate_media
from mockserver.validation import json_path, show
from twosms_contract.contract import Check

if TYPE_CHECKING:
    from mockserver.app import MockState

_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")
_CHANNEL_NAMES = {0: "default", 1: "e-mail", 2: "SMS", 3: "e-mail and SMS"}
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_MAX_INT_DIGITS = 4300  # CPython's int <-> str limit; longer integer literals are refused


@dataclass(frozen=True, slots=True)
class Failure:
    """A check that failed: the answer's status, error code and reason."""

    status: int
    code: str
    reason: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class SendContext:
    """One send request as it goes through the business rules and the steps after them."""

    body: dict[str, Any]
    now: datetime
    sms: dict[str, None] = field(default_factory=dict)  # distinct numbers, in order
    emails: dict[str, str] = field(default_factory=dict)  # lower-case -> as first given
    contacts: dict[str, None] = field(default_factory=dict)  # distinct contacts reached
    text: str = ""
    count: PartCount | None = None
    credits: int = 0
    debit: Debit | None = None
    standard_ids: dict[str, list[str]] = field(default_factory=dict)
    advanced_id: str | None = None
    result: str = "Sent"

    type: int = field(init=False)
    recipients: Mapping[str, Any] = field(init=False)  # the three maps of `Contacts`
    options: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        # The body has passed the schema: Type is 0, 1 or 2 (maybe 2.0), the rest objects.
        self.type = int(self.body["Type"])
        contacts, options = self.body.get("Contacts"), self.body.get("Options")
        self.recipients = contacts if isinstance(contacts, dict) else {}
        self.options = options if isinstance(options, dict) else {}


@dataclass(frozen=True, slots=True)
class _Present:
    """A parsed body (a box, so that a JSON `null` body is told from no body)."""

    instance: Any


@dataclass(frozen=True, slots=True)
class OperationBody:
    """The body of a served operation: its media type, the parsed value (JSON or form)
    when it is one, or the raw bytes of another media type."""

    media: MediaType | None
    value: _Present | None  # the JSON or form value, None for another media type
    present: bool  # whether the request had a body


class InvalidJson(ValueError):
    """A body that is not JSON this server reads (NaN, Infinity, a too long number)."""


def _reject_constant(name: str) -> Any:
    raise InvalidJson(f"{name} is not JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InvalidJson(f"number {text[:40]} is out of range")
    return value


def _parse_int(text: str) -> int:
    if len(text) > _MAX_INT_DIGITS:
        raise InvalidJson(f"an integer of {len(text)} digits is too long to read")
    return int(text)


_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int
)


class Behaviour:
    """The contract, executable: every check and step of the mock as one replaceable method.

    `state` (a `MockState`) holds the spec-derived rules, the account, the clock and the
    mutable state (tokens, ledger, IDs, sandbox).
    """

    #: The business rules, in the spec's order (ids of `x-contract.checks` after `schema`
    #: and before `balance`); `rule_methods()` maps each to `check_<id>`.
    business_rule_ids: tuple[str, ...]

    def __init__(self, state: MockState) -> None:
        self.state = state
        terms = state.spec.terms
        self.checks: dict[str, Check] = {check.id: check for check in terms.checks}
        self.business_rule_ids = tuple(check.id for check in terms.business_rules)
        self._rule_method_names = tuple(
            "check_" + rule.replace("-", "_") for rule in self.business_rule_ids
        )
        self._rule_getter = _attributes_getter(self._rule_method_names)
        self.max_body = terms.limits.max_body_bytes
        self.max_depth = terms.limits.max_json_depth
        self.request_media_types = terms.media_types.request
        self.response_media_types = terms.media_types.response
        self.charsets = terms.media_types.charsets
        # The Sender and Reference rules are their schemas' (the fields their checks name).
        reference = terms.field(self.checks["invalid-reference"].field or "$")
        self.reference_max = reference.max_length if reference.max_length is not None else 1 << 30
        sender = terms.field(self.checks["invalid-sender"].field or "$")
        self.sender_pattern = re.compile(sender.pattern.pattern if sender.pattern else ".*")
        self.sender_lengths = (sender.min_length or 0, sender.max_length or 1 << 30)
        # How the reason says the rule: the longest sender of letters and of digits it allows.
        self.sender_rule = (
            f"1-{sender.longest('A')} letters/digits/spaces nor 1-{sender.longest('1')} digits"
        )
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
        # The operations with business rules of ours; every other one is served from the
        # spec (`serve_operation`).
        self.operations: dict[str, Callable[[HttpRequest, str], Awaitable[Answer | None]]] = {
            "sendMessages": self.handle_send,
            "getToken": self.token,
        }
        # The answers of the operations served from the spec, worked out now (cached per
        # spec): not on a first request, which may come from inside a Hypothesis test.
        for operation in self.routes.operations():
            if operation.operation_id not in self.operations:
                planned_response(state.spec, operation)

    # -- answers ----------------------------------------------------------------------------

    def fail(
        self, check_id: str, reason: str, *, headers: tuple[tuple[str, str], ...] = ()
    ) -> Failure:
        """The failure of a check, with the status and code the spec gives that check."""
        check = self.checks[check_id]
        return Failure(check.status, check.code, reason, headers)

    def error_answer(self, failure: Failure, media_type: str) -> Answer:
        payload = {
            "Error": {"ErrorCode": failure.code, "ErrorReason": failure.reason},
            "ResponseData": None,
        }
        return Answer(failure.status, payload, media_type, failure.headers)

    def negotiate(self, request: HttpRequest) -> str:
        """`text/json` when the request's Accept asks for it (and not more for JSON), else
        `application/json`."""
        accept = request.header("accept")
        if not accept or "text/json" not in accept.lower():
            return "application/json"
        quality: dict[str, float] = {}
        for item in accept.split(","):
            kind, _, params = item.partition(";")
            q = 1.0
            for param in params.split(";"):
                name, _, value = param.partition("=")
                if name.strip().lower() == "q":
                    try:
                        q = float(value.strip())
                    except ValueError:
                        q = 0.0
            quality[kind.strip().lower()] = q
        text_q = quality.get("text/json", 0.0)
        if text_q > 0 and text_q >= quality.get("application/json", 0.0):
            return "text/json"
        return "application/json"

    # -- the pipeline -----------------------------------------------------------------------

    async def handle(self, request: HttpRequest) -> Answer | None:
        """Answer one API request; None when the client left before its body was read."""
        media_type = self.negotiate(request)
        failure, endpoint = self.check_path(request.path)
        if failure is None and endpoint is not None:
            failure = self.check_method(endpoint, request.method)
        if failure is None:
            failure = self.check_http(request)
        if failure is not None:
            return self.error_answer(failure, media_type)
        assert endpoint is not None
        operation = self.routes.by_template[endpoint].operations[request.method.upper()]
        handler = self.operations.get(operation.operation_id)
        if handler is not None:
            return await handler(request, media_type)
        return await self.serve_operation(request, media_type, operation)

    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        failure = self.check_auth(request) or self.check_media_type(request)
        if failure is not None:
            return self.error_answer(failure, media_type)
        body = await self.read_body(request)
        if body is None:
            return None
        if isinstance(body, Failure):
            return self.error_answer(body, media_type)
        charset = self.check_charset(request)
        if isinstance(charset, Failure):
            return self.error_answer(charset, media_type)
        instance = self.check_json(body, charset)
        if isinstance(instance, Failure):
            return self.error_answer(instance, media_type)
        failure = self.check_schema(instance)
        if failure is not None:
            return self.error_answer(failure, media_type)
        ctx = SendContext(body=instance, now=self.state.clock())
        outcome = self.send(ctx)
        if isinstance(outcome, Failure):
            return self.error_answer(outcome, media_type)
        return Answer(200, outcome, media_type)

    def send(self, ctx: SendContext) -> dict[str, Any] | Failure:
        """The business rules in order, then the balance, then the accepted send's steps."""
        for method in self.rule_methods():
            failure = method(ctx)
            if failure is not None:
                return failure
        ctx.text = self.message_text(ctx)
        ctx.count = self.count_parts(ctx.text)
        ctx.credits = self.price(ctx)
        ctx.result = self.result(ctx)
        failure = self.check_balance(ctx)
        if failure is not None:
            return failure
        self.issue_ids(ctx)
        payload = self.build_success(ctx)
        self.record(ctx)
        return payload

    def rule_methods(self) -> list[Callable[[SendContext], Failure | None]]:
        """The business-rule checks, in the spec's order (looked up per call, so a method
        replaced on the instance takes effect)."""
        return list(self._rule_getter(self))

    # -- HTTP checks ------------------------------------------------------------------------

    @staticmethod
    def normalise_path(path: str) -> str:
        """Paths compare case-insensitively and ignore a trailing slash."""
        return normalise_path(path)

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
            value, end = _DECODER.raw_decode(text, _skip_space(text, 0))
            if _skip_space(text, end) != len(text):
                raise json.JSONDecodeError("Extra data", text, _skip_space(text, end))
        except json.JSONDecodeError as exc:
            return self.fail(
                "json", f"Malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            )
        except InvalidJson as exc:
            return self.fail("json", f"Malformed JSON: {exc}")
        except RecursionError:
            return self.fail("json", f"Malformed JSON: nesting deeper than {self.max_depth}")
        # Nesting deeper than the limit needs more than `limit` brackets: count them first.
        if text.count("{") + text.count("[") > self.max_depth and _deeper_than(
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

    # -- business rules: recipients ---------------------------------------------------------

    def check_no_recipients(self, ctx: SendContext) -> Failure | None:
        maps = ctx.recipients
        if maps.get("QuickRecipients") or maps.get("ContactID") or maps.get("GroupID"):
            return None
        return self.fail("no-recipients", f"$.Contacts: {show(dict(maps))} names no recipient")

    def check_unknown_contact(self, ctx: SendContext) -> Failure | None:
        account = self.state.account
        for number in ctx.recipients.get("ContactID", {}):
            if number not in account.contacts:
                return self.fail(
                    "unknown-contact",
                    f"{json_path(('Contacts', 'ContactID', number))}: no such contact",
                )
        return None

    def check_unknown_group(self, ctx: SendContext) -> Failure | None:
        account = self.state.account
        for guid in ctx.recipients.get("GroupID", {}):
            if account.group(guid) is None:
                return self.fail(
                    "unknown-group", f"{json_path(('Contacts', 'GroupID', guid))}: no such group"
                )
        return None

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        """Resolve every recipient to SMS numbers and e-mail addresses; a quick recipient or a
        contact named directly that the asked channel cannot reach is InvalidRecipient; a
        group member without the asked channel is skipped; nobody left is NoRecipients."""
        quick = ctx.recipients.get("QuickRecipients", {})
        for key, channel in quick.items():
            is_phone = key.startswith("+")
            wants_sms = channel in (2, 3) or (channel == 0 and is_phone)
            wants_email = channel in (1, 3) or (channel == 0 and not is_phone)
            if (wants_sms and not is_phone) or (wants_email and is_phone):
                what = "a phone number" if is_phone else "an e-mail address"
                return self.fail(
                    "invalid-recipient",
                    f"{json_path(('Contacts', 'QuickRecipients', key))}: channel {channel}"
                    f" ({_CHANNEL_NAMES.get(int(channel), '?')}) cannot reach {what}",
                )
            if is_phone:
                ctx.sms.setdefault(key, None)
            else:
                ctx.emails.setdefault(key.lower(), key)
        account = self.state.account
        for number, channel in ctx.recipients.get("ContactID", {}).items():
            contact = account.contacts[number]
            phones, emails = _reach(contact.phone, contact.email, int(channel))
            wants_sms = channel in (2, 3) or (channel == 0 and contact.phone is not None)
            wants_email = channel in (1, 3) or (channel == 0 and contact.phone is None)
            if (wants_sms and not phones) or (wants_email and not emails):
                has = [
                    n for n, v in (("phone", contact.phone), ("e-mail", contact.email)) if v
                ] or ["nothing"]
                return self.fail(
                    "invalid-recipient",
                    f"{json_path(('Contacts', 'ContactID', number))}: channel {channel}"
                    f" ({_CHANNEL_NAMES.get(int(channel), '?')}) cannot reach contact {number},"
                    f" who has {' and '.join(has)}",
                )
            self._add(ctx, number, phones, emails)
        for guid, channel in ctx.recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                contact = account.contacts[member]
                phones, emails = _reach(contact.phone, contact.email, int(channel))
                self._add(ctx, member, phones, emails)
        return self.check_nobody_left(ctx)

    @staticmethod
    def _add(
        ctx: SendContext, contact: str, phones: tuple[str, ...], emails: tuple[str, ...]
    ) -> None:
        if not phones and not emails:
            return
        ctx.contacts.setdefault(contact, None)
        for phone in phones:
            ctx.sms.setdefault(phone, None)
        for email in emails:
            ctx.emails.setdefault(email.lower(), email)

    def check_nobody_left(self, ctx: SendContext) -> Failure | None:
        if ctx.sms or ctx.emails:
            return None
        return self.fail(
            "no-recipients",
            f"$.Contacts: {show(dict(ctx.recipients))} leaves no SMS number or e-mail address"
            " (no group member has the asked channel)",
        )

    # -- business rules: content ------------------------------------------------------------

    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if "Template" in ctx.body:
            return None
        content = ctx.body.get("Content")
        if content is None:
            return self.fail("no-content", "$.Content: missing and there is no Template")
        if content == "":
            return self.fail("no-content", '$.Content: "" is empty and there is no Template')
        return None

    def template_text(self, ctx: SendContext) -> str | None:
        template = ctx.body.get("Template")
        if not isinstance(template, dict) or "ID" not in template:
            return None
        return self.state.account.template(str(template["ID"]))

    def check_unknown_template(self, ctx: SendContext) -> Failure | None:
        template = ctx.body.get("Template")
        if template is None or self.template_text(ctx) is not None:
            return None
        if "ID" not in template:
            return self.fail("unknown-template", "$.Template.ID: missing, so no template")
        return self.fail(
            "unknown-template", f"$.Template.ID: {show(template['ID'])} is no template"
        )

    def check_missing_placeholder(self, ctx: SendContext) -> Failure | None:
        text = self.template_text(ctx)
        if text is None:
            return None
        values = ctx.body["Template"].get("PlaceHolders", {})
        for number in _PLACEHOLDER.findall(text):
            if number not in values:
                path = json_path(("Template", "PlaceHolders", number))
                return self.fail(
                    "missing-placeholder", f"{path}: missing, the template uses {{{number}}}"
                )
        return None

    # -- business rules: options ------------------------------------------------------------

    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if sender is None:
            return None
        low, high = self.sender_lengths
        if low <= len(sender) <= high and self.sender_pattern.fullmatch(sender):
            return None
        return self.fail(
            "invalid-sender",
            f"$.Options.Sender: {show(sender)} is not {self.sender_rule}",
        )

    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if reference is None or len(reference) <= self.reference_max:
            return None
        return self.fail(
            "invalid-reference",
            f"$.Options.Reference: {show(reference)} is {len(reference)} characters, "
            f"at most {self.reference_max}",
        )

    def check_invalid_expiry(self, ctx: SendContext) -> Failure | None:
        expiry = ctx.options.get("ExpiryDate")
        if expiry is None:
            return None
        now = instant_of(ctx.now)
        send_at = parse_instant(ctx.options.get("DateToSend", "")) or now
        ends = parse_instant(expiry)
        if ends is None:
            return self.fail(
                "invalid-expiry", f"$.Options.ExpiryDate: {show(expiry)} is not a date-time"
            )
        if send_at > now:
            if ends > send_at:
                return None
            told = f"DateToSend {show(ctx.options['DateToSend'])}"
        else:
            if ends > now:
                return None
            told = f"now ({ctx.now.isoformat()})"
        return self.fail(
            "invalid-expiry", f"$.Options.ExpiryDate: {show(expiry)} is not after {told}"
        )

    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type != 2:
            return None
        recurring = ctx.options.get("RecurringOptions")
        if recurring is None:
            return self.fail(
                "missing-recurring-options", "$.Options.RecurringOptions: required when Type is 2"
            )
        end = recurring.get("Range", 0)
        if end == 1 and "OccurrencesEnd" not in recurring:
            return self.fail(
                "missing-recurring-options",
                "$.Options.RecurringOptions.OccurrencesEnd: required when Range is 1",
            )
        if end == 2 and "ExpiryDate" not in ctx.options:
            return self.fail(
                "missing-recurring-options",
                "$.Options.ExpiryDate: required when RecurringOptions.Range is 2",
            )
        return None

    # -- an accepted send -------------------------------------------------------------------

    def message_text(self, ctx: SendContext) -> str:
        """`Content`, or the template with its placeholders filled in (in one pass)."""
        text = self.template_text(ctx)
        if text is None:
            return str(ctx.body.get("Content", ""))
        values = ctx.body["Template"].get("PlaceHolders", {})
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)

    def count_parts(self, text: str) -> PartCount:
        return self.state.parts.count(text)

    def price(self, ctx: SendContext) -> int:
        """One credit per SMS part per SMS number; e-mails are free."""
        assert ctx.count is not None
        return ctx.count.parts * len(ctx.sms)

    def result(self, ctx: SendContext) -> str:
        if ctx.type == 2:
            return "Scheduled"
        when = ctx.options.get("DateToSend")
        at = parse_instant(when) if isinstance(when, str) else None
        return "Scheduled" if at is not None and at > instant_of(ctx.now) else "Sent"

    def check_balance(self, ctx: SendContext) -> Failure | None:
        """Debit the credits in one step with the check, or 402 with nothing sent."""
        debit = self.state.ledger.debit(ctx.credits)
        if debit is None:
            return self.fail(
                "balance", f"CreditsUsed: {ctx.credits} needed, balance {self.state.ledger.balance}"
            )
        ctx.debit = debit
        return None

    def issue_ids(self, ctx: SendContext) -> None:
        assert ctx.count is not None
        if ctx.type == 1:
            ids = self.state.ids
            ctx.standard_ids = {number: ids.standard(ctx.count.parts) for number in ctx.sms}
        else:
            ctx.advanced_id = self.state.ids.advanced()

    def build_success(self, ctx: SendContext) -> dict[str, Any]:
        assert ctx.debit is not None
        quick = ctx.recipients.get("QuickRecipients", {})
        return {
            "Error": None,
            "ResponseData": {
                "Identification": {"UserId": self.state.account.user_id},
                "Result": ctx.result,
                "Detail": {
                    "IDs": {
                        "AdvancedMessageID": ctx.advanced_id,
                        "StandardMessageIDs": ctx.standard_ids,
                    },
                    "NoOfContacts": str(len(ctx.contacts)),
                    "NoOfQuickRecipients": str(len(quick)),
                    "NoOfSMS": str(ctx.credits),
                    "NoOfEmails": str(len(ctx.emails)),
                    "PreTransaction": str(ctx.debit.pre),
                    "PostTransaction": str(ctx.debit.post),
                    "CreditsUsed": str(ctx.debit.credits),
                    "MessageText": ctx.text,
                },
            },
        }

    def record(self, ctx: SendContext) -> None:
        """Keep the accepted message in the sandbox."""
        assert ctx.count is not None
        sandbox = self.state.sandbox
        options = ctx.options
        sandbox.record(
            SentMessage(
                seq=sandbox.next_seq(),
                received_at=ctx.now,
                type=ctx.type,
                result=ctx.result,
                text=ctx.text,
                encoding=ctx.count.encoding,
                parts=ctx.count.parts,
                sms=tuple(ctx.sms),
                emails=tuple(ctx.emails.values()),
                contacts=tuple(ctx.contacts),
                credits=ctx.credits,
                standard_message_ids=ctx.standard_ids,
                advanced_message_id=ctx.advanced_id,
                sender=options.get("Sender"),
                reference=options.get("Reference"),
                date_to_send=options.get("DateToSend"),
                part_ends=part_ends(self.state.parts, ctx.text),
                request=ctx.body,
            )
        )

    # -- operations served from the spec ----------------------------------------------------

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
            return OperationBody(media, _Present(instance), present=True)
        if media.name.lower().startswith("application/x-www-form-urlencoded"):
            form = form_value(self.state.spec, media, raw)
            return OperationBody(media, _Present(form), present=True)
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

    # -- POST /Token ------------------------------------------------------------------------

    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        """The client-credentials grant (RFC 6749 sections 4.4 and 5)."""
        declared = self.declared_length(request)
        if declared is not None and declared > self.max_body:
            return self.token_error(
                "invalid_request", f"body: {declared} bytes, at most {self.max_body}"
            )
        try:
            body = await request.read_body(self.max_body, declared)
        except BodyTooLarge:
            return self.token_error("invalid_request", f"body: more than {self.max_body} bytes")
        except BodyMismatch as exc:
            return self.error_answer(self.fail("http", str(exc)), media_type)
        except ClientGone:
            return None
        parsed = self.content_type(request)
        if parsed is None or parsed[0] != "application/x-www-form-urlencoded":
            return self.token_error(
                "invalid_request",
                "Content-Type: the body must be application/x-www-form-urlencoded",
            )
        pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        names = [name for name, _ in pairs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            return self.token_error("invalid_request", f"parameter {repeated[0]} is repeated")
        form = dict(pairs)
        grant = form.get("grant_type")
        if not grant:
            return self.token_error("invalid_request", "grant_type is missing")
        if grant != "client_credentials":
            return self.token_error(
                "unsupported_grant_type", f"grant_type {grant!r} is not client_credentials"
            )
        credentials = self.client_credentials(request, form)
        if isinstance(credentials, str):
            return self.token_error(*credentials.split(":", 1))
        account = self.state.account
        if credentials != (account.client_id, account.client_secret):
            return self.token_error("invalid_client", "unknown client or wrong secret")
        token = self.state.tokens.issue(account.client_id)
        lifetime = int(self.state.tokens.lifetime.total_seconds())
        payload = {"access_token": token.value, "token_type": "bearer", "expires_in": lifetime}
        return Answer(200, payload, "application/json", _NO_STORE)

    @staticmethod
    def client_credentials(request: HttpRequest, form: Mapping[str, str]) -> tuple[str, str] | str:
        """(id, secret) from HTTP Basic or the form; "error:description" when unusable."""
        header = request.header("authorization")
        in_form = "client_id" in form or "client_secret" in form
        if header is not None and header.strip().lower().startswith("basic "):
            if in_form:
                return "invalid_request:credentials both in Authorization and in the body"
            try:
                decoded = base64.b64decode(header.strip()[6:].strip(), validate=True).decode(
                    "utf-8"
                )
            except (binascii.Error, UnicodeDecodeError):
                return "invalid_client:Authorization: Basic credentials are not base64 of id:secret"
            client_id, sep, secret = decoded.partition(":")
            if not sep:
                return "invalid_client:Authorization: Basic credentials have no ':'"
            return unquote_plus(client_id), unquote_plus(secret)
        if not in_form:
            return "invalid_client:no client credentials"
        return form.get("client_id", ""), form.get("client_secret", "")

    def token_error(self, error: str, description: str) -> Answer:
        payload = {"error": error, "error_description": description}
        return Answer(400, payload, "application/json", _NO_STORE)


_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def _attributes_getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """A function that looks up every attribute of `names` on an object, in one call."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` deep (the top level is depth 1)."""
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def _reach(
    phone: str | None, email: str | None, channel: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The numbers and addresses a channel reaches on a contact (what it has of them)."""
    if channel == 0:
        return ((phone,), ()) if phone else ((), (email,) if email else ())
    phones = (phone,) if phone and channel in (2, 3) else ()
    emails = (email,) if email and channel in (1, 3) else ()
    return phones, emails
