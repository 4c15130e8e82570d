"""The mock's serving: one write per response (`CoalescingTransport`) and, over a real socket
with both of uvicorn's protocols, everything HTTP/1.1 keeps working: keep-alive, pipelining,
`Connection: close`, `Expect: 100-continue`, malformed requests, large answers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver import create_app
from mockserver.serving import CoalescingTransport, http_protocol
from mockserver.testing import public_request
from tests.loopback import served

SEND = "/api/v2/sms/messages"


class FakeTransport(asyncio.Transport):
    """Records the writes and the calls that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.calls: list[str] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.calls.append("close")
        self.closing = True

    def abort(self) -> None:
        self.calls.append("abort")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def write_eof(self) -> None:
        self.calls.append("write_eof")

    def get_write_buffer_size(self) -> int:
        return 5

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _turn(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(asyncio.sleep(0))


def test_the_writes_of_one_turn_go_out_as_one(loop: asyncio.AbstractEventLoop) -> None:
    inner = FakeTransport()
    transport = CoalescingTransport(inner, loop)
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"")  # nothing to hold
    transport.writelines([b"{", memoryview(b"}")])
    assert inner.writes == []
    assert transport.get_write_buffer_size() == 5 + 21
    _turn(loop)
    assert inner.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    transport.write(b"next")
    _turn(loop)
    assert inner.writes[1:] == [b"next"]
    assert transport.get_write_buffer_size() == 5


def test_close_and_write_eof_write_what_is_held_first(loop: asyncio.AbstractEventLoop) -> None:
    inner = FakeTransport()
    transport = CoalescingTransport(inner, loop)
    transport.write(b"a")
    transport.write_eof()
    assert (inner.writes, inner.calls) == ([b"a"], ["write_eof"])
    transport.write(b"b")
    transport.close()
    assert (inner.writes, inner.calls) == ([b"a", b"b"], ["write_eof", "close"])
    transport.write(b"after close")  # dropped, as by a closing transport
    _turn(loop)
    assert inner.writes == [b"a", b"b"]
    assert transport.is_closing()


def test_abort_drops_what_is_held(loop: asyncio.AbstractEventLoop) -> None:
    inner = FakeTransport()
    transport = CoalescingTransport(inner, loop)
    transport.write(b"never")
    transport.abort()
    _turn(loop)
    assert (inner.writes, inner.calls) == ([], ["abort"])


def test_held_bytes_are_dropped_when_the_peer_went_away_meanwhile(
    loop: asyncio.AbstractEventLoop,
) -> None:
    inner = FakeTransport()
    transport = CoalescingTransport(inner, loop)
    transport.write(b"late")
    inner.closing = True  # the connection was lost before the turn ended
    _turn(loop)
    assert inner.writes == []
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1)


def test_http_protocol_names() -> None:
    assert http_protocol("h11").__name__ == "CoalescingH11Protocol"
    assert http_protocol("httptools").__name__ == "CoalescingHttpToolsProtocol"
    assert http_protocol("auto").__name__ == "CoalescingHttpToolsProtocol"
    assert http_protocol("auto", create_app()).__name__ == "CoalescingHttpToolsProtocol"
    with pytest.raises(ValueError, match="'zttp'"):
        http_protocol("zttp")


# -- over a real socket ----------------------------------------------------------------------

PROTOCOLS = ["httptools", "h11"]


@pytest.fixture(params=PROTOCOLS)
def base(request: pytest.FixtureRequest) -> Iterator[str]:
    with served(create_app(), http=request.param) as url:
        yield url


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _token(sock: socket.socket) -> str:
    form = b"grant_type=client_credentials&client_id=demo&client_secret=demo-secret"
    sock.sendall(
        b"POST /Token HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(form), form)
    )
    status, _headers, body = _read_response(sock.makefile("rb"))
    assert status == 200, body
    token: str = json.loads(body)["access_token"]
    return token


def _send_request(token: str, *, extra: bytes = b"", body: bytes | None = None) -> bytes:
    payload = body if body is not None else json.dumps(public_request()).encode()
    return (
        b"POST " + SEND.encode() + b" HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n" + extra + b"Content-Length: %d"
        b"\r\n\r\n" % len(payload) + payload
    )


