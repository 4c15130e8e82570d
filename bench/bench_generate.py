"""Wall time of `twosms-contract generate` and `generate --check` on our spec, beside
datamodel-code-generator's own CLI on the same spec, measured in the same run.

    .venv/bin/python bench/bench_generate.py [--runs 7] [--write]

Each figure is the median of `--runs` runs of a fresh process (what a user or `make test`
waits for), plus the same work in process (what the generator itself costs, without the
interpreter's start and the imports). `--write` records the table in
`bench/results/generate.md`.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "twosms-v2.yaml"
GENERATED = ROOT / "generated"
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "generate.md"

LAZY_ROW = "python -c: generator.cli.run(check=True), no other subcommand imported"
# The generator's own `--check` in a fresh process, without the CLI's parser (which imports
# every stage's subcommand module). It fails if the fast path imports the heavy stages.
LAZY_PACKAGE_CHECK = f"""
import sys
from pathlib import Path
from generator.cli import run
code = run(Path({str(SPEC)!r}), Path({str(GENERATED)!r}), check=True, package="twosms_client")
assert code == 0
assert "jsonschema" not in sys.modules and "datamodel_code_generator" not in sys.modules
"""
FLOOR_ROW = "python -c: build the twosms-contract parser (the CLI's import floor)"
BUILD_PARSER = "from twosms_kit.cli import build_parser; build_parser()"


def _median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _process(*args: str, expect: int = 0) -> Callable[[], object]:
    def run() -> object:
        done = subprocess.run(args, capture_output=True, check=False, cwd=ROOT)
        if done.returncode != expect:
            raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-400:]!r}")
        return done

    return run


def measure(runs: int) -> list[tuple[str, float]]:
    from generator import generate
    from generator.cli import run as generate_cli

    cli = str(BIN / "twosms-contract")
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        edited = work / "edited"
        shutil.copytree(GENERATED, edited, ignore=shutil.ignore_patterns("__pycache__"))
        models = edited / "twosms_client" / "models.py"
        models.write_text(models.read_text().replace("max_length=64", "max_length=65"))
        fresh = work / "fresh"
        rows += [
            (
                "datamodel-codegen CLI (models only)",
                _median_seconds(
                    _process(
                        str(BIN / "datamodel-codegen"),
                        "--input",
                        str(SPEC),
                        "--input-file-type",
                        "openapi",
                        "--output-model-type",
                        "pydantic_v2.BaseModel",
                        "--disable-timestamp",
                        "--formatters",
                        "ruff-format",
                        "--output",
                        str(work / "dmcg_models.py"),
                    ),
                    runs,
                ),
            ),
            (
                "twosms-contract generate (fresh output directory)",
                _median_seconds(_process(cli, "generate", "--out", str(fresh)), runs),
            ),
            (
                "twosms-contract generate --check (up to date: fast path)",
                _median_seconds(_process(cli, "generate", "--check"), runs),
            ),
            (
                "twosms-contract generate --check (hand edit: regenerate and diff)",
                _median_seconds(
                    _process(cli, "generate", "--check", "--out", str(edited), expect=1), runs
                ),
            ),
            (
                LAZY_ROW,
                _median_seconds(_process(sys.executable, "-c", LAZY_PACKAGE_CHECK), runs),
            ),
            (FLOOR_ROW, _median_seconds(_process(sys.executable, "-c", BUILD_PARSER), runs)),
            ("in process: generate()", _median_seconds(lambda: generate(SPEC), runs)),
            (
                "in process: generate --check, up to date (fast path)",
                _median_seconds(
                    lambda: generate_cli(SPEC, GENERATED, check=True, package="twosms_client"),
                    runs,
                ),
            ),
        ]
    return rows


def render(rows: list[tuple[str, float]], runs: int) -> str:
    dmcg = rows[0][1]
    lines = [
        "# `generate` benchmark",
        "",
        "Recorded by `bench/bench_generate.py --write` (median of "
        f"{runs} runs each, all in the same run).",
        "",
        f"- machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}",
        f"- datamodel-code-generator {metadata.version('datamodel-code-generator')}, "
        f"ruff {metadata.version('ruff')}",
        "",
        "| what | median wall time | vs datamodel-codegen CLI |",
        "|---|---:|---:|",
    ]
    for name, seconds in rows:
        lines.append(f"| {name} | {seconds:.3f} s | {seconds / dmcg:.2f}x |")
    figures = dict(rows)
    check = figures["twosms-contract generate --check (up to date: fast path)"]
    lazy = figures[LAZY_ROW]

    def verdict(seconds: float) -> str:
        return "met" if seconds <= dmcg / 2 else "NOT met"

    lines += [
        "",
        "Target: `generate --check` at most half of datamodel-codegen's CLI time.",
        f"- As the CLI runs today: {check / dmcg:.2f}x ({verdict(check)}).",
        f"- The generator's own check in a fresh process: {lazy / dmcg:.2f}x ({verdict(lazy)}).",
        f"- The CLI's import floor alone: {figures[FLOOR_ROW] / dmcg:.2f}x: building the parser",
        "  imports every stage's subcommand module (`python -X importtime -c",
        "  'from twosms_kit.cli import build_parser; build_parser()'` shows which).",
        "  The fast path itself reads the headers and hashes the files (the last row).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", action="store_true", help=f"record in {RESULTS}")
    args = parser.parse_args()
    table = render(measure(args.runs), args.runs)
    print(table)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
