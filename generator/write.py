"""Stage 6: the only code that touches the disk. `write` puts `generate()`'s files in place;
`check` compares them with what is there and writes nothing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.header import content_hash, read_header

_IGNORED = ("__pycache__", ".pyc", ".pyo", ".DS_Store")


@dataclass(frozen=True, slots=True)
class Drift:
    """How `out` differs from the generated files."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    diff: str

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def _present(out: Path, packages: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for package in sorted(set(packages)):
        root = out / package
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            ignored = any(part in _IGNORED for part in path.parts) or path.name.endswith(_IGNORED)
            if path.is_file() and not ignored:
                found.add(path.relative_to(out).as_posix())
    return found


def _packages(paths: Iterable[str]) -> set[str]:
    return {path.split("/", 1)[0] for path in paths}


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write(files: Mapping[str, str], out: Path) -> list[str]:
    """Write the files (only those that changed) and remove stale ones; returns what changed."""
    touched = []
    for relative in sorted(files):
        target = out / relative
        if _read(target) != files[relative]:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative].encode("utf-8"))
            touched.append(relative)
    for relative in sorted(_present(out, _packages(files)) - set(files)):
        (out / relative).unlink()
        touched.append(relative)
    return touched


def check(files: Mapping[str, str], out: Path) -> Drift:
    """The drift between `out` and the generated files, as a unified diff."""
    present = _present(out, _packages(files))
    changed: list[str] = []
    missing: list[str] = []
    chunks: list[str] = []
    for relative in sorted(files):
        actual = _read(out / relative)
        if actual is None:
            missing.append(relative)
            actual = ""
        elif actual == files[relative]:
            continue
        else:
            changed.append(relative)
        chunks.extend(
            difflib.unified_diff(
                actual.splitlines(keepends=True),
                files[relative].splitlines(keepends=True),
                fromfile=f"a/{relative}",
                tofile=f"b/{relative}",
            )
        )
    extra = sorted(present - set(files))
    for relative in extra:
        actual = _read(out / relative) or ""
        chunks.extend(
            difflib.unified_diff(
                actual.splitlines(keepends=True), [], fromfile=f"a/{relative}", tofile="/dev/null"
            )
        )
    return Drift(tuple(changed), tuple(missing), tuple(extra), "".join(chunks))


def unchanged(
    out: Path, expected: Iterable[str], *, label: str, spec_sha256: str, generator: str
) -> bool:
    """The fast path of `--check`: true only when exactly the expected files are present,
    each made from this spec by this generator and not edited since (its body still has the
    hash its header records). Anything else, and the caller regenerates and diffs."""
    wanted = set(expected)
    if _present(out, _packages(wanted)) != wanted:
        return False
    for relative in sorted(wanted):
        text = _read(out / relative)
        parsed = read_header(text) if text is not None else None
        if parsed is None:
            return False
        header, body = parsed
        if (header.label, header.spec_sha256, header.generator) != (label, spec_sha256, generator):
            return False
        if content_hash(body) != header.content_sha256:
            return False
    return True
