"""Comparing the value keywords of a schema pair: type, enum, const, pattern, format, the
length, item and numeric bounds, and the `x-` extensions."""

from __future__ import annotations

import math
from typing import Any, Final

from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.pointers import View, canonical, join
from twosms_kit.diff.schema_base import ANNOTATIONS, ComparerBase, Context

_EXTENSION_KINDS: Final = {
    "x-business-rule": "business-rule-changed",
    "x-enum-varnames": "enum-varnames-changed",
}


class ValueComparisons(ComparerBase):
    """The keywords that limit a value, compared keyword by keyword."""

    def _compare_type(self, old: View, new: View, ctx: Context) -> None:
        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            self._schema(
                "type-changed",
                ctx,
                self._where(old, new, "type"),
                "the type changed",
                old.data.get("type", ABSENT),
                new.data.get("type", ABSENT),
            )

    def _compare_enum(self, old: View, new: View, ctx: Context) -> None:
        old_enum, new_enum = old.data.get("enum"), new.data.get("enum")
        if not isinstance(old_enum, list) and not isinstance(new_enum, list):
            return
        if not isinstance(old_enum, list):
            self._schema(
                "enum-added", ctx, new.at("enum"), "an enum now limits the values", ABSENT, new_enum
            )
            return
        if not isinstance(new_enum, list):
            self._schema(
                "enum-removed", ctx, old.at("enum"), "the enum was dropped", old_enum, ABSENT
            )
            return
        old_keys = {canonical(v): v for v in old_enum}
        new_keys = {canonical(v): v for v in new_enum}
        for index, value in enumerate(old_enum):
            if canonical(value) not in new_keys:
                self._schema(
                    "enum-value-removed",
                    ctx,
                    join(old.at("enum"), index),
                    f"enum value {value!r} was removed",
                    value,
                    ABSENT,
                )
        for index, value in enumerate(new_enum):
            if canonical(value) not in old_keys:
                self._schema(
                    "enum-value-added",
                    ctx,
                    join(new.at("enum"), index),
                    f"enum value {value!r} was added",
                    ABSENT,
                    value,
                )

    def _compare_const(self, old: View, new: View, ctx: Context) -> None:
        self._presence(old, new, ctx, "const", ("const-added", "const-changed", "const-removed"))

    def _compare_pattern(self, old: View, new: View, ctx: Context) -> None:
        self._presence(
            old, new, ctx, "pattern", ("pattern-added", "pattern-changed", "pattern-removed")
        )

    def _compare_format(self, old: View, new: View, ctx: Context) -> None:
        kind = "format-changed"
        self._presence(old, new, ctx, "format", (kind, kind, kind))

    def _presence(
        self, old: View, new: View, ctx: Context, keyword: str, kinds: tuple[str, str, str]
    ) -> None:
        added, changed, removed = kinds
        before, after = old.data.get(keyword, ABSENT), new.data.get(keyword, ABSENT)
        if before is ABSENT and after is ABSENT:
            return
        if before is ABSENT:
            self._schema(added, ctx, new.at(keyword), f"{keyword} was set", before, after)
        elif after is ABSENT:
            self._schema(removed, ctx, old.at(keyword), f"{keyword} was dropped", before, after)
        elif canonical(before) != canonical(after):
            self._schema(changed, ctx, new.at(keyword), f"{keyword} changed", before, after)

    def _compare_bounds(self, old: View, new: View, ctx: Context) -> None:
        for keyword, absent in (
            ("maxLength", math.inf),
            ("minLength", 0),
            ("maxItems", math.inf),
            ("minItems", 0),
        ):
            before = _number(old.data.get(keyword), absent)
            after = _number(new.data.get(keyword), absent)
            if before == after:
                continue
            stem = {
                "maxLength": "max-length",
                "minLength": "min-length",
                "maxItems": "max-items",
                "minItems": "min-items",
            }[keyword]
            kind = f"{stem}-{'decreased' if (after < before) else 'increased'}"
            self._schema(
                kind,
                ctx,
                self._where(old, new, keyword),
                f"{keyword} changed",
                old.data.get(keyword, ABSENT),
                new.data.get(keyword, ABSENT),
            )
        for upper in (True, False):
            before_b, after_b = _numeric_bound(old, upper), _numeric_bound(new, upper)
            if before_b == after_b:
                continue
            keywords = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
            if upper:
                kind = "max-decreased" if after_b < before_b else "max-increased"
            else:
                kind = "min-increased" if after_b > before_b else "min-decreased"
            present = [k for k in keywords if k in new.data] or [
                k for k in keywords if k in old.data
            ]
            pointer = self._where(old, new, present[0]) if present else new.pointer
            self._schema(
                kind,
                ctx,
                pointer,
                f"{' / '.join(keywords)} changed",
                {k: old.data[k] for k in keywords if k in old.data} or ABSENT,
                {k: new.data[k] for k in keywords if k in new.data} or ABSENT,
            )

    def _compare_extensions(self, old: View, new: View, ctx: Context) -> None:
        keys = sorted(
            k for k in {*old.data, *new.data} if k.startswith("x-") and k not in ANNOTATIONS
        )
        for key in keys:
            before, after = old.data.get(key, ABSENT), new.data.get(key, ABSENT)
            if canonical(before) == canonical(after) and (before is ABSENT) == (after is ABSENT):
                continue
            kind = _EXTENSION_KINDS.get(key, "extension-changed")
            self._schema(kind, ctx, self._where(old, new, key), f"{key} changed", before, after)


def _types(view: View) -> frozenset[str] | None:
    value = view.data.get("type")
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


def _number(value: Any, absent: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else absent
    )


def _numeric_bound(view: View, upper: bool) -> tuple[float, int]:
    """The effective bound as a sortable pair; for an upper bound smaller is tighter, for a
    lower bound larger is tighter, and at equal values the exclusive one is tighter."""
    inclusive = _number(view.data.get("maximum" if upper else "minimum"), math.nan)
    exclusive = _number(
        view.data.get("exclusiveMaximum" if upper else "exclusiveMinimum"), math.nan
    )
    candidates = []
    if not math.isnan(inclusive):
        candidates.append((inclusive, 1 if upper else 0))
    if not math.isnan(exclusive):
        candidates.append((exclusive, 0 if upper else 1))
    if not candidates:
        return (math.inf, 1) if upper else (-math.inf, 0)
    return min(candidates) if upper else max(candidates)
