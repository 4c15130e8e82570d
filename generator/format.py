"""Stage 5: ruff, pinned, run on text through stdin (no files), isolated from any project
configuration so that the output is the same on every machine."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from generator.errors import FormatterError, GeneratorError

RUFF_VERSION = "0.17.6"
_COMMON = ("--isolated", "--target-version", "py311", "--line-length", "100")


@cache
def ruff_binary() -> str:
    """The pinned ruff; another version could format differently, so it is refused."""
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    binary = str(find_ruff_bin())
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=True
    ).stdout.split()
    if version[-1:] != [RUFF_VERSION]:
        raise GeneratorError(f"ruff {RUFF_VERSION} is required, found {' '.join(version)}")
    return binary


def _run(args: list[str], source: str, path: str) -> str:
    done = subprocess.run(
        [ruff_binary(), *args, *_COMMON, "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise FormatterError(path, done.stderr or done.stdout)
    return done.stdout


def format_module(source: str, path: str, *, package: str) -> str:
    """Imports and `__all__` sorted, unused imports removed, then `ruff format`."""
    first_party = f"lint.isort.known-first-party=['{package}']"
    fixed = _run(
        [
            "check",
            "--fix",
            "--quiet",
            "--exit-zero",
            "--select",
            "I,F401,RUF022",
            "--config",
            first_party,
        ],
        source,
        path,
    )
    return _run(["format"], fixed, path)


def format_all(files: dict[str, str], *, package: str) -> dict[str, str]:
    """Every module formatted (in parallel: each is its own ruff process)."""
    names = sorted(files)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda n: format_module(files[n], n, package=package), names)
        return dict(zip(names, results, strict=True))
