"""The generated client of the spec a process runs with, as an imported package.

The committed `twosms_client` is generated from the project's spec. A mock served, or a
suite run, with another spec (an edited copy: a limit raised, a field added) must use
models of *that* spec, or it would refuse what the spec allows. `client_package(spec)`
returns the committed package when its header names the spec's SHA-256, else generates the
package for the spec (about a third of a second), writes it to a temporary folder once per
spec and process, and imports it under a name of its own (`twosms_client_<sha>`).
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import importlib.util
import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from generator import DEFAULT_PACKAGE

if TYPE_CHECKING:
    from twosms_contract.spec import Spec

_LOCK = threading.Lock()
_BUILT: dict[str, ModuleType] = {}


def committed_spec_sha256(package: str = DEFAULT_PACKAGE) -> str | None:
    """The spec SHA-256 in the header of an importable generated package (None when there
    is no such package or header)."""
    found = importlib.util.find_spec(package)
    if found is None or found.origin is None:
        return None
    try:
        with open(found.origin, encoding="utf-8") as handle:
            for _ in range(6):
                line = handle.readline()
                if line.startswith("# spec sha256 "):
                    return line.split()[-1]
    except OSError:
        return None
    return None


def client_package(spec: Spec) -> ModuleType:
    """The generated package (`Client`, `models`, ...) for `spec`."""
    if committed_spec_sha256() == spec.sha256:
        return importlib.import_module(DEFAULT_PACKAGE)
    # Keyed by the document itself: a spec built in memory may carry any label as its hash.
    canonical = json.dumps(spec.document, sort_keys=True, separators=(",", ":"), default=str)
    key = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    with _LOCK:
        built = _BUILT.get(key)
        if built is None:
            built = _BUILT[key] = _build(spec, key)
    return built


def _build(spec: Spec, key: str) -> ModuleType:
    from generator import generate
    from generator.write import write

    name = f"{DEFAULT_PACKAGE}_{key}"
    folder = Path(tempfile.mkdtemp(prefix="twosms-client-"))
    # The package lives as long as the process; its folder goes when the process ends.
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    write(generate(spec, package=name), folder)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


__all__ = ["client_package", "committed_spec_sha256"]
