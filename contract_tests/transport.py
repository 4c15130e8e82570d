"""Synchronous ways to reach an ASGI app in process (no socket), for httpx and requests.

httpx's own `ASGITransport` is async-only, and Starlette's test client is deprecated with
httpx. `ASGICaller.call` runs one request through the app on a private event loop, in the
caller's thread (no thread hop per request), the way an HTTP server would: the body is
given chunk by chunk as sent (a body without Content-Length stays without one), and an
exception before the response starts becomes a 500, as uvicorn answers it. An answer whose
Content-Length is not its length fails as it would over a socket (httpx's
`RemoteProtocolError`).

- `SyncASGITransport`: `httpx.Client(transport=SyncASGITransport(app))`.
- `ASGIAdapter`: a `requests` adapter (Schemathesis's engine sends with `requests`).
"""

from __future__ import annotations

import asyncio
import http
import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import requests
import requests.adapters
import urllib3

HOST = "testserver"


@dataclass(slots=True)
class Answer:
    """What the app sent back."""

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


class ASGICaller:
    """Calls one ASGI app; requests from several threads take turns on its one loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> ASGICaller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self, method: str, url: str, headers: Iterable[tuple[bytes, bytes]], chunks: list[bytes]
    ) -> Answer:
        parts = urlsplit(url)
        scheme = parts.scheme or "http"
        default_port = 443 if scheme == "https" else 80
        raw_path = parts.path or "/"
        scope = {
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
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
            answer = self._loop.run_until_complete(self._run(scope, chunks))
        answer.method = method
        return answer

    async def _run(self, scope: dict[str, Any], chunks: list[bytes]) -> Answer:
        answer = Answer()
        done = asyncio.Event()
        pending = list(chunks) or [b""]

        async def receive() -> dict[str, Any]:
            if pending:
                chunk = pending.pop(0)
                return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
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

        try:
            await self.app(scope, receive, send)
        except Exception:
            if not answer.started:  # what a server answers when the app fails before a response
                return Answer(status=500, headers=[(b"content-type", b"text/plain")], started=True)
        return answer

    def close(self) -> None:
        """Close the loop (a later call opens a new one)."""
        with self._lock:
            if self._loop is not None:
                self._loop.close()
                self._loop = None


def _octets(text: str | bytes) -> bytes:
    """A header name or value as it goes on the wire."""
    return text if isinstance(text, bytes) else text.encode("latin-1")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class SyncASGITransport(httpx.BaseTransport):
    """`httpx.Client(transport=SyncASGITransport(app))` reaches `app` without a socket."""

    def __init__(self, app: Any) -> None:
        self.caller = ASGICaller(app)

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


class ASGIAdapter(requests.adapters.HTTPAdapter):
    """Mount on a `requests.Session` to send its requests to an ASGI app in process."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self._caller = ASGICaller(app)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = str(request.url)
        body: Any = request.body
        if body is None:
            chunks: list[bytes] = []
        elif isinstance(body, str):
            chunks = [body.encode("utf-8")]
        elif isinstance(body, bytes | bytearray):
            chunks = [bytes(body)]
        else:  # an iterable of chunks: sent without Content-Length
            chunks = [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body]
        headers = [(b"host", (urlsplit(url).netloc or HOST).encode("latin-1"))]
        headers += [
            (_octets(key), _octets(value))
            for key, value in request.headers.items()
            if _octets(key).lower() != b"host"
        ]
        answer = self._caller.call(str(request.method), url, headers, chunks)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(bytes(answer.body)),
            headers=urllib3.HTTPHeaderDict(
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers]
            ),
            status=answer.status,
            version=11,
            reason=_reason(answer.status),
            preload_content=False,
            decode_content=False,
            request_method=request.method,
        )
        return self.build_response(request, raw)

    def close(self) -> None:
        # Several sessions may share the adapter: a request after a close opens a new loop.
        self._caller.close()
