"""The suite's transport for a live server (`contract_tests.http_transport`): the same
answers as httpx's own transport, on a real server on loopback, and the httpx errors the
session tells apart."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from contract_tests.http_transport import PooledTransport
from mockserver import create_app
from tests.loopback import served
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
ACCOUNT = load_account()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with served(create_app(spec=SPEC, account=ACCOUNT)) as url:
        yield url


def _clients(base_url: str) -> tuple[httpx.Client, httpx.Client]:
    return (
        httpx.Client(base_url=base_url, transport=PooledTransport()),
        httpx.Client(base_url=base_url),
    )


def _token(client: httpx.Client) -> str:
    from contract_tests.core import TOKEN_OPERATION

    path = SPEC.terms.operation(TOKEN_OPERATION)[0]
    answer = client.post(
        path,
        data={
            "grant_type": "client_credentials",
            "client_id": ACCOUNT.client_id,
            "client_secret": ACCOUNT.client_secret,
        },
    )
    return str(answer.json()["access_token"])


def _chunks(body: bytes) -> Iterator[bytes]:
    yield body[:10]
    yield body[10:]


def test_answers_are_those_of_httpx_own_transport(base_url: str) -> None:
    ours, theirs = _clients(base_url)
    with ours, theirs:
        _compare(ours, theirs)


def _compare(ours: httpx.Client, theirs: httpx.Client) -> None:
    from contract_tests.core import SEND_OPERATION

    send = SPEC.terms.operation(SEND_OPERATION)[0]
    auth = {"Authorization": f"Bearer {_token(ours)}"}
    body = json.dumps({"Content": "hi", "Contacts": {"QuickRecipients": {"+447700900123": 1}}})
    requests: list[Callable[[httpx.Client], httpx.Response]] = [
        lambda c: c.post(send, content=b"{", headers={**auth, "Content-Type": "application/json"}),
        lambda c: c.post(send, content=body.encode(), headers={"Content-Type": "application/json"}),
        lambda c: c.request("HEAD", send, headers=auth),
        lambda c: c.get(send, headers=auth),
        lambda c: c.post(
            send,
            content=_chunks(b"[" * 2000),
            headers={**auth, "Content-Type": "application/json"},
        ),
        lambda c: c.get("/no/such/path%20here?x=%zz"),
    ]
    for make in requests:
        mine, expected = make(ours), make(theirs)
        assert mine.status_code == expected.status_code
        assert mine.content == expected.content
        drop = {"date", "server"}
        assert [(k, v) for k, v in mine.headers.items() if k not in drop] == [
            (k, v) for k, v in expected.headers.items() if k not in drop
        ]
        assert mine.reason_phrase == expected.reason_phrase


def test_connections_are_kept_alive(base_url: str) -> None:
    transport = PooledTransport()
    with httpx.Client(base_url=base_url, transport=transport) as client:
        for _ in range(20):
            assert client.get("/").status_code in (404, 405, 200)
        (pool,) = transport._pools.pools._container.values()  # one host, one pool
        assert pool.num_connections == 1 and pool.num_requests == 20


@contextmanager
def _socket_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listener.close()


def test_no_server_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: refused
        with httpx.Client(transport=PooledTransport()) as client, pytest.raises(httpx.ConnectError):
            client.get(f"http://127.0.0.1:{port}/")


def _hold(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(5)
    conn.close()


def test_a_server_that_does_not_answer_is_a_read_timeout() -> None:
    stop = threading.Event()
    with (
        _socket_server(lambda conn: _hold(conn, stop)) as url,
        httpx.Client(transport=PooledTransport(), timeout=0.3) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(url + "/")
    stop.set()


def test_an_answer_cut_short_is_a_remote_protocol_error() -> None:
    def cut(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
        conn.close()

    with (
        _socket_server(cut) as url,
        httpx.Client(transport=PooledTransport(), timeout=2) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get(url + "/")


def test_a_server_that_closes_without_answering_is_a_remote_protocol_error() -> None:
    def close(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.close()

    with (
        _socket_server(close) as url,
        httpx.Client(transport=PooledTransport(), timeout=2) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get(url + "/")


def _recorder(reads: list[bytes], connections: list[int]) -> Callable[[socket.socket], None]:
    """A keep-alive server that answers each request with 204 and records, per request,
    what its first `recv` got (and how many connections it accepted)."""

    def handle(conn: socket.socket) -> None:
        connections.append(1)
        with conn:
            while True:
                first = conn.recv(1 << 20)
                if not first:
                    return
                data = first
                while b"\r\n\r\n" not in data:
                    data += conn.recv(1 << 20)
                head, _, body = data.partition(b"\r\n\r\n")
                lines = head.lower().split(b"\r\n")
                if b"transfer-encoding: chunked" in lines:
                    while not body.endswith(b"0\r\n\r\n"):
                        body += conn.recv(1 << 20)
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in lines
                        if line.startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:
                    body += conn.recv(1 << 20)
                reads.append(first)
                conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    return handle


def test_a_request_goes_out_in_one_write() -> None:
    """http.client writes the head and the body apart: two segments and two wake-ups of the
    server. The transport writes them in one call, so the server's first read has both."""
    reads: list[bytes] = []
    body = json.dumps({"Content": "é" * 300}).encode()
    with (
        _socket_server(_recorder(reads, [])) as url,
        httpx.Client(transport=PooledTransport(), timeout=2) as client,
    ):
        for _ in range(3):
            answer = client.post(url + "/send", content=body)
            assert answer.status_code == 204
    assert len(reads) == 3
    assert all(read.startswith(b"POST /send HTTP/1.1\r\n") for read in reads)
    assert all(read.endswith(b"\r\n\r\n" + body) for read in reads)