def _read_response(stream: Any) -> tuple[int, dict[str, str], bytes]:
    status_line = stream.readline()
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


def test_keep_alive_and_pipelined_requests_are_answered_in_order(base: str) -> None:
    with _connect(base) as sock:
        token = _token(sock)
        stream = sock.makefile("rb")
        # Three requests in one write: a send, a request with a bad body, a send.
        sock.sendall(_send_request(token) + _send_request(token, body=b"{") + _send_request(token))
        answers = [_read_response(stream) for _ in range(3)]
    assert [status for status, _, _ in answers] == [200, 400, 200]
    assert json.loads(answers[1][2])["Error"]["ErrorCode"] == "InvalidJson"
    first, third = (json.loads(answers[i][2])["ResponseData"] for i in (0, 2))
    assert first["Detail"]["PostTransaction"] == third["Detail"]["PreTransaction"]


def test_connection_close_is_honoured_after_the_whole_answer(base: str) -> None:
    with _connect(base) as sock:
        token = _token(sock)
        stream = sock.makefile("rb")
        sock.sendall(_send_request(token, extra=b"Connection: close\r\n"))
        status, headers, body = _read_response(stream)
        assert status == 200
        assert headers["connection"] == "close"
        assert json.loads(body)["Error"] is None
        assert stream.read() == b""  # the server closed the connection


def test_expect_100_continue_gets_its_interim_answer(base: str) -> None:
    with _connect(base) as sock:
        token = _token(sock)
        stream = sock.makefile("rb")
        whole = _send_request(token, extra=b"Expect: 100-continue\r\n")
        head, _, payload = whole.partition(b"\r\n\r\n")
        sock.sendall(head + b"\r\n\r\n")
        assert stream.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert stream.readline() == b"\r\n"
        sock.sendall(payload)
        status, _, body = _read_response(stream)
    assert status == 200, body


@pytest.mark.parametrize(
    "head",
    [
        b"Content-Length: x\r\n\r\n{}",
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ],
    ids=["length-not-a-number", "chunk-size-not-hex"],
)
def test_malformed_http_is_bad_request_with_the_envelope_then_close(base: str, head: bytes) -> None:
    """The parser refuses these before the app sees them; the answer is still the contract's
    (400 BadRequest in the envelope), and the connection closes."""
    with _connect(base) as sock:
        sock.sendall(b"POST " + SEND.encode() + b" HTTP/1.1\r\nHost: t\r\n" + head)
        stream = sock.makefile("rb")
        status, headers, body = _read_response(stream)
        assert status == 400
        assert headers["content-type"] == "application/json"
        assert json.loads(body) == {
            "Error": {"ErrorCode": "BadRequest", "ErrorReason": "malformed HTTP request: "
                      "refused by the HTTP parser"},
            "ResponseData": None,
        }  # fmt: skip
        assert stream.read() == b""


def test_another_app_keeps_uvicorns_own_answer_to_malformed_http() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("never reached")

    with served(app) as url, _connect(url) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
        status_line = sock.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 400")


def test_an_answer_larger_than_the_write_buffer_arrives_whole(base: str) -> None:
    """The sandbox's list grows past uvicorn's write-buffer limit (64 KiB): flow control
    pauses and resumes, and every byte arrives."""
    with _connect(base) as sock:
        token = _token(sock)
        stream = sock.makefile("rb")
        text = "x" * 1500
        body = json.dumps(public_request(Content=text)).encode()
        for _ in range(60):
            sock.sendall(_send_request(token, body=body))
            assert _read_response(stream)[0] == 200
        sock.sendall(b"GET /_sandbox/messages HTTP/1.1\r\nHost: t\r\n\r\n")
        status, _, listing = _read_response(stream)
    assert status == 200
    assert len(listing) > 90_000
    kept = json.loads(listing)
    assert kept["count"] == 60
    assert all(m["text"] == text for m in kept["messages"])
