"""The records of the contract model (`twosms_contract.contract.Contract`), frozen values.

Each is read once from one part of `x-contract` (`twosms_contract.contract_reader`), except
`Field`: a request field's constraints as the schema states them, found by `Contract.field`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twosms_contract.errors import ContractError


@dataclass(frozen=True, slots=True)
class Check:
    """One entry of `x-contract.checks`: what fails, with which status and code."""

    id: str
    status: int
    code: str
    source: str
    rule: str
    field: str | None


@dataclass(frozen=True, slots=True)
class Override:
    """A schema path whose violations answer with a business rule's code."""

    path: tuple[str, ...]  # ("Options", "Sender") for $.Options.Sender
    code: str
    when: str | None

    @property
    def json_path(self) -> str:
        return "$." + ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Limits:
    """`x-contract.limits`: the facts the schema cannot state."""

    max_body_bytes: int
    token_lifetime_seconds: int
    validation_errors_listed: int
    max_json_depth: int


@dataclass(frozen=True, slots=True)
class MediaTypes:
    """`x-contract.mediaTypes`, lower-cased."""

    request: tuple[str, ...]
    response: tuple[str, ...]
    charsets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartSizes:
    """`x-contract.smsParts`: units a part carries, single and in a multipart message."""

    gsm7_single: int
    gsm7_multi: int
    gsm7_extension: frozenset[str]
    ucs2_single: int
    ucs2_multi: int
    empty: int


@dataclass(frozen=True, slots=True)
class Invariant:
    """One entry of `x-contract.successInvariants`."""

    id: str
    rule: str


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of `x-contract.decisions`: what the project decided where the sources are
    silent or ambiguous."""

    id: str
    decision: str


@dataclass(frozen=True, slots=True)
class Field:
    """A request field's constraints as the schema states them (`$ref`s followed)."""

    path: tuple[str, ...]
    pointer: str
    schema: Mapping[str, Any]

    @property
    def type(self) -> str | None:
        kind = self.schema.get("type")
        return kind if isinstance(kind, str) else None

    @property
    def minimum(self) -> int | None:
        return _number(self.schema, "minimum")

    @property
    def maximum(self) -> int | None:
        return _number(self.schema, "maximum")

    @property
    def min_length(self) -> int | None:
        return _number(self.schema, "minLength")

    @property
    def max_length(self) -> int | None:
        return _number(self.schema, "maxLength")

    @property
    def enum(self) -> tuple[Any, ...] | None:
        values = self.schema.get("enum")
        return tuple(values) if isinstance(values, list) else None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        text = self.schema.get("pattern")
        return _compiled(text) if isinstance(text, str) else None

    def accepts_string(self, value: str) -> bool:
        """Whether a string meets this field's length bounds and pattern (JSON Schema's
        `pattern` is a search, not a full match; the spec's patterns are anchored)."""
        low, high = self.min_length, self.max_length
        if low is not None and len(value) < low:
            return False
        if high is not None and len(value) > high:
            return False
        return self.pattern is None or self.pattern.search(value) is not None

    def longest(self, unit: str, *, prefix: str = "") -> int:
        """The largest n for which `prefix + unit * n` is a valid value (0 when none is),
        searched up to the schema's maxLength (or 4096): e.g. the longest all-letter Sender."""
        high = self.max_length if self.max_length is not None else 4096
        best = 0
        for n in range(1, high + 1):
            if self.accepts_string(prefix + unit * n):
                best = n
        return best

    def bounds(self) -> tuple[int, int]:
        """(minimum, maximum) of an integer field; ContractError when either is missing."""
        if self.minimum is None or self.maximum is None:
            raise ContractError(self.pointer, "needs both minimum and maximum", dict(self.schema))
        return self.minimum, self.maximum


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _number(schema: Mapping[str, Any], key: str) -> int | None:
    value = schema.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


__all__ = [
    "Check",
    "Decision",
    "Field",
    "Invariant",
    "Limits",
    "MediaTypes",
    "Override",
    "PartSizes",
]
