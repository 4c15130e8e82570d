"""The values of a breaking-change report: levels, rules, changes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Final


class Level(enum.IntEnum):
    """How bad a change is; ordered so that `level >= fail_on` reads naturally."""

    INFO = 1
    WARN = 2
    ERR = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.upper()]
        except KeyError:
            names = ", ".join(level.name for level in cls)
            raise ValueError(f"{text!r} is not a level (one of {names})") from None


class _Absent:
    """The value of a keyword that one side does not have (not `None`: JSON has null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Final = _Absent()


@dataclass(frozen=True, slots=True)
class Rule:
    """A stable rule id with its level, a one-line summary and a documented example."""

    id: str
    level: Level
    summary: str


@dataclass(frozen=True, slots=True)
class Change:
    """One classified difference between OLD and NEW.

    `pointer` is a JSON pointer into NEW, or into OLD when the thing was removed.
    `targets` are the (component schema, property or None) pairs on the way to the change
    and `operations` the operation ids that reach it: the code join matches generated
    classes, fields and client methods on them.
    """

    rule: Rule
    pointer: str
    message: str
    old: Any = ABSENT
    new: Any = ABSENT
    targets: tuple[tuple[str, str | None], ...] = field(default=())
    operations: tuple[str, ...] = field(default=())

    @property
    def level(self) -> Level:
        return self.rule.level

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule.id, self.pointer, self.message)
