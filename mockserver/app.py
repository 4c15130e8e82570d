"""`create_app()`: the Starlette application around one `MockState` (`mockserver.state`,
re-exported here) and its behaviour, and the sandbox endpoints."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from mockserver.behaviour import Behaviour
from mockserver.http import HttpRequest, Receive, Scope, Send
from mockserver.sandbox_page import MESSAGES_PATH, RefusedRecorder
from mockserver.sandbox_page import routes as sandbox_routes
from mockserver.state import Handler, MockState
from mockserver.tokens import Clock
from twosms_contract.fixtures import Account, load_account
from twosms_contract.paths import default_spec
from twosms_contract.spec import Spec, load_spec

__all__ = ["SANDBOX_PATH", "MockApp", "MockState", "create_app", "utc_now"]

SANDBOX_PATH = MESSAGES_PATH
_SANDBOX_PREFIX = "/_sandbox/"


def _project_spec() -> Spec:
    """The default spec (`paths.default_spec`), parsed once per file and version."""
    path = default_spec()
    return _spec_of(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _spec_of(path: Path, mtime_ns: int) -> Spec:
    return load_spec(path)


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Api:
    """The ASGI endpoint of every path but the sandbox's: hands the request to the
    current behaviour (looked up per request, so a replaced behaviour takes effect)."""

    def __init__(self, state: MockState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        recorder = RefusedRecorder(receive)  # the sandbox keeps what was refused
        answer = await self.state.behaviour.handle(HttpRequest(scope, recorder))
        if answer is not None:
            recorder.record(self.state, scope, answer)
            await answer.send(send)


def create_app(
    *,
    account: Account | None = None,
    spec: Spec | None = None,
    clock: Clock | None = None,
    token_lifetime: timedelta | None = None,
    behaviour: Callable[[MockState], Handler] = Behaviour,
) -> Starlette:
    """The mock server as an ASGI app; its state is `app.state.mock` (a `MockState`).

    `account`: the account facts (default: the demo account). `spec`: the loaded spec
    (default: the project's). `clock`: returns the current aware datetime (default: UTC
    now); tests pass their own to expire tokens. `token_lifetime`: default the spec's
    `x-contract.limits.tokenLifetimeSeconds`. `behaviour`: a `Behaviour` subclass (or any
    callable taking the state) to change one piece of what the server does.
    """
    spec = spec if spec is not None else _project_spec()
    account = account if account is not None else load_account()
    if token_lifetime is None:
        token_lifetime = timedelta(seconds=spec.terms.limits.token_lifetime_seconds)
    state = MockState(
        spec=spec,
        account=account,
        clock=clock if clock is not None else utc_now,
        token_lifetime=token_lifetime,
    )
    state.behaviour = behaviour(state)
    api = _Api(state)
    app = MockApp(api, routes=sandbox_routes(state))
    app.router.redirect_slashes = False
    app.router.default = api
    app.state.mock = state
    return app


class MockApp(Starlette):
    """Starlette, with the API's requests handed straight to the mock: they need neither
    routing nor Starlette's middleware (an exception still reaches the server, which
    answers 500), and skipping them is a tenth of the time of a send."""

    def __init__(self, api: _Api, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(_SANDBOX_PREFIX):
            scope["app"] = self
            await self._api(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
