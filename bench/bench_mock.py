"""Throughput and latency of the mock server, side by side with Prism serving the same spec.

    .venv/bin/python bench/bench_mock.py                 # 3 repeats x 10 s a run
    .venv/bin/python bench/bench_mock.py --duration 5 --repeats 1 --skip-prism

Needs `wrk` (Debian: `apt-get install wrk`) and, for the comparison, Prism
(`npm install --prefix ~/.cache/twosms-bench @stoplight/prism-cli`, or `prism` on PATH).
Every server listens on 127.0.0.1 only. Each run sends the spec's public example request
(`PublicStandardRequest`) with a bearer token, at 1, 16 and 64 connections; the figures
written to `bench/results/mock.md` are the medians of the repeats.

Peers, each at its defaults and at its fastest settings:

- mock, defaults: as `twosms-contract mock` serves it with h11 and asyncio (plain
  `pip install uvicorn`), 1 worker;
- mock, fastest: as `twosms-contract mock` serves it with httptools and uvloop (the
  project's dependencies), 1 worker (the ledger lives in the process: more workers would
  each keep their own, so the figure is for one worker);
- mock, stock uvicorn: the same app on uvicorn's own protocol (httptools + uvloop), which
  writes a response in two system calls: the gain of `mockserver.serving`, side by side;
- Prism, defaults: `prism mock SPEC`; Prism, fastest: `prism mock -v error SPEC`.

After each mock run the script checks the ledger: balance = start - credits of the
messages it kept, every request answered 200.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "spec" / "twosms-v2.yaml"
RESULTS = REPO / "bench" / "results" / "mock.md"
SEND_PATH = "/api/v2/sms/messages"
PRISM_PREFIX = Path.home() / ".cache" / "twosms-bench"
BALANCE = 10**12  # no run may run out of credits

FIXTURES = f"""\
client_id: bench
client_secret: bench-secret
user_id: bench
balance: {BALANCE}
"""

# `kit`: as `twosms-contract mock` serves (mockserver.serving: one write per response);
# `stock`: uvicorn's own protocol (a response's head and body in two writes).
SERVE_MOCK = """\
import sys, uvicorn
from mockserver import create_app
from mockserver.serving import serve
from twosms_contract.fixtures import load_account
serving, http, loop, port, fixtures = sys.argv[1:6]
app = create_app(account=load_account(fixtures))
if serving == "kit":
    serve(app, host="127.0.0.1", port=int(port), http=http, loop=loop, log_level="error")
else:
    uvicorn.run(app, host="127.0.0.1", port=int(port), http=http, loop=loop,
                log_level="error", access_log=False)
"""


@dataclass(frozen=True, slots=True)
class Peer:
    """A server configuration under test."""

    name: str
    kind: str  # "mock" or "prism"
    settings: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """One wrk run: requests per second, latency percentiles (ms), errors."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def prism_command() -> list[str] | None:
    local = PRISM_PREFIX / "node_modules" / ".bin" / "prism"
    if local.exists():
        return [str(local)]
    found = shutil.which("prism")
    return [found] if found else None


def start(peer: Peer, port: int, fixtures: Path) -> subprocess.Popen[bytes]:
    if peer.kind == "mock":
        command = [sys.executable, "-c", SERVE_MOCK, *peer.args, str(port), str(fixtures)]
    else:
        prism = prism_command()
        assert prism is not None
        command = [*prism, "mock", "-h", "127.0.0.1", "-p", str(port), *peer.args, str(SPEC)]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that stopping it stops its children (node) too
    )
    wait_for(port)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def token_for(peer: Peer, port: int) -> str:
    if peer.kind == "prism":
        return "bench"  # Prism checks that a bearer token is present, not which
    form = b"grant_type=client_credentials&client_id=bench&client_secret=bench-secret"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/Token",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        token: str = json.loads(response.read())["access_token"]
        return token


def wrk_script(body: str, token: str, directory: Path) -> Path:
    script = directory / f"send-{token[:8]}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    return script


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unreadable latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Run(
        rps=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=requests,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
    )


