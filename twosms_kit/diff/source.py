"""Reading OLD and NEW: a file, or `REV:path` read with `git show`."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from twosms_contract.errors import ContractKitError, SpecLoadError
from twosms_contract.spec import Spec
from twosms_contract.yamlio import parse_yaml, read_text


class DiffInputError(ContractKitError):
    """OLD or NEW cannot be read: no such file, no such revision or path, not a mapping."""


def load_source(arg: str, *, cwd: Path | None = None) -> Spec:
    """Load a spec from a file path, or from `REV:path` (a git revision and a path in it).

    An existing file wins over the git form, so a file named `a:b` still loads.
    """
    where = cwd or Path.cwd()
    file = Path(arg) if Path(arg).is_absolute() else where / arg
    if file.exists() or ":" not in arg:
        try:
            text = read_text(file)
        except SpecLoadError as exc:
            raise DiffInputError(
                f"{arg}: cannot read the spec: {_reason(exc, str(file))}"
            ) from None
        return _spec(arg, text)
    return _spec(arg, _git_show(arg, where))


def _reason(exc: SpecLoadError, path: str) -> str:
    text = str(exc)
    return text[len(path) + 2 :] if text.startswith(path + ": ") else text


def _git_show(arg: str, cwd: Path) -> str:
    revision, _, path = arg.partition(":")
    if not revision or not path:
        raise DiffInputError(
            f"{arg!r}: expected a file or REV:path (e.g. HEAD~1:spec/twosms-v2.yaml)"
        )
    try:
        result = subprocess.run(
            ["git", "show", f"{revision}:{path}"],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except FileNotFoundError:
        raise DiffInputError(f"{arg}: git is not installed, cannot read a revision") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[0].removeprefix("fatal: ") if lines else f"exit {result.returncode}"
        raise DiffInputError(
            f"{arg}: git cannot show revision {revision!r} path {path!r}: {detail}"
        )
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{arg}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _spec(label: str, text: str) -> Spec:
    try:
        document = parse_yaml(text, source=label)
    except SpecLoadError as exc:
        raise DiffInputError(str(exc)) from None
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise DiffInputError(f"{label}: the top level is {kind}, not an OpenAPI mapping")
    if not isinstance(document.get("openapi"), str):
        raise DiffInputError(
            f"{label}: not an OpenAPI document (no `openapi` version string at #/openapi,"
            f" got {document.get('openapi')!r})"
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Spec(path=Path(label), document=document, sha256=digest)
