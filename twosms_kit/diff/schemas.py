"""Comparing two JSON Schemas (OpenAPI 3.1 dialect) in the direction data flows.

`side` is "request" (clients send it: tightening breaks clients) or "response" (servers
send it: loosening breaks clients). `$ref`s are followed; a pair of locations already being
compared on the same side is not compared again, which ends recursive schemas.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Final

from twosms_kit.diff.model import ABSENT, Change
from twosms_kit.diff.pointers import View, canonical, join, resolve
from twosms_kit.diff.rules import rule

# Keywords that describe rather than constrain: changing them changes no contract.
ANNOTATIONS: Final = frozenset(
    {"description", "title", "summary", "examples", "example", "$comment", "x-source"}
)
_HANDLED: Final = frozenset(
    {
        *("type", "enum", "const", "pattern", "format", "maxLength", "minLength"),
        *("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "maxItems", "minItems"),
        *("properties", "required", "additionalProperties", "propertyNames", "items"),
        *("allOf", "oneOf", "anyOf", "if", "then", "else"),
    }
)
_EXTENSION_KINDS: Final = {
    "x-business-rule": "business-rule-changed",
    "x-enum-varnames": "enum-varnames-changed",
}
_BRANCH_KINDS: Final = {"allOf": "all-of", "oneOf": "one-of", "anyOf": "any-of"}

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
    siblings: tuple[_Names, _Names] | None = None


@dataclass(frozen=True, slots=True)
class _Names:
    properties: frozenset[str]
    required: frozenset[str]

    @classmethod
    def of(cls, views: list[View]) -> _Names:
        properties: set[str] = set()
        required: set[str] = set()
        for view in views:
            properties.update(_mapping(view.data.get("properties")))
            required.update(_strings(view.data.get("required")))
        return cls(frozenset(properties), frozenset(required))


def _is_null(view: View) -> bool:
    constraints = {k for k in view.data if k not in ANNOTATIONS and not k.startswith("x-")}
    return view.data.get("type") == "null" and constraints == {"type"}


def _types(view: View) -> frozenset[str] | None:
    value = view.data.get("type")
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


class SchemaComparer:
    """Compares schema pairs from two documents, emitting classified changes."""

    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any], emit: Emit) -> None:
        self._old_doc = old_doc
        self._new_doc = new_doc
        self._emit = emit
        self._active: set[tuple[str, str, str, str]] = set()

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
        for keyword in _BRANCH_KINDS:
            self._compare_branches(old, new, ctx, keyword)
        self._compare_conditional(old, new, ctx)
        self._compare_leftovers(old, new, ctx)

    def _split_null(self, view: View, document: dict[str, Any]) -> tuple[bool, View]:
        """(nullable, the schema without its null alternative)."""
        kinds = view.data.get("type")
        if isinstance(kinds, list) and "null" in kinds and len(kinds) > 1:
            rest = [k for k in kinds if k != "null"]
            data = {**view.data, "type": rest[0] if len(rest) == 1 else rest}
            return True, replace(view, data=data)
        for keyword in ("oneOf", "anyOf"):
            branches = view.data.get(keyword)
            if not isinstance(branches, list):
                continue
            views = [
                resolve(document, b, join(view.origin[keyword], keyword, i), view.component)
                for i, b in enumerate(branches)
            ]
            others = [v for v in views if not _is_null(v)]
            if len(others) == len(views) or not others:
                continue
            constraints = {k for k in view.data if k not in ANNOTATIONS and not k.startswith("x-")}
            if len(others) == 1 and constraints == {keyword}:
                inner = others[0]
                return True, replace(inner, component=inner.component or view.component)
            return True, view
        return False, view

    # -- value keywords ---------------------------------------------------------------------

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

    # -- structure --------------------------------------------------------------------------

    def _compare_properties(self, old: View, new: View, ctx: Context) -> None:
        old_props = _mapping(old.data.get("properties"))
        new_props = _mapping(new.data.get("properties"))
        old_req = set(_strings(old.data.get("required")))
        new_req = set(_strings(new.data.get("required")))
        request = ctx.side == "request"
        empty = _Names(frozenset(), frozenset())
        old_sib, new_sib = ctx.siblings or (empty, empty)
        for name in sorted({*old_props, *new_props, *old_req, *new_req}):
            target = (*ctx.targets, (new.component or old.component or "", name))
            here = replace(ctx, targets=target, siblings=None)
            in_old, in_new = name in old_props, name in new_props
            old_ptr = join(old.at("properties"), name)
            new_ptr = join(new.at("properties"), name)
            moved_out = name in new_sib.properties and name not in old_sib.properties
            moved_in = name in old_sib.properties and name not in new_sib.properties
            if (in_old and not in_new and moved_out) or (in_new and not in_old and moved_in):
                continue  # moved to or from another allOf conjunct: the whole is unchanged
            if in_old and not in_new and name not in new_req:
                if request:
                    rule_id = "request-property-removed"
                elif name in old_req:
                    rule_id = "response-required-property-removed"
                else:
                    rule_id = "response-optional-property-removed"
                self._plain(
                    rule_id,
                    here,
                    old_ptr,
                    f"property {name!r} was removed",
                    old_props[name],
                    ABSENT,
                )
                continue
            if in_new and not in_old and name not in old_req:
                required = name in new_req
                if request:
                    rule_id = f"new-{'required' if required else 'optional'}-request-property"
                else:
                    rule_id = f"response-{'required' if required else 'optional'}-property-added"
                self._plain(
                    rule_id, here, new_ptr, f"property {name!r} was added", ABSENT, new_props[name]
                )
                continue
            was = name in old_req or name in old_sib.required
            now = name in new_req or name in new_sib.required
            if (name in old_req) != (name in new_req) and was != now:
                became = "required" if name in new_req else "optional"
                pointer = new.at("required") if "required" in new.data else old.at("required")
                self._plain(
                    f"{ctx.side}-property-became-{became}",
                    here,
                    pointer,
                    f"property {name!r} became {became}",
                    "required" if name in old_req else "optional",
                    became,
                )
            if in_old and in_new:
                self._compare(
                    resolve(self._old_doc, old_props[name], old_ptr, old.component),
                    resolve(self._new_doc, new_props[name], new_ptr, new.component),
                    here,
                )

    def _compare_children(self, old: View, new: View, ctx: Context) -> None:
        for keyword in ("items", "additionalProperties", "propertyNames"):
            before, after = old.data.get(keyword, ABSENT), new.data.get(keyword, ABSENT)
            if before is ABSENT and after is ABSENT:
                continue
            if keyword == "propertyNames" and (before is ABSENT or after is ABSENT):
                kind = "property-names-added" if before is ABSENT else "property-names-removed"
                self._schema(
                    kind,
                    ctx,
                    self._where(old, new, keyword),
                    f"{keyword} was {'set' if before is ABSENT else 'dropped'}",
                    before,
                    after,
                )
                continue
            if keyword == "additionalProperties" and (before is False) != (after is False):
                kind = "additional-properties-" + ("forbidden" if after is False else "allowed")
                self._schema(
                    kind, ctx, self._where(old, new, keyword), f"{keyword} changed", before, after
                )
                continue
            self._compare(
                resolve(
                    self._old_doc,
                    {} if before in (ABSENT, True) else before,
                    old.at(keyword),
                    old.component,
                ),
                resolve(
                    self._new_doc,
                    {} if after in (ABSENT, True) else after,
                    new.at(keyword),
                    new.component,
                ),
                ctx,
            )

    def _compare_branches(self, old: View, new: View, ctx: Context, keyword: str) -> None:
        old_views = self._branches(old, self._old_doc, keyword)
        new_views = self._branches(new, self._new_doc, keyword)
        if not old_views and not new_views:
            return
        stem = _BRANCH_KINDS[keyword]
        pairs, removed, added = _match(old_views, new_views)
        for view in removed:
            self._schema(
                f"{stem}-removed",
                ctx,
                view.origin_pointer,
                f"{keyword} branch {view.label} was removed",
                view.label,
                ABSENT,
            )
        for view in added:
            self._schema(
                f"{stem}-added",
                ctx,
                view.origin_pointer,
                f"{keyword} branch {view.label} was added",
                ABSENT,
                view.label,
            )
        for before, after in pairs:
            inner = ctx
            if keyword == "allOf":
                old_others = [old, *(b.view for b in old_views if b is not before)]
                new_others = [new, *(b.view for b in new_views if b is not after)]
                inner = replace(ctx, siblings=(_Names.of(old_others), _Names.of(new_others)))
            self._compare(before.view, after.view, inner)

    def _branches(self, view: View, document: dict[str, Any], keyword: str) -> list[_Branch]:
        branches = view.data.get(keyword)
        if not isinstance(branches, list):
            return []
        found = []
        for index, node in enumerate(branches):
            pointer = join(view.at(keyword), index)
            inner = resolve(document, node, pointer, view.component)
            if keyword != "allOf" and _is_null(inner):
                continue  # nullability is compared on its own
            label = inner.ref or _brief(node)
            found.append(_Branch(inner, pointer, label, index))
        return found

    def _compare_conditional(self, old: View, new: View, ctx: Context) -> None:
        before, after = old.data.get("if", ABSENT), new.data.get("if", ABSENT)
        if before is not ABSENT and after is not ABSENT and canonical(before) != canonical(after):
            self._schema("condition-changed", ctx, new.at("if"), "the `if` changed", before, after)
        for keyword in ("if", "then", "else"):
            b, a = old.data.get(keyword, ABSENT), new.data.get(keyword, ABSENT)
            if (b is ABSENT) == (a is ABSENT):
                continue
            kind = "condition-added" if b is ABSENT else "condition-removed"
            pointer = new.at(keyword) if b is ABSENT else old.at(keyword)
            self._schema(
                kind, ctx, pointer, f"`{keyword}` was {'added' if b is ABSENT else 'dropped'}", b, a
            )
        for keyword in ("then", "else"):
            b, a = old.data.get(keyword, ABSENT), new.data.get(keyword, ABSENT)
            if b is not ABSENT and a is not ABSENT:
                self._compare(
                    resolve(self._old_doc, b, old.at(keyword), old.component),
                    resolve(self._new_doc, a, new.at(keyword), new.component),
                    ctx,
                )

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

    # -- emitting ---------------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class _Branch:
    view: View
    origin_pointer: str
    label: str
    index: int


def _match(
    old: list[_Branch], new: list[_Branch]
) -> tuple[list[tuple[_Branch, _Branch]], list[_Branch], list[_Branch]]:
    """Pair branches: by `$ref` target first, then the rest by position."""
    pairs: list[tuple[_Branch, _Branch]] = []
    new_left = list(new)
    old_left: list[_Branch] = []
    for branch in old:
        twin = next(
            (n for n in new_left if branch.view.ref and n.view.ref == branch.view.ref), None
        )
        if twin is None:
            old_left.append(branch)
        else:
            pairs.append((branch, twin))
            new_left.remove(twin)
    inline_new = [n for n in new_left if not n.view.ref]
    still_old: list[_Branch] = []
    for branch in old_left:
        if not branch.view.ref and inline_new:
            twin = inline_new.pop(0)
            pairs.append((branch, twin))
            new_left.remove(twin)
        else:
            still_old.append(branch)
    return pairs, still_old, new_left


def _brief(node: Any, limit: int = 60) -> str:
    if isinstance(node, dict):
        node = {k: v for k, v in node.items() if k not in ANNOTATIONS}
    text = canonical(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