def run_wrk(port: int, script: Path, connections: int, duration: int) -> Run:
    threads = min(connections, 2)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
        "-s", str(script), f"http://127.0.0.1:{port}{SEND_PATH}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def check_ledger(port: int, counted: int, in_flight: int) -> str:
    """Every send costs 1 credit: the credits taken are the 200s wrk counted, plus at most
    the requests still in flight when each run stopped (answered, but not counted)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/messages", timeout=30) as r:
        data: dict[str, Any] = json.loads(r.read())
    kept = data["messages"]
    assert all(m["credits"] == 1 for m in kept), "a benchmark send cost other than 1 credit"
    ids = [i for m in kept for v in m["standard_message_ids"].values() for i in v]
    assert len(ids) == len(set(ids)), "message IDs repeat"
    spent = BALANCE - int(data["balance"])
    assert 0 <= spent - counted <= in_flight, f"{spent} credits taken for {counted} answers"
    return (
        f"{spent} credits taken, {counted} answers counted by wrk"
        f" (+{spent - counted} in flight at the stops, at most {in_flight}); IDs unique"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds a run (10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (3)")
    parser.add_argument("--connections", default="1,16,64", help="connection counts")
    parser.add_argument("--skip-prism", action="store_true", help="the mock only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    conns = [int(c) for c in args.connections.split(",")]
    fastest = ("httptools", "uvloop")
    peers = [
        Peer(
            "mock (defaults)", "mock", "uvicorn h11 + asyncio, 1 worker",
            ("kit", "h11", "asyncio"),
        ),
        Peer("mock (fastest)", "mock", "uvicorn httptools + uvloop, 1 worker", ("kit", *fastest)),
        Peer(
            "mock (stock uvicorn)", "mock", "uvicorn's own protocol, httptools + uvloop",
            ("stock", *fastest),
        ),
    ]  # fmt: skip
    if not args.skip_prism:
        if prism_command() is None:
            print("prism not found (see the module docstring); use --skip-prism", file=sys.stderr)
            return 2
        peers += [
            Peer("Prism (defaults)", "prism", "prism mock", ()),
            Peer("Prism (fastest)", "prism", "prism mock -v error", ("-v", "error")),
        ]
    from twosms_contract.spec import load_spec

    body = json.dumps(
        load_spec(SPEC).document["components"]["examples"]["PublicStandardRequest"]["value"]
    )
    runs: dict[tuple[str, int], list[Run]] = {}
    notes: list[str] = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = Path(tmp) / "bench.yaml"
        fixtures.write_text(FIXTURES)
        for repeat in range(args.repeats):
            for peer in peers:  # interleaved, so that a noisy minute hits every peer alike
                port = free_port()
                process = start(peer, port, fixtures)
                try:
                    script = wrk_script(body, token_for(peer, port), Path(tmp))
                    counted = run_wrk(port, script, 4, 2).requests  # warm-up
                    in_flight = 4
                    for c in conns:
                        run = run_wrk(port, script, c, args.duration)
                        runs.setdefault((peer.name, c), []).append(run)
                        counted += run.requests
                        in_flight += c
                        print(
                            f"[{repeat + 1}/{args.repeats}] {peer.name:20} c={c:<3}"
                            f" {run.rps:9.0f} req/s  p50 {run.p50_ms:6.2f} ms"
                            f"  p99 {run.p99_ms:6.2f} ms  non-2xx {run.non_2xx}",
                            flush=True,
                        )
                    if peer.kind == "mock":
                        note = check_ledger(port, counted, in_flight)
                        notes.append(f"{peer.name} run {repeat + 1}: {note}")
                finally:
                    stop(process)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(peers, conns, runs, args, started, load_before, notes))
    print(f"wrote {args.out}")
    return 0


def report(
    peers: list[Peer],
    conns: list[int],
    runs: dict[tuple[str, int], list[Run]],
    args: argparse.Namespace,
    started: str,
    load_before: tuple[float, float, float],
    notes: list[str],
) -> str:
    def med(name: str, c: int, field: str) -> float:
        return float(statistics.median(getattr(r, field) for r in runs[(name, c)]))

    lines = [
        "# Mock server benchmark",
        "",
        f"Run {started} by `bench/bench_mock.py` on {os.cpu_count()} CPUs (load average before:"
        f" {load_before[0]:.2f}; the machine is shared, so figures are noisy), wrk 4.1,"
        f" {args.duration} s a run, medians of {args.repeats} repeats, request: the spec's"
        " `PublicStandardRequest` with a bearer token (full validation, business rules,"
        " ledger, sandbox on the mock; Prism validates and returns the example).",
        "",
        "| peer | settings | connections | req/s | p50 ms | p99 ms | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for peer in peers:
        for c in conns:
            non_2xx = sum(r.non_2xx for r in runs[(peer.name, c)])
            lines.append(
                f"| {peer.name} | {peer.settings} | {c} | {med(peer.name, c, 'rps'):.0f}"
                f" | {med(peer.name, c, 'p50_ms'):.2f} | {med(peer.name, c, 'p99_ms'):.2f}"
                f" | {non_2xx} |"
            )
    names = {p.name for p in peers}
    if 16 in conns and {"Prism (defaults)", "Prism (fastest)"} <= names:
        lines += ["", "Ratio at 16 connections (mock req/s / Prism req/s, medians):", ""]
        for mock, prism in (
            ("mock (defaults)", "Prism (defaults)"),
            ("mock (fastest)", "Prism (fastest)"),
            ("mock (defaults)", "Prism (fastest)"),
            ("mock (stock uvicorn)", "Prism (fastest)"),
        ):
            ratio = med(mock, 16, "rps") / med(prism, 16, "rps")
            lines.append(f"- {mock} / {prism}: **{ratio:.1f}x**")
        per_run = [
            a.rps / b.rps
            for a, b in zip(
                runs[("mock (fastest)", 16)], runs[("Prism (fastest)", 16)], strict=True
            )
        ]
        lines.append(
            "- mock (fastest) / Prism (fastest), per repeat: "
            + ", ".join(f"{r:.1f}x" for r in per_run)
        )
    lines += ["", "Ledger checks after each mock run:", ""]
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
