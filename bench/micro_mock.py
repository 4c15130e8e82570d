"""The mock's own work per send, in process: the ASGI app called directly, no server.

    .venv/bin/python bench/micro_mock.py [--requests 5000] [--batches 7] [--profile OUT]

Builds the app on the demo account (with a balance no run can spend), gets a token through
`POST /Token`, then sends the spec's `PublicStandardRequest` `--requests` times a batch and
prints the median µs per send over `--batches` batches (every answer must be a 200).
`--profile OUT` also writes a cProfile of one more batch to OUT (`python -m pstats OUT`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mockserver import create_app
from twosms_contract.asgi import call_app, scope_for
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

BALANCE = 10**12  # no run may run out of credits

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(
    app: App, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, bytes]:
    """One request through the ASGI app: (status, body)."""
    answer = await call_app(app, scope_for(method, path, headers), [body])
    return (answer.status if answer.started else 0), bytes(answer.body)


async def token_of(app: App) -> str:
    form = b"grant_type=client_credentials&client_id=demo&client_secret=demo-secret"
    headers = [
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", str(len(form)).encode()),
    ]
    status, body = await call(app, "POST", "/Token", headers, form)
    assert status == 200, body
    token: str = json.loads(body)["access_token"]
    return token


async def batch(
    app: App, path: str, headers: list[tuple[bytes, bytes]], body: bytes, n: int
) -> float:
    """Seconds for `n` sends."""
    started = time.perf_counter()
    for _ in range(n):
        status, answer = await call(app, "POST", path, headers, body)
        if status != 200:
            raise AssertionError(f"{status}: {answer!r}")
    return time.perf_counter() - started


async def run(requests: int, batches: int, profile: Path | None) -> None:
    spec = load_spec()
    account = dataclasses.replace(load_account(), balance=BALANCE)
    app: App = create_app(account=account, spec=spec)
    body = json.dumps(
        spec.document["components"]["examples"]["PublicStandardRequest"]["value"]
    ).encode()
    headers = [
        (b"host", b"127.0.0.1"),
        (b"authorization", f"Bearer {await token_of(app)}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    path = spec.terms.operation("sendMessages")[0]
    await batch(app, path, headers, body, min(requests, 1000))  # warm-up
    per_send = [await batch(app, path, headers, body, requests) / requests for _ in range(batches)]
    micros = [s * 1e6 for s in per_send]
    print(
        f"{statistics.median(micros):.1f} µs per send (median of {batches} batches of"
        f" {requests}; min {min(micros):.1f}, max {max(micros):.1f})"
    )
    if profile is not None:
        profiler = cProfile.Profile()
        profiler.enable()
        await batch(app, path, headers, body, requests)
        profiler.disable()
        profiler.dump_stats(profile)
        print(f"wrote {profile}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="sends a batch (5000)")
    parser.add_argument("--batches", type=int, default=7, help="batches (7)")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile here")
    args = parser.parse_args(argv)
    asyncio.run(run(args.requests, args.batches, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
