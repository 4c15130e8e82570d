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
from collections.abc import Iterable
from typing import Any, cast

import httpx
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)


class PooledTransport(httpx.BaseTransport):
    """An httpx transport over `urllib3.PoolManager` (keep-alive, a pool per host, up to
    `maxsize` connections each, no retries and no redirects: the suite judges every answer
    as the server gave it)."""

    def __init__(self, *, maxsize: int = 8) -> None:
        self._pools = urllib3.PoolManager(maxsize=maxsize, block=False, retries=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
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
        return httpx.Response(
            answer.status,
            headers=list(answer.headers.items()),
            stream=httpx.ByteStream(content),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (answer.reason or "").encode("latin-1", "replace"),
            },
        )

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
