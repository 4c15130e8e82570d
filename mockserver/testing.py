"""Helpers for driving the mock in process (its own tests, the contract suite, client devs).

client = MockClient()                 # a fresh app on the demo account
response = client.send(public_request())
client.state.ledger.balance
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette

from mockserver.app import MockState, create_app
from twosms_contract.asgi import ASGICaller, SyncASGITransport

_PUBLIC_REQUEST: dict[str, Any] = {
    "Contacts": {"QuickRecipients": {"+12345678901": 2}},
    "Content": "Standard Send Test",
    "Options": {},
    "Type": 1,
}


def public_request(**fields: Any) -> dict[str, Any]:
    """The request 2SMS's public pages show as accepted, with `fields` replaced."""
    body = copy.deepcopy(_PUBLIC_REQUEST)
    body.update(fields)
    return body


class SyncASGIClient:
    """httpx, synchronously, on an ASGI app in process, through the project's one caller
    (`twosms_contract.asgi`). Exceptions inside the app propagate, so a bug that would be
    a 500 fails the test that found it, with its traceback."""

    def __init__(self, app: Starlette, base_url: str = "http://mock.test") -> None:
        self.app = app
        self.base_url = base_url
        # One client for every request: building one (its TLS context) costs milliseconds.
        self._client = httpx.Client(transport=SyncASGITransport(app), base_url=self.base_url)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._client.request(method, url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


class MockClient:
    """A synchronous client of an in-process mock, with a valid token at hand."""

    def __init__(self, app: Starlette | None = None, **create: Any) -> None:
        self.app = app if app is not None else create_app(**create)
        self.http = SyncASGIClient(self.app)
        self.token = self.state.issue_token()

    @property
    def state(self) -> MockState:
        state: MockState = self.app.state.mock
        return state

    def send(
        self,
        body: Any = None,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        path: str | None = None,
        method: str = "POST",
    ) -> httpx.Response:
        """POST a JSON body (or raw `content`) to the send endpoint (`path`: the spec's
        `sendMessages` path) with the bearer token."""
        if path is None:
            path = self.state.spec.terms.operation("sendMessages")[0]
        sent: dict[str, str] = {"Authorization": f"Bearer {token or self.token}"}
        if content is None:
            content = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        return self.http.request(method, path, content=content, headers=sent)

    def get_token(self, **form: str) -> httpx.Response:
        return self.http.post(self.state.spec.terms.operation("getToken")[0], data=form)


def raw_asgi_request(
    app: Starlette,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    chunks: list[bytes] | None = None,
    disconnect: bool = False,
) -> tuple[int | None, dict[str, str], bytes]:
    """Call the ASGI app directly, with headers exactly as given (no client fixes them up)
    and the body in `chunks`; `disconnect` ends the body with a client disconnect.
    Returns (status or None when nothing was sent, headers, body)."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]
    with ASGICaller(app) as caller:
        answer = caller.call(method, path, raw, chunks or [], disconnect=disconnect)
    out = {k.decode("latin-1"): v.decode("latin-1") for k, v in answer.headers}
    return (answer.status if answer.started else None), out, bytes(answer.body)
