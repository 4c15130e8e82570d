"""Comparing two JSON Schemas (OpenAPI 3.1 dialect) in the direction data flows.

`side` is "request" (clients send it: tightening breaks clients) or "response" (servers
send it: loosening breaks clients). `$ref`s are followed; a pair of locations already being
compared on the same side is not compared again, which ends recursive schemas.

The walk is here; the keywords are compared by concern in `schema_values` (type, enum,
bounds, extensions), `schema_objects` (properties, children, conditional) and
`schema_composition` (nullability, oneOf/anyOf/allOf); `schema_base` holds what they share.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.pointers import View, canonical, resolve
from twosms_kit.diff.schema_base import ANNOTATIONS, Context
from twosms_kit.diff.schema_composition import BRANCH_KINDS, CompositionComparisons
from twosms_kit.diff.schema_objects import ObjectComparisons
from twosms_kit.diff.schema_values import ValueComparisons

_HANDLED: Final = frozenset(
    {
        *("type", "enum", "const", "pattern", "format", "maxLength", "minLength"),
        *("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "maxItems", "minItems"),
        *("properties", "required", "additionalProperties", "propertyNames", "items"),
        *("allOf", "oneOf", "anyOf", "if", "then", "else"),
    }
)


class SchemaComparer(ValueComparisons, ObjectComparisons, CompositionComparisons):
    """Compares schema pairs from two documents, emitting classified changes."""

    def compare_nodes(
        self, old: Any, old_pointer: str, new: Any, new_pointer: str, ctx: Context
    ) -> None:
        """Compare the schema `old` (at its pointer in OLD) with `new` (in NEW)."""
        old_view = resolve(self._old_doc, old, old_pointer, None)
        new_view = resolve(self._new_doc, new, new_pointer, None)
        self._compare(old_view, new_view, ctx)

    # -- the walk ---------------------------------------------------------------------------

    def _compare(self, old: View, new: View, ctx: Context) -> None:
        key = (old.pointer, new.pointer, ctx.side, ctx.subject)
        if key in self._active:
            return  # a recursive schema: this pair is already being compared above us
        self._active.add(key)
        try:
            self._compare_views(old, new, ctx)
        finally:
            self._active.discard(key)

    def _compare_views(self, old: View, new: View, ctx: Context) -> None:
        if new.is_component_root and new.component:
            ctx = replace(ctx, targets=(*ctx.targets, (new.component, None)))
        outer_pointer = new.referrer
        old_nullable, old = self._split_null(old, self._old_doc)
        new_nullable, new = self._split_null(new, self._new_doc)
        if old_nullable != new_nullable:
            kind = "became-nullable" if new_nullable else "became-not-nullable"
            self._schema(
                kind,
                ctx,
                outer_pointer,
                f"nullable {old_nullable} → {new_nullable}",
                old_nullable,
                new_nullable,
            )
        if old.ref and new.ref and old.ref != new.ref:
            self._schema(
                "ref-changed",
                ctx,
                f"{new.referrer}/$ref",
                "the $ref points elsewhere",
                old.ref,
                new.ref,
            )
        self._compare_type(old, new, ctx)
        self._compare_enum(old, new, ctx)
        self._compare_const(old, new, ctx)
        self._compare_pattern(old, new, ctx)
        self._compare_format(old, new, ctx)
        self._compare_bounds(old, new, ctx)
        self._compare_extensions(old, new, ctx)
        self._compare_properties(old, new, ctx)
        ctx = replace(ctx, siblings=None)
        self._compare_children(old, new, ctx)
        for keyword in BRANCH_KINDS:
            self._compare_branches(old, new, ctx, keyword)
        self._compare_conditional(old, new, ctx)
        self._compare_leftovers(old, new, ctx)

    def _compare_leftovers(self, old: View, new: View, ctx: Context) -> None:
        keys = {*old.data, *new.data} - _HANDLED - ANNOTATIONS
        for key in sorted(k for k in keys if not k.startswith("x-")):
            before, after = old.data.get(key, ABSENT), new.data.get(key, ABSENT)
            if (
                before is not ABSENT
                and after is not ABSENT
                and canonical(before) == canonical(after)
            ):
                continue
            self._schema(
                "keyword-changed", ctx, self._where(old, new, key), f"{key} changed", before, after
            )
