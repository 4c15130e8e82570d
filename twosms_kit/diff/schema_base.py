"""What the schema comparer's parts share: the context, the emitting base, small readers.

`ComparerBase` holds the two documents and the emitter; the mixins of `schema_values`,
`schema_objects` and `schema_composition` build on it and recurse through `_compare`, which
`schemas.SchemaComparer` provides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from twosms_kit.diff.model import Change
from twosms_kit.diff.pointers import View, join
from twosms_kit.diff.rules import rule

# Keywords that describe rather than constrain: changing them changes no contract.
ANNOTATIONS: Final = frozenset(
    {"description", "title", "summary", "examples", "example", "$comment", "x-source"}
)

Emit = Callable[[Change], None]


@dataclass(frozen=True, slots=True)
class Context:
    """Where a comparison is: the side, the rule subject, the operations, the code targets."""

    side: str
    subject: str
    operations: tuple[str, ...]
    targets: tuple[tuple[str, str | None], ...] = ()
    # In an allOf conjunct: the property names the other conjuncts (and their parent)
    # declare and require, on each side. A property that only moves between conjuncts, or
    # stays required through another conjunct, is no change of the whole.
    siblings: tuple[Names, Names] | None = None


@dataclass(frozen=True, slots=True)
class Names:
    """The property names some schemas declare and require."""

    properties: frozenset[str]
    required: frozenset[str]

    @classmethod
    def of(cls, views: list[View]) -> Names:
        properties: set[str] = set()
        required: set[str] = set()
        for view in views:
            properties.update(mapping(view.data.get("properties")))
            required.update(strings(view.data.get("required")))
        return cls(frozenset(properties), frozenset(required))


class ComparerBase:
    """The documents, the emitter and the ways to emit; `_compare` is the recursion."""

    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any], emit: Emit) -> None:
        self._old_doc = old_doc
        self._new_doc = new_doc
        self._emit = emit
        self._active: set[tuple[str, str, str, str]] = set()

    def _compare(self, old: View, new: View, ctx: Context) -> None:
        raise NotImplementedError

    @staticmethod
    def _where(old: View, new: View, keyword: str) -> str:
        if keyword in new.data:
            return join(new.origin[keyword], keyword)
        if keyword in old.data:
            return join(old.origin[keyword], keyword)
        return new.pointer

    def _schema(
        self, kind: str, ctx: Context, pointer: str, message: str, old: Any, new: Any
    ) -> None:
        self._plain(f"{ctx.subject}-{kind}", ctx, pointer, message, old, new)

    def _plain(
        self, rule_id: str, ctx: Context, pointer: str, message: str, old: Any, new: Any
    ) -> None:
        self._emit(
            Change(
                rule=rule(rule_id),
                pointer=pointer,
                message=message,
                old=old,
                new=new,
                targets=ctx.targets,
                operations=ctx.operations,
            )
        )


def is_null(view: View) -> bool:
    constraints = {k for k in view.data if k not in ANNOTATIONS and not k.startswith("x-")}
    return view.data.get("type") == "null" and constraints == {"type"}


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
