"""`MockState`: everything the mock knows and keeps, without the behaviour that uses it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from mockserver.http import Answer, HttpRequest
from mockserver.ledger import Ledger, MessageIds
from mockserver.parts import PartCounter
from mockserver.sandbox import Sandbox
from mockserver.tokens import Clock, TokenStore
from mockserver.validation import RequestValidator
from twosms_contract.fixtures import Account
from twosms_contract.spec import Spec


class Handler(Protocol):
    """What the app hands a request to (a `mockserver.behaviour.Behaviour`)."""

    async def handle(self, request: HttpRequest) -> Answer | None: ...


class MockState:
    """Spec-derived rules, the account, the clock, the tokens, the ledger, the issued IDs,
    the sandbox, and `behaviour`: what answers a request (set by `create_app`).

    Reach it as `app.state.mock`. Replace `behaviour` (or pass `behaviour=` to
    `create_app`) to change what the server does; it is looked up per request.
    """

    behaviour: Handler

    def __init__(
        self,
        *,
        spec: Spec,
        account: Account,
        clock: Clock,
        token_lifetime: timedelta,
        sandbox_capacity: int = 10_000,
    ) -> None:
        self.spec = spec
        self.contract: dict[str, Any] = spec.contract
        self.account = account
        self.clock = clock
        self.parts = PartCounter(spec.terms.parts)
        self.validator = RequestValidator(spec)
        self.tokens = TokenStore(clock=clock, lifetime=token_lifetime)
        self.ledger = Ledger(account.balance)
        self.ids = MessageIds()
        self.sandbox = Sandbox(sandbox_capacity)

    def issue_token(self) -> str:
        """A valid bearer token for the account, without going through `POST /Token`."""
        return self.tokens.issue(self.account.client_id).value

    def mint_expired_token(self) -> str:
        """A bearer token that has already expired (for tests of the 401 on expiry)."""
        return self.tokens.mint_expired(self.account.client_id).value
