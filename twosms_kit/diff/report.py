"""The report: classified changes joined with the generated-code changes, and the bumps."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from twosms_contract.spec import Spec
from twosms_kit.diff.codegen import (
    CodeChange,
    CodegenError,
    Generate,
    diff_surfaces,
    normalize,
    surface,
)
from twosms_kit.diff.engine import diff_documents
from twosms_kit.diff.model import Change, Level
from twosms_kit.diff.pointers import canonical
from twosms_kit.diff.rules import API_RULES


@dataclass(frozen=True, slots=True)
class Entry:
    """A change and what it does to the generated code."""

    change: Change
    code: tuple[CodeChange, ...]


@dataclass(frozen=True, slots=True)
class Bump:
    """The recommended version bumps; `client_basis` says what the client's is drawn from."""

    spec: str
    client: str
    client_basis: str
    old_version: str | None
    next_version: str | None
    new_version: str | None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `twosms-contract diff` prints, in every format."""

    old: str
    new: str
    entries: tuple[Entry, ...]
    other_code: tuple[CodeChange, ...]
    code_status: str | None  # None when the join ran, else why it did not
    bump: Bump

    def count(self, level: Level) -> int:
        return sum(1 for e in self.entries if e.change.level == level)

    def fails(self, fail_on: Level) -> bool:
        return any(e.change.level >= fail_on for e in self.entries)


def default_generate() -> tuple[Generate | None, str | None]:
    """The project's `generator.generate`, or why it cannot be used."""
    try:
        module = importlib.import_module("generator")
    except ImportError as exc:
        return None, f"the generator cannot be imported ({exc})"
    generate = getattr(module, "generate", None)
    if not callable(generate):
        return None, "generator.generate() does not exist yet"
    return generate, None


def build_report(
    old: Spec, new: Spec, *, generate: Generate | None, unavailable: str | None = None
) -> Report:
    """Classify the changes from `old` to `new` and join them with the generated code."""
    changes = diff_documents(old.document, new.document)
    code: list[CodeChange] = []
    status = unavailable if generate is None else None
    files_differ = False
    if generate is not None:
        try:
            old_files, new_files = dict(generate(old)), dict(generate(new))
        except Exception as exc:  # the report stands without the join; say why it is missing
            status = f"generate() failed: {type(exc).__name__}: {exc}"
        else:
            try:
                code = diff_surfaces(surface(old_files), surface(new_files))
            except CodegenError as exc:
                status = str(exc)
            files_differ = _bodies(old_files) != _bodies(new_files)
    entries, other = _attach(changes, code)
    bump = _bump(old, new, changes, code, files_differ, status)
    return Report(str(old.path), str(new.path), entries, other, status, bump)


def _attach(
    changes: list[Change], code: list[CodeChange]
) -> tuple[tuple[Entry, ...], tuple[CodeChange, ...]]:
    used: set[int] = set()
    entries = []
    for change in changes:
        matched = tuple(c for c in code if _matches(change, c))
        used.update(id(c) for c in matched)
        entries.append(Entry(change, matched))
    return tuple(entries), tuple(c for c in code if id(c) not in used)


def _matches(change: Change, code: CodeChange) -> bool:
    if code.kind.startswith("method"):
        ops = {normalize(o) for o in change.operations}
        if change.rule.id == "api-operation-id-changed":
            ops |= {normalize(str(v)) for v in (change.old, change.new)}
        method_level = change.rule.id in API_RULES or change.rule.id.endswith("-ref-changed")
        return method_level and code.name is not None and normalize(code.name) in ops
    targets = {(normalize(cls), normalize(p) if p else None) for cls, p in change.targets}
    owner = normalize(code.owner)
    if code.name is None or code.name == "root" or _is_enum_member(code):
        # A class of its own: a component, or an inline schema named owner + property
        # (`ContractError.ErrorCode`'s enum is `ContractErrorErrorCode`).
        return (owner, None) in targets or any(cls + (p or "") == owner for cls, p in targets)
    names = {normalize(code.name)} | ({normalize(code.alias)} if code.alias else set())
    return any((owner, name) in targets for name in names)


def _is_enum_member(code: CodeChange) -> bool:
    text = code.new if code.new is not None else code.old
    return text is not None and bool(re.match(r"^\w+ = ", text))


def _bump(
    old: Spec,
    new: Spec,
    changes: list[Change],
    code: list[CodeChange],
    files_differ: bool,
    status: str | None,
) -> Bump:
    if any(c.level is Level.ERR for c in changes):
        spec = "major"
    elif changes:
        spec = "minor"
    elif canonical(old.document) != canonical(new.document):
        spec = "patch"
    else:
        spec = "none"
    if status is not None:
        client, basis = spec, f"the spec's changes (no generated-code join: {status})"
    else:
        basis = "the generated code's public surface"
        if any(c.breaking for c in code):
            client = "major"
        elif code:
            client = "minor"
        elif files_differ:
            client = "patch"
        else:
            client = "none"
    old_version = _version(old.document)
    return Bump(
        spec=spec,
        client=client,
        client_basis=basis,
        old_version=old_version,
        next_version=next_version(old_version, spec) if old_version else None,
        new_version=_version(new.document),
    )


def _bodies(files: Mapping[str, str]) -> dict[str, str]:
    """The generated files without their leading comment header, which names the spec file
    and its hash: the same spec read from another path must not count as a change."""
    bodies = {}
    for path, text in files.items():
        lines = text.splitlines(keepends=True)
        start = 0
        while start < len(lines) and lines[start].startswith("#"):
            start += 1
        bodies[path] = "".join(lines[start:])
    return bodies


def _version(document: Mapping[str, object]) -> str | None:
    info = document.get("info")
    value = info.get("version") if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def next_version(version: str, bump: str) -> str | None:
    """`1.2.3` bumped; None when the version is not `MAJOR.MINOR.PATCH`."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version
