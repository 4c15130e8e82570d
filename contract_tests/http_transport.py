"""The suite's HTTP transport for a live server: the requests httpx builds, sent by urllib3's
connection pool; and the raw request, for what httpx will not write.

The session keeps httpx's API (its request building, headers, timeouts and errors), but a
run sends thousands of small requests one after the other, and on loopback httpcore's own
cost per request was about as much again as the server's answer: urllib3's pool sends the
same request for about half (`bench/results/suite.md`). Each answer is read whole and handed
back as an httpx response, undecoded, so that httpx decodes it as it would its own; urllib3's
errors become httpx's (`httpx.ConnectError`, `ReadTimeout`, `RemoteProtocolError`, ...), the
ones the session tells apart.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any, cast

import httpx
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

_HOLD_AT_MOST = 65536  # a body larger than this goes out in pieces, as http.client sends it
# A kept-alive connection idle for longer is closed before it is used again, and the request
# goes on a new one: a server closes idle connections after a timeout of its own (uvicorn's
# is 5 s), and a request sent just as it does meets a reset. Over HTTP the suite's main
# process idles while the forked Schemathesis window runs, then sends the ledger probes.
_IDLE_AT_MOST = 2.0


class _OneWrite:
    """A request in one write, on a connection not idle for too long (`_IDLE_AT_MOST`).

    http.client sends the head and each piece of the body with a `send` of its own; on
    loopback each is a TCP segment and a wake-up of the server, which reads the head without
    the body. While `request` runs, what it sends is held and written at its end in one call
    (`_HOLD_AT_MOST` bytes at most at a time), still inside `request`, so that urllib3 treats
    a server that stops reading as it always does.
    """

    _held: list[bytes]
    _holding = False
    _sent_at = 0.0

    def request(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self._sent_at > _IDLE_AT_MOST and getattr(self, "sock", None) is not None:
            self.close()  # type: ignore[attr-defined]  # http.client connects again on send
        self._sent_at = now
        self._held, self._holding = [], True
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
        finally:
            self._holding = False
        self._write()

    def send(self, data: Any) -> None:
        if self._holding and isinstance(data, bytes):
            self._held.append(data)
            if sum(map(len, self._held)) > _HOLD_AT_MOST:
                self._write()
            return
        self._write()
        super().send(data)  # type: ignore[misc]

    def _write(self) -> None:
        held = getattr(self, "_held", None)
        if held:
            self._held = []
            super().send(b"".join(held))  # type: ignore[misc]


class _Connection(_OneWrite, HTTPConnection):
    pass


class _SecureConnection(_OneWrite, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _SecurePool(HTTPSConnectionPool):
    ConnectionCls = _SecureConnection


class PooledTransport(httpx.BaseTransport):
    """An httpx transport over `urllib3.PoolManager` (keep-alive, a pool per host, up to
    `maxsize` connections each, no retries and no redirects: the suite judges every answer
    as the server gave it)."""

    def __init__(self, *, maxsize: int = 8) -> None:
        self._pools = urllib3.PoolManager(maxsize=maxsize, block=False, retries=False)
        self._pools.pool_classes_by_scheme = {"http": _Pool, "https": _SecurePool}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, headers, content, reason = self._send(request)
        return httpx.Response(
            status,
            headers=headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )

    def exchange(self, request: httpx.Request) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        """Send one request without an httpx client round (auth, redirects, cookies, the
        response stream): status, headers as httpx merges them, and the undecoded body."""
        status, headers, content, _ = self._send(request)
        return status, tuple(httpx.Headers(headers).items()), content

    def _send(self, request: httpx.Request) -> tuple[int, list[tuple[str, str]], bytes, bytes]:
        url = request.url
        pool = self._pools.connection_from_host(url.host, port=url.port, scheme=url.scheme.lower())
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        timeout = urllib3.Timeout(connect=timeouts.get("connect"), read=timeouts.get("read"))
        headers = urllib3.HTTPHeaderDict()
        for name, value in request.headers.raw:
            headers.add(name.decode("latin-1"), value.decode("latin-1"))
        chunked = "transfer-encoding" in request.headers
        body: Any = iter(cast(Iterable[bytes], request.stream)) if chunked else request.read()
        try:
            answer = pool.urlopen(
                request.method,
                url.raw_path.decode("ascii"),
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=timeout,
                chunked=chunked,
                preload_content=False,
                decode_content=False,
            )
            try:
                content = answer.read(decode_content=False)
            finally:
                answer.release_conn()
        except HTTPError as exc:
            raise _httpx_error(exc, request) from exc
        reason = (answer.reason or "").encode("latin-1", "replace")
        return answer.status, list(answer.headers.items()), content, reason

    def close(self) -> None:
        self._pools.clear()


def _httpx_error(exc: HTTPError, request: httpx.Request) -> httpx.TransportError:
    """The httpx error the session expects for what urllib3 raised."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NewConnectionError | SSLError):  # (a ConnectTimeoutError, to urllib3)
        return httpx.ConnectError(text, request=request)
    if isinstance(exc, ConnectTimeoutError):
        return httpx.ConnectTimeout(text, request=request)
    if isinstance(exc, ReadTimeoutError):
        return httpx.ReadTimeout(text, request=request)
    if isinstance(exc, ProtocolError):
        return httpx.RemoteProtocolError(text, request=request)
    return httpx.NetworkError(text, request=request)


def raw_exchange(
    url: httpx.URL,
    method: str,
    lines: list[tuple[bytes, bytes]],
    body: bytes,
    *,
    timeout: float,
) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    """One request written exactly as given (`Session.raw_request`: what httpx refuses to
    write), on a socket of its own that closes after the answer: status, headers, body."""
    port = url.port or (443 if url.scheme == "https" else 80)
    sock = socket.create_connection((url.host, port), timeout=timeout)
    try:
        if url.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=url.host)
        head = b"%s %s HTTP/1.1\r\n" % (method.encode("ascii"), url.raw_path)
        head += b"".join(name + b": " + value + b"\r\n" for name, value in lines)
        sock.sendall(head + b"Connection: close\r\n\r\n" + body)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        answer = response.read()
        return response.status, tuple(response.getheaders()), answer
    finally:
        sock.close()
