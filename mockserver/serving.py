"""Serving the mock with uvicorn, one write per response.

uvicorn writes a response's head and its body with two `transport.write` calls; on an idle
connection each is its own `send` system call and its own TCP segment, and the client wakes
for the first one only to wait for the second. `CoalescingTransport` holds what is written
during one turn of the event loop and writes it at the end of that turn, in one call: a
response becomes one segment. Measured on the public example request at 16 connections,
that is about 1.45 times the requests per second (`bench/bench_mock.py`); nothing else
about uvicorn changes (its parser, keep-alive, pipelining, flow control, limits).

A request that uvicorn's parser refuses (a `Content-Length` that is not a number, broken
chunking) never reaches the app, and uvicorn answers it with a plain-text 400. Served here,
the mock answers it as the contract says: 400 with the envelope and the spec's code for
malformed HTTP (`BadRequest`), then closes the connection, as uvicorn does.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from mockserver.core import BehaviourCore


class CoalescingTransport(asyncio.Transport):
    """A transport that gathers the writes of one event-loop turn into one write.

    Everything but writing goes straight to the wrapped transport. Closing, or writing the
    end of the stream, writes what is held first; aborting drops it, as aborting drops the
    wrapped transport's own buffer.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes | bytearray | memoryview] = []
        self._held_bytes = 0
        self._flush_scheduled = False

    # -- writing ---------------------------------------------------------------------------

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data or self._transport.is_closing():
            return  # as a closing transport does: nothing more goes out
        self._held.append(data)
        self._held_bytes += len(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self.flush)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Write what is held, in one call to the wrapped transport."""
        self._flush_scheduled = False
        if not self._held:
            return
        held, self._held, self._held_bytes = self._held, [], 0
        if self._transport.is_closing():
            return
        self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._held_bytes

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    # -- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held, self._held_bytes = [], 0
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    # -- everything else -------------------------------------------------------------------

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


def malformed_http_answer(app: Any, reason: str) -> bytes | None:
    """The whole HTTP answer (head and body) of the mock `app` to a request its parser
    refused; None when `app` is not the mock (uvicorn's own answer stays)."""
    state = getattr(getattr(app, "state", None), "mock", None)
    if state is None:
        return None
    behaviour = state.behaviour
    if not isinstance(behaviour, BehaviourCore):
        return None
    answer = behaviour.error_answer(behaviour.fail("http", reason), "application/json")
    body = answer.encode()
    head = [b"HTTP/1.1 %d Bad Request\r\n" % answer.status]
    head.append(b"content-type: " + answer.media_type.encode("latin-1") + b"\r\n")
    head.append(b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body))
    return b"".join(head) + body


_MALFORMED = "malformed HTTP request: refused by the HTTP parser"


def _protocol(base: type[Any], app: Any) -> type[asyncio.Protocol]:
    """`base` (one of uvicorn's HTTP/1.1 protocols) over a `CoalescingTransport`, answering
    malformed requests with `malformed_http_answer` when `app` is the mock."""
    answer = malformed_http_answer(app, _MALFORMED)

    class Coalescing(base):  # type: ignore[misc]
        __doc__ = f"uvicorn's {base.__name__} over a `CoalescingTransport`."

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(CoalescingTransport(transport, self.loop))

        def send_400_response(self, msg: str) -> None:
            if answer is None:
                super().send_400_response(msg)
                return
            self.transport.write(answer)
            self.transport.close()

    Coalescing.__name__ = Coalescing.__qualname__ = f"Coalescing{base.__name__}"
    return Coalescing


def http_protocol(http: str = "auto", app: Any = None) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol `http` ("auto": httptools when installed, else h11, as
    uvicorn picks), writing one response at a time; for the mock `app`, malformed requests
    get the contract's answer."""
    if http not in ("auto", "httptools", "h11"):
        raise ValueError(f"http must be auto, httptools or h11, not {http!r}")
    if http != "h11" and importlib.util.find_spec("httptools") is not None:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return _protocol(HttpToolsProtocol, app)
    if http == "httptools":
        raise ValueError("http='httptools' needs the httptools package")
    return _protocol(H11Protocol, app)


def config(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    log_level: str = "warning",
    http: str = "auto",
    loop: str = "auto",
    **options: Any,
) -> uvicorn.Config:
    """The uvicorn configuration the mock is served with: one write per response, no access
    log unless `log_level` is info or debug, and no proxy headers (the mock reads neither
    the client's address nor the scheme)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=http_protocol(http, app),
        loop=loop,
        log_level=log_level,
        access_log=log_level in ("info", "debug"),
        proxy_headers=False,
        lifespan="off",
        ws="none",
        **options,
    )


def serve(app: Any, **settings: Any) -> None:
    """Serve `app` until interrupted (`settings`: those of `config`)."""
    uvicorn.Server(config(app, **settings)).run()
