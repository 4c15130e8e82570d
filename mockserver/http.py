"""The HTTP edge: a request read from ASGI with a capped body, and an answer written back."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# ASCII escapes keep lone surrogates (legal in JSON strings) from breaking UTF-8; one
# encoder for every answer (json.dumps with arguments builds a new one each call).
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
# The two response media types, encoded once.
_MEDIA_TYPES = {m: m.encode("latin-1") for m in ("application/json", "text/json")}


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

    __slots__ = ("_headers", "_receive", "method", "path", "query_string", "raw_headers")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: bytes = scope.get("query_string", b"")
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
        headers = self._headers  # once built, without the property's call
        values = (headers if headers is not None else self.headers).get(name)
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


def _plain(node: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """Whether a container holds nothing but exact dicts, lists, tuples, str, int, bool and
    None, at any depth: values that orjson writes as the standard library does."""
    for value in node.values() if type(node) is dict else node:
        kind = type(value)
        if kind is str or value is None or kind is int or kind is bool:
            continue
        if (kind is dict or kind is list or kind is tuple) and _plain(value):
            continue
        return False
    return True


def encode_json(payload: Any) -> bytes:
    """The payload as compact JSON with ASCII escapes: the bytes `_ENCODER` writes.

    orjson writes them (a send's answer in half the time, the check included) when it is
    sure to write the same: the payload is plain (`_plain`: no float, whose notation
    differs, nor a type that orjson writes and json refuses) and what orjson wrote is ASCII
    without DEL (json escapes every other character; orjson writes UTF-8). Anything else (a
    lone surrogate, an integer beyond 64 bits, a key that is not a string) is written, or
    refused, by `_ENCODER` as before.
    """
    kind = type(payload)
    try:
        plain = (kind is dict or kind is list or kind is tuple) and _plain(payload)
        data = orjson.dumps(payload) if plain else None
    except (RecursionError, orjson.JSONEncodeError):
        data = None
    if data is not None and data.isascii() and b"\x7f" not in data:
        return data
    return _ENCODER.encode(payload).encode("ascii")


@dataclass(frozen=True, slots=True)
class Answer:
    """A response: status, JSON payload, media type and extra headers.

    `raw`: the body's bytes as they are, instead of the payload written as JSON (an answer
    served from the spec in a media type that is not JSON). An empty `media_type` sends no
    Content-Type (an answer without content).
    """

    status: int
    payload: Any
    media_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = field(default=())
    raw: bytes | None = None

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return encode_json(self.payload)

    async def send(self, send: Send) -> None:
        body = self.encode()
        headers = [(b"content-length", b"%d" % len(body))]
        if self.media_type:
            media_type = _MEDIA_TYPES.get(self.media_type) or self.media_type.encode("latin-1")
            headers.insert(0, (b"content-type", media_type))
        if self.headers:
            headers.extend(
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers
            )
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def accept_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an `Accept` value with their q (1 when absent, 0 when not a
    number), lower-cased, in order; empty elements left out."""
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        kind, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if kind.strip():
            ranges.append((kind.strip().lower(), q))
    return ranges
