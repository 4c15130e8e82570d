"""The suite's vocabulary: what a probe sends, what it saw, and what it reports.

A *check* is a family of rules (`error-codes`, `success-invariants`, `auth`, ...); a *rule*
is one statement of the contract (`NoRecipients`, `credits-arithmetic`, ...). Every
violation names both, with what was received and what the contract expects, and the
exchange that shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from twosms_contract.fixtures import Account
    from twosms_contract.spec import Spec


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """An HTTP request as sent (the bearer token is redacted when reported)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None
    json_body: Any = None  # the JSON value when the body was built from one


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """An HTTP response as received."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Violation:
    """One way the server broke the contract."""

    check: str
    rule: str
    message: str
    received: str
    expected: str
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None


def violation(
    exchange: Exchange | None, check: str, rule: str, message: str, received: str, expected: str
) -> Violation:
    """A violation shown by `exchange` (its request and response kept for the report)."""
    return Violation(
        check=check,
        rule=rule,
        message=message,
        received=received,
        expected=expected,
        request=exchange.request if exchange else None,
        response=exchange.response if exchange else None,
    )


@dataclass(frozen=True, slots=True)
class Exchange:
    """A request and its response."""

    request: RecordedRequest
    response: RecordedResponse


@dataclass(frozen=True, slots=True)
class BoundaryObservation:
    """One row of the report's boundary table: a limit probed below, at or above."""

    limit: str  # e.g. "GSM-7 single part (160 septets)"
    side: str  # "below" | "at" | "above"
    value: str  # what was sent, e.g. "160 septets"
    expected: str  # e.g. "1 part" or "400 InvalidReference"
    observed: str
    ok: bool


@dataclass(slots=True)
class Outcome:
    """What one probe or property found: how many cases ran and what broke."""

    check: str
    rule: str
    cases: int = 0
    violations: list[Violation] = field(default_factory=list)


CheckResults = Mapping[tuple[str, str], Outcome]


class Progress(Protocol):
    """Told what the run is doing; the CLI draws it."""

    def stage(self, name: str) -> None: ...

    def advance(self, cases: int) -> None:
        """`cases` is the run's total so far."""


# The operations of ours the suite sends to, by their operationId in the spec.
SEND_OPERATION, TOKEN_OPERATION = "sendMessages", "getToken"


class Judged(Protocol):
    """What the response rules read of a session (`contract_tests.session.Session`): the
    spec and account they judge by, and whether sends run in series (ledger continuity)."""

    @property
    def spec(self) -> Spec: ...

    @property
    def account(self) -> Account: ...

    @property
    def series(self) -> bool: ...

    @property
    def send_path(self) -> str: ...
