"""The HTTP edge: a request read from ASGI with a capped body, and an answer written back."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# ASCII escapes keep lone surrogates (legal in JSON strings) from breaking UTF-8; one
# encoder for every answer (json.dumps with arguments builds a new one each call).
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


class BodyTooLarge(Exception):
    """The body went past the cap while it was read."""

    def __init__(self, received: int) -> None:
        super().__init__(f"body over the cap after {received} bytes")
        self.received = received


class BodyMismatch(Exception):
    """The body's length does not match its Content-Length (malformed HTTP)."""

    def __init__(self, declared: int, received: int) -> None:
        super().__init__(f"Content-Length: {declared} declared, {received} bytes received")
        self.declared = declared
        self.received = received


class ClientGone(Exception):
    """The client disconnected before the body was complete; nobody to answer."""


class HttpRequest:
    """What the checks need of a request: method, path, headers, and a body read on demand."""

    __slots__ = ("_headers", "_receive", "method", "path", "raw_headers")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.raw_headers: list[tuple[bytes, bytes]] = list(scope.get("headers", ()))
        self._receive = receive
        self._headers: dict[str, list[str]] | None = None

    @property
    def headers(self) -> dict[str, list[str]]:
        """Lower-cased header names to their values, in order (latin-1, as HTTP/1.1 sends)."""
        if self._headers is None:
            headers: dict[str, list[str]] = {}
            for name, value in self.raw_headers:
                headers.setdefault(name.decode("latin-1").lower(), []).append(
                    value.decode("latin-1")
                )
            self._headers = headers
        return self._headers

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        values = self.headers.get(name)
        return values[0] if values else None

    async def read_body(self, cap: int, declared: int | None) -> bytes:
        """The whole body, never buffering more than `cap` bytes.

        Raises BodyTooLarge past the cap, BodyMismatch when a Content-Length was declared
        and the bytes do not match it, ClientGone when the client disconnects.
        """
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await self._receive()
            kind = message.get("type")
            if kind == "http.disconnect":
                raise ClientGone
            if kind != "http.request":
                continue
            chunk = message.get("body", b"")
            if chunk:
                received += len(chunk)
                if received > cap:
                    raise BodyTooLarge(received)
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if declared is not None and declared != received:
            raise BodyMismatch(declared, received)
        return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class Answer:
    """A response: status, JSON payload, media type and extra headers."""

    status: int
    payload: Any
    media_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = field(default=())

    def encode(self) -> bytes:
        return _ENCODER.encode(self.payload).encode("ascii")

    async def send(self, send: Send) -> None:
        body = self.encode()
        headers = [
            (b"content-type", self.media_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1")),
        ]
        headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
