"""The ledger stays exact and IDs unique with 64 concurrent clients on a real uvicorn server
(loopback), including when the balance runs out mid-run; malformed HTTP over a socket."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from mockserver import create_app
from mockserver.testing import public_request
from tests.loopback import served
from twosms_contract.fixtures import load_account

CLIENTS = 64
SENDS_PER_CLIENT = 8
START_BALANCE = 1000  # less than the run would spend: some sends must get 402

pytestmark = pytest.mark.slow  # seconds: a server, a subprocess or a fuzzer


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Any]]:
    app = create_app(account=replace(load_account(), balance=START_BALANCE))
    with served(app) as base:
        yield base, app.state.mock


def _body(client: int, n: int) -> dict[str, Any]:
    # 1 to 3 parts, one or two numbers, a group now and then: 1 to 6 credits a send.
    numbers = {f"+4477009{client:03d}{n:02d}": 2}
    if n % 3 == 0:
        numbers[f"+1415555{client:02d}{n:02d}"] = 2
    contacts: dict[str, Any] = {"QuickRecipients": numbers}
    if n % 4 == 0:
        contacts["GroupID"] = {"0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e": 0}
    return public_request(Contacts=contacts, Content="x" * (1 + 150 * (n % 3)), Type=n % 2)


async def _client(base: str, token: str, client: int) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        for n in range(SENDS_PER_CLIENT):
            out.append(await http.post("/api/v2/sms/messages", json=_body(client, n)))
    return out


async def _run(base: str, token: str) -> list[httpx.Response]:
    batches = await asyncio.gather(*(_client(base, token, c) for c in range(CLIENTS)))
    return [r for batch in batches for r in batch]


def test_ledger_exact_and_ids_unique_under_64_concurrent_clients(
    server: tuple[str, Any],
) -> None:
    base, state = server
    token = httpx.post(
        f"{base}/Token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo",
            "client_secret": "demo-secret",
        },
    ).json()["access_token"]
    responses = asyncio.run(_run(base, token))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 402}, sorted(set(statuses))
    assert statuses.count(402) > 0, "the balance was meant to run out"
    ok = [r.json()["ResponseData"]["Detail"] for r in responses if r.status_code == 200]
    spent = sum(int(d["CreditsUsed"]) for d in ok)
    assert state.ledger.balance == START_BALANCE - spent
    # Each debit took exactly [Post, Pre) of the balance: together they tile it, no overlap.
    spans = sorted(
        ((int(d["PreTransaction"]), int(d["PostTransaction"])) for d in ok), reverse=True
    )
    spans = [s for s in spans if s[0] != s[1]]
    assert spans[0][0] == START_BALANCE
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert spans[-1][1] == state.ledger.balance
    ids = [i for d in ok for v in d["IDs"]["StandardMessageIDs"].values() for i in v]
    ids += [d["IDs"]["AdvancedMessageID"] for d in ok if d["IDs"]["AdvancedMessageID"]]
    assert len(ids) == len(set(ids))
    refused = [r.json()["Error"] for r in responses if r.status_code == 402]
    assert all(e["ErrorCode"] == "InsufficientCredits" for e in refused)
    assert len(state.sandbox.messages()) == len(ok)


POST = b"POST /api/v2/sms/messages HTTP/1.1\r\nHost: x\r\n"


def _raw_http(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "request_bytes",
    [
        POST + b"Content-Length: abc\r\n\r\n{}",
        POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        POST + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}",
        b"NOT HTTP AT ALL\r\n\r\n",
    ],
)
def test_malformed_http_over_a_socket_is_a_4xx_not_a_crash(
    server: tuple[str, Any], request_bytes: bytes
) -> None:
    base, state = server
    before = state.ledger.balance
    answer = _raw_http(base, request_bytes)
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]
    assert state.ledger.balance == before
    # The server still serves.
    response = httpx.post(f"{base}/api/v2/sms/messages", json=public_request())
    assert response.status_code == 401
    assert json.loads(response.content)["Error"]["ErrorCode"] == "Unauthorized"
