"""`Behaviour`: what the mock does with a request, one small overridable method per check or
step, put together from its parts (each a module of its own):

- `mockserver.http_checks`: path, method, http, auth, media-type, size, charset, json,
  schema.
- `mockserver.rules`: the business rules, `check_<id>` each, in the spec's order.
- `mockserver.steps`: the accepted send (`message_text`, `count_parts`, `price`, `result`,
  `check_balance`, `issue_ids`, `build_success`, `record`).
- `mockserver.token`: `POST /Token`. `mockserver.operations`: every other operation,
  served from the spec.

`handle` runs the checks in the order of the spec's `x-contract.checks`. Each check returns
a `Failure` or None; its status and code come from the spec through `fail(check_id,
reason)`. See the package docstring for how to replace one piece.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mockserver.context import SendContext
from mockserver.core import Failure
from mockserver.http import Answer, HttpRequest
from mockserver.jsonread import DECODER as _DECODER
from mockserver.jsonread import InvalidJson
from mockserver.jsonread import deeper_than as _deeper_than
from mockserver.jsonread import skip_space as _skip_space
from mockserver.operations import OperationBody, ServedOperations
from mockserver.rules import _reach
from mockserver.served import planned_response
from mockserver.state import MockState
from mockserver.steps import SendSteps
from mockserver.token import TOKEN_OPERATION, TokenEndpoint

__all__ = [
    "_DECODER",
    "Behaviour",
    "Failure",
    "InvalidJson",
    "OperationBody",
    "SendContext",
    "_deeper_than",
    "_reach",
    "_skip_space",
]


PATH_CHECK, METHOD_CHECK, HTTP_CHECK, SCHEMA_CHECK = "path", "method", "http", "schema"
SIZE_CHECK = "size"
SEND = "sendMessages"  # the operationId of the send
# The send's request checks (ids of `x-contract.checks`) and the stage that runs each.
_SEND_STAGES = {
    HTTP_CHECK: "stage_http",
    "auth": "stage_auth",
    "media-type": "stage_media_type",
    "charset": "stage_charset",
    "json": "stage_json",
    SCHEMA_CHECK: "stage_schema",
}
_NEED_BODY = (SIZE_CHECK, "json", SCHEMA_CHECK)  # the checks that read the body


class Behaviour(SendSteps, TokenEndpoint, ServedOperations):
    """The contract, executable: every check and step of the mock as one replaceable method.

    `state` (a `MockState`) holds the spec-derived rules, the account, the clock and the
    mutable state (tokens, ledger, IDs, sandbox).
    """

    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        # The operations with business rules of ours; every other one is served from the
        # spec (`serve_operation`).
        self.operations: dict[str, Callable[[HttpRequest, str], Awaitable[Answer | None]]] = {
            SEND: self.handle_send,
            TOKEN_OPERATION: self.token,
        }
        self.token_statuses  # noqa: B018  # read from the spec now, not on a first request
        # The answers of the operations served from the spec, worked out now (cached per
        # spec): not on a first request, which may come from inside a Hypothesis test.
        for operation in self.routes.operations():
            if operation.operation_id not in self.operations:
                planned_response(state.spec, operation)
        # The order of the checks, the spec's (`x-contract.checks`).
        order = tuple(check.id for check in state.spec.terms.checks)
        request_checks = order[: order.index(SCHEMA_CHECK) + 1]
        self.routing_order = routing_order(request_checks)
        self.http_routed = HTTP_CHECK in self.routing_order
        #: The send's checks after the routing ones, in the spec's order.
        self.send_order = tuple(
            c
            for c in request_checks
            if c not in self.routing_order and (c in _SEND_STAGES or c == SIZE_CHECK)
        )
        # Split where the body is read: at the first check that needs it (size, json or
        # schema); the size check is that read.
        first = min(i for i, c in enumerate(self.send_order) if c in _NEED_BODY)
        self._before_body = tuple(getattr(self, _SEND_STAGES[c]) for c in self.send_order[:first])
        self._after_body = tuple(
            getattr(self, _SEND_STAGES[c]) for c in self.send_order[first:] if c != SIZE_CHECK
        )

    async def handle(self, request: HttpRequest) -> Answer | None:
        """Answer one API request; None when the client left before its body was read.

        The routing checks (`path`, then `method`, with `http` where the spec puts it
        among them) run here, then the operation's handler runs the rest (`handle_send`,
        `token`, `serve_operation`)."""
        media_type = self.negotiate(request)
        endpoint: str | None = None
        for check_id in self.routing_order:
            if check_id == PATH_CHECK:
                failure, endpoint = self.check_path(request.path)
            elif check_id == HTTP_CHECK:
                failure = self.check_http(request)
            else:  # the method, after the path (`routing_order`)
                assert endpoint is not None
                failure = self.check_method(endpoint, request.method)
            if failure is not None:
                return self.error_answer(failure, media_type)
        assert endpoint is not None
        operation = self.routes.by_template[endpoint].operations[request.method.upper()]
        handler = self.operations.get(operation.operation_id)
        if handler is None:
            handler = functools.partial(self.serve_operation, operation=operation)
        if not self.http_routed and operation.operation_id != SEND:
            # The spec runs `http` after a check of the operation: the send runs it in its
            # place; the token and the served operations before their own checks.
            failure = self.check_http(request)
            if failure is not None:
                return self.error_answer(failure, media_type)
        return await handler(request, media_type)

    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        """The send: its request checks in the spec's order (`send_order`), then the
        business rules, the balance and the steps (`send`).

        The checks before the first one that needs the body run first, then the body is
        read (the size check, `read_body`), then the rest: the spec's order, with the body
        read where the first check that needs it stands."""
        intake = Intake(request)
        for stage in self._before_body:
            failure = stage(intake)
            if failure is not None:
                return self.error_answer(failure, media_type)
        body = await self.read_body(request)
        if body is None:
            return None
        if isinstance(body, Failure):
            return self.error_answer(body, media_type)
        intake.body = body
        for stage in self._after_body:
            failure = stage(intake)
            if failure is not None:
                return self.error_answer(failure, media_type)
        # The schema stage, always in send_order, has read and checked the body.
        ctx = SendContext(body=intake.instance, now=self.state.clock())
        outcome = self.send(ctx)
        if isinstance(outcome, Failure):
            return self.error_answer(outcome, media_type)
        return Answer(200, outcome, media_type)

    # -- the send's request checks as stages of one request ---------------------------------
    # Each runs one check on an `Intake`; json runs the charset check first when the spec
    # orders it later. The size check is the body's read (`handle_send`).

    def stage_http(self, intake: Intake) -> Failure | None:
        return self.check_http(intake.request)

    def stage_auth(self, intake: Intake) -> Failure | None:
        return self.check_auth(intake.request)

    def stage_media_type(self, intake: Intake) -> Failure | None:
        return self.check_media_type(intake.request)

    def stage_charset(self, intake: Intake) -> Failure | None:
        if intake.charset is not None:
            return None
        charset = self.check_charset(intake.request)
        if isinstance(charset, Failure):
            return charset
        intake.charset = charset
        return None

    def stage_json(self, intake: Intake) -> Failure | None:
        if intake.charset is None:
            failure = self.stage_charset(intake)
            if failure is not None:
                return failure
        assert intake.body is not None and intake.charset is not None
        instance = self.check_json(intake.body, intake.charset)
        if isinstance(instance, Failure):
            return instance
        intake.instance = instance
        intake.parsed = True
        return None

    def stage_schema(self, intake: Intake) -> Failure | None:
        if not intake.parsed:
            failure = self.stage_json(intake)
            if failure is not None:
                return failure
        return self.check_schema(intake.instance)


@dataclass(slots=True)
class Intake:
    """What the send's request checks have read so far of one request."""

    request: HttpRequest
    body: bytes | None = None
    charset: str | None = None
    parsed: bool = False  # whether the body was read as JSON, into `instance`
    instance: Any = None


def routing_order(order: tuple[str, ...]) -> tuple[str, ...]:
    """The checks `handle` runs before it knows the operation: `path`, then `method` (a
    method is judged on a known path), with `http` before them when the spec puts it in
    their leading run, or between them when the spec does."""
    leading: list[str] = []
    for check_id in order:
        if check_id not in (PATH_CHECK, METHOD_CHECK, HTTP_CHECK):
            break
        leading.append(check_id)
    routing = [PATH_CHECK, METHOD_CHECK]
    if HTTP_CHECK in leading:
        at = leading.index(HTTP_CHECK)
        routing.insert(len([c for c in leading[:at] if c != HTTP_CHECK]), HTTP_CHECK)
    return tuple(routing)
