"""The package's one exception tree.

ContractKitError
 +-- SpecLoadError       the spec file cannot be read or parsed (exit 2)
 +-- FixturesError       a fixtures file cannot be read or is invalid (exit 2)
 +-- ContractError       the spec's x-contract is missing or malformed: names the JSON
                         pointer and the value (exit 2)
"""

from __future__ import annotations

from typing import Any


class ContractKitError(Exception):
    """Root of every error this package raises on purpose."""


class SpecLoadError(ContractKitError):
    """The spec cannot be read: missing file, bad YAML, not a mapping."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")

    @classmethod
    def missing(cls, path: str) -> SpecLoadError:
        return cls(path, "no such file")

    @classmethod
    def duplicate_key(cls, path: str, key: object, line: int) -> SpecLoadError:
        return cls(path, f"duplicate key {key!r} (the first would be lost)", line=line)


class FixturesError(ContractKitError):
    """A fixtures file (the account facts) is missing or invalid."""


class ContractError(ContractKitError):
    """The spec's `x-contract` (or a schema fact it relies on) is missing or malformed."""

    def __init__(self, pointer: str, message: str, value: Any = None) -> None:
        self.pointer = pointer
        self.value = value
        shown = "" if value is None else f" (value: {value!r})"
        super().__init__(f"{pointer}: {message}{shown}")
