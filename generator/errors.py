"""The generator's errors; each is a `ContractKitError`, so the CLI exits 2 with one line.

GeneratorError
 +-- UnsupportedConstruct   a schema construct the models cannot express (names its pointer)
 +-- FormatterError         the pinned ruff refused the rendered code (a generator bug)
"""

from __future__ import annotations

import json
import keyword
from typing import Any

from twosms_contract.errors import ContractKitError


class GeneratorError(ContractKitError):
    """Root of the generator's errors."""


class UnsupportedConstruct(GeneratorError):
    """The spec uses a construct the generated code cannot express faithfully."""

    def __init__(self, pointer: str, message: str, value: Any = None) -> None:
        self.pointer = pointer
        self.value = value
        shown = json.dumps(value, sort_keys=True, default=str)
        if len(shown) > 120:
            shown = shown[:117] + "..."
        super().__init__(f"{pointer}: unsupported: {message} (value: {shown})")

    @classmethod
    def keyword(cls, pointer: str, keyword: str, value: Any) -> UnsupportedConstruct:
        return cls(
            f"{pointer}/{keyword}",
            f"`{keyword}` cannot be expressed by the generated models",
            value,
        )


class FormatterError(GeneratorError):
    """ruff failed on rendered code: the generator produced invalid Python."""

    def __init__(self, path: str, stderr: str) -> None:
        self.path = path
        first = stderr.strip().splitlines()[0] if stderr.strip() else "no output"
        super().__init__(f"{path}: ruff could not format the generated code: {first}")


def invalid_package(name: str) -> str | None:
    """Why `name` cannot be the generated package's name, or None when it can."""
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        return f"{name!r} is not a valid package name: use a Python identifier, like twosms_client"
    return None
