"""The suite's wall time at this checkout and at another, side by side in one run.

    git worktree add /tmp/baseline <commit>
    .venv/bin/python bench/bench_versions.py --baseline /tmp/baseline [--repeats 5]

Both checkouts run with this checkout's virtual environment (the baseline's packages are
put first on `PYTHONPATH`, so its code is what runs), alternately, so that a busy machine
weighs on both alike: `twosms-contract test` in process (the embedded mock, `make
contract`) and over loopback HTTP (`--base-url`, a fresh `twosms-contract mock` of the same
checkout for each run, since a run spends the balance). Medians are written to
`bench/results/versions.md`. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "versions.md"
_CASES = re.compile(r"(\d+) cases in ([0-9.]+) s \(")


def _env(checkout: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(checkout), str(checkout / "generated")])
    return env


def _cli(checkout: Path) -> list[str]:
    """The checkout's `twosms-contract` (its entry point moved to `twosms_kit` since)."""
    home = "twosms_kit" if (checkout / "twosms_kit" / "cli.py").exists() else "twosms_contract"
    return [sys.executable, "-c", f"from {home}.cli import main; raise SystemExit(main())"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
        except urllib.error.HTTPError:
            return  # an answer, whatever its status
        except OSError:
            time.sleep(0.1)
            continue
        return
    raise RuntimeError(f"{url} did not answer")


def _run(checkout: Path, over_http: bool) -> tuple[float, int]:
    """(wall seconds, cases) of one `twosms-contract test` run."""
    args = [*_cli(checkout), "test", "--seed", "1"]
    server = None
    try:
        if over_http:
            port = _free_port()
            server = subprocess.Popen(
                [*_cli(checkout), "mock", "--port", str(port)],
                cwd=checkout,
                env=_env(checkout),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _wait(f"http://127.0.0.1:{port}/")
            args += ["--base-url", f"http://127.0.0.1:{port}"]
        start = time.perf_counter()
        done = subprocess.run(
            args, cwd=checkout, env=_env(checkout), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    found = _CASES.search(done.stdout.replace("\n", " "))
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{checkout}: exit {done.returncode}\n{done.stdout[-2000:]}")
    return seconds, int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout to compare")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    peers = {(name, http): [] for name in ("baseline", "this checkout") for http in (False, True)}  # type: dict[tuple[str, bool], list[tuple[float, int]]]
    where = {"baseline": args.baseline.resolve(), "this checkout": REPO}
    for _ in range(args.repeats):
        for (name, http), samples in peers.items():
            samples.append(_run(where[name], http))
    load = os.getloadavg()[0]
    lines = [
        "# The suite at two commits, side by side",
        "",
        f"`bench/bench_versions.py --repeats {args.repeats}`, alternating runs, medians; "
        f"load average after the run: {load:.2f}. Baseline: `{_commit(where['baseline'])}`; "
        f"this checkout: `{_commit(REPO)}`.",
        "",
        "| target | checkout | cases (median) | seconds (median) | cases/s (median) |",
        "|---|---|---:|---:|---:|",
    ]
    medians: dict[tuple[str, bool], float] = {}
    for (name, http), samples in peers.items():
        seconds = statistics.median(s for s, _ in samples)
        cases = statistics.median(c for _, c in samples)
        medians[(name, http)] = seconds
        target = "loopback HTTP" if http else "in process"
        lines.append(f"| {target} | {name} | {cases:.0f} | {seconds:.1f} | {cases / seconds:.0f} |")
    lines.append("")
    for http in (False, True):
        ratio = medians[("this checkout", http)] / medians[("baseline", http)]
        target = "over loopback HTTP" if http else "in process"
        lines.append(f"- {target}: this checkout takes {ratio:.2f}x the baseline's wall time.")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _commit(checkout: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()[:72]


if __name__ == "__main__":
    main()
