"""The one in-process caller of an ASGI app (no socket), for the tests, the bench and the suite.

httpx's own `ASGITransport` is async-only, and Starlette's test client is deprecated with
httpx. `ASGICaller.call` runs one request through the app on a private event loop, in the
caller's thread (no thread hop per request), the way an HTTP server would: the body is
given chunk by chunk as sent (a body without Content-Length stays without one), optionally
followed by a client disconnect. `call_app` is the same on a running loop (the bench).

An exception inside the app propagates to the caller with its traceback, so a bug that
would be a 500 fails the test that found it; what the app sent before it is in the answer
passed as `into`. The contract suite, which must judge any server, turns it into the 5xx
answer a server would send (`contract_tests.transport.ServerCaller`).

- `SyncASGITransport`: `httpx.Client(transport=SyncASGITransport(app))`.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

HOST = "testserver"


@dataclass(slots=True)
class AppAnswer:
    """What the app sent back (`started`: it began a response; `status` is then its)."""

    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)
    started: bool = False
    method: str = "GET"

    def framing_error(self) -> str | None:
        """What an HTTP client would fail on: a Content-Length that is not the length of
        the body sent (over a socket, the client waits for bytes that never come, or reads
        the rest as the next answer). None when the answer is well framed."""
        declared = {v.strip() for k, v in self.headers if k.lower() == b"content-length"}
        if not declared or self.method.upper() == "HEAD" or self.status in (204, 304):
            return None
        if len(declared) > 1:
            return f"Content-Length: {sorted(declared)} disagree"
        (value,) = declared
        if not value.isdigit() or int(value) != len(self.body):
            return (
                f"Content-Length: {value.decode('latin-1')} declared, {len(self.body)} bytes sent"
            )
        return None


def scope_for(method: str, url: str, headers: Iterable[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The ASGI HTTP scope of a request to `url` (a full URL or a path), header names
    lower-cased."""
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    default_port = 443 if scheme == "https" else 80
    raw_path = parts.path or "/"
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": scheme,
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": parts.query.encode("latin-1"),
        "root_path": "",
        "headers": [(key.lower(), value) for key, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": (parts.hostname or HOST, parts.port or default_port),
        "state": {},
    }


async def call_app(
    app: Any,
    scope: dict[str, Any],
    chunks: list[bytes],
    *,
    disconnect: bool = False,
    into: AppAnswer | None = None,
) -> AppAnswer:
    """One request through `app` on the running loop: the body in `chunks`, then a client
    disconnect if `disconnect` (else one once the answer is complete). Exceptions of the
    app propagate; `into` (filled as the app sends) keeps what it sent before."""
    answer = into if into is not None else AppAnswer()
    answer.method = str(scope["method"])
    done = asyncio.Event()
    pending: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1 or disconnect}
        for i, chunk in enumerate(chunks or [b""])
    ]
    if disconnect:
        pending.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and not answer.started:
            answer.started = True
            answer.status = int(message["status"])
            answer.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body" and answer.started and not done.is_set():
            answer.body += message.get("body", b"")
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    return answer


class ASGICaller:
    """Calls one ASGI app; requests from several threads take turns on its one loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> ASGICaller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[bytes, bytes]],
        chunks: list[bytes],
        *,
        disconnect: bool = False,
        into: AppAnswer | None = None,
    ) -> AppAnswer:
        """One request (see `call_app`); an exception of the app propagates."""
        scope = scope_for(method, url, headers)
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                # A caller dropped without `close` (a test's client) closes its loop then.
                self._closer = weakref.finalize(self, self._loop.close)
            answer = self._loop.run_until_complete(
                call_app(self.app, scope, chunks, disconnect=disconnect, into=into)
            )
        answer.method = method
        return answer

    def close(self) -> None:
        """Close the loop (a later call opens a new one)."""
        with self._lock:
            if self._closer is not None:
                self._closer()  # closes the loop, once
            self._loop = self._closer = None


class SyncASGITransport(httpx.BaseTransport):
    """`httpx.Client(transport=SyncASGITransport(app))` reaches `app` without a socket;
    `caller` (default: an `ASGICaller` of `app`) decides what an exception of the app is."""

    def __init__(self, app: Any, *, caller: ASGICaller | None = None) -> None:
        self.caller = caller if caller is not None else ASGICaller(app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        chunks = [bytes(chunk) for chunk in request.stream]  # type: ignore[union-attr]
        host = [(b"host", request.url.netloc)] if "host" not in request.headers else []
        answer = self.caller.call(
            request.method, str(request.url), [*host, *request.headers.raw], chunks
        )
        broken = answer.framing_error()
        if broken is not None:
            raise httpx.RemoteProtocolError(broken, request=request)
        return httpx.Response(
            answer.status, headers=answer.headers, content=bytes(answer.body), request=request
        )

    def close(self) -> None:
        self.caller.close()