def test_a_large_or_chunked_body_arrives_whole() -> None:
    reads: list[bytes] = []
    body = b"x" * 300_000  # more than one write holds
    with (
        _socket_server(_recorder(reads, [])) as url,
        httpx.Client(transport=PooledTransport(), timeout=5) as client,
    ):
        assert client.post(url + "/big", content=body).status_code == 204
        assert client.post(url + "/chunked", content=_chunks(b"abcdefghijklmnop")).status_code
    assert len(reads) == 2


def test_a_connection_idle_too_long_is_not_used_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server closes a kept-alive connection after an idle timeout of its own; a request
    sent as it does meets a reset. The transport reuses a connection only while it is
    fresh (`_IDLE_AT_MOST`), then opens a new one."""
    import time

    from contract_tests import http_transport

    monkeypatch.setattr(http_transport, "_IDLE_AT_MOST", 0.2)
    connections: list[int] = []
    with (
        _socket_server(_recorder([], connections)) as url,
        httpx.Client(transport=PooledTransport(), timeout=2) as client,
    ):
        for _ in range(3):
            assert client.get(url + "/").status_code == 204
        assert len(connections) == 1  # kept alive
        time.sleep(0.3)
        assert client.get(url + "/").status_code == 204
        assert len(connections) == 2  # idle too long: a new connection


def test_exchange_answers_as_the_client_does(base_url: str) -> None:
    """`exchange` (the session's path, no client round) reads what `handle_request` does,
    headers merged as httpx merges them."""
    transport = PooledTransport()
    with httpx.Client(base_url=base_url, transport=transport) as client:
        request = client.build_request("POST", "/Token", data={"grant_type": "password"})
        status, headers, body = transport.exchange(request)
        answer = client.post("/Token", data={"grant_type": "password"})
    assert status == answer.status_code and body == answer.content
    drop = {"date", "server"}
    assert [(k, v) for k, v in headers if k not in drop] == [
        (k, v) for k, v in answer.headers.items() if k not in drop
    ]
