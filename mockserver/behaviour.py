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

from collections.abc import Awaitable, Callable

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
from mockserver.token import TokenEndpoint

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
            "sendMessages": self.handle_send,
            "getToken": self.token,
        }
        # The answers of the operations served from the spec, worked out now (cached per
        # spec): not on a first request, which may come from inside a Hypothesis test.
        for operation in self.routes.operations():
            if operation.operation_id not in self.operations:
                planned_response(state.spec, operation)

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
