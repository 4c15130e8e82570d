"""A synchronous httpx transport that calls an ASGI app in process (no socket).

httpx's own `ASGITransport` is async-only, and Starlette's test client is deprecated with
httpx; this keeps one private event loop and runs each request through
`httpx.ASGITransport` on it, in the caller's thread (no thread hop per request).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx


class SyncASGITransport(httpx.BaseTransport):
    """`httpx.Client(transport=SyncASGITransport(app))` reaches `app` without a socket."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()  # one loop: requests from several threads take turns

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Chunk by chunk, as sent: a body without Content-Length stays without one.
        chunks = [bytes(chunk) for chunk in request.stream]  # type: ignore[union-attr]

        async def stream() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=stream()
            )
            response = await self._transport.handle_async_request(forwarded)
            body = await response.aread()
            return response.status_code, response.headers.raw, body

        with self._lock:
            status, headers, body = self._loop.run_until_complete(call())
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.close()
