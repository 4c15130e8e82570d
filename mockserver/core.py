"""What every part of the behaviour shares: the state, the spec's checks, `Failure`, and
the error envelope."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.http import Answer, HttpRequest, accept_ranges
from mockserver.routes import normalise_path
from mockserver.state import MockState
from twosms_contract.contract import Check


@dataclass(frozen=True, slots=True)
class Failure:
    """A check that failed: the answer's status, error code and reason."""

    status: int
    code: str
    reason: str
    headers: tuple[tuple[str, str], ...] = ()


class BehaviourCore:
    """The base of every part of `Behaviour`: `state` (a `MockState`: the spec, the
    account, the clock, the tokens, ledger, IDs and sandbox), the spec's checks by id, and
    `fail(check_id, reason)`, which gives a failure the status and code of its check."""

    def __init__(self, state: MockState) -> None:
        self.state = state
        self.checks: dict[str, Check] = {check.id: check for check in state.spec.terms.checks}

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
        quality = dict(accept_ranges(accept))
        text_q = quality.get("text/json", 0.0)
        if text_q > 0 and text_q >= quality.get("application/json", 0.0):
            return "text/json"
        return "application/json"

    @staticmethod
    def normalise_path(path: str) -> str:
        """Paths compare case-insensitively and ignore a trailing slash."""
        return normalise_path(path)
