"""Comparing the composition of a schema pair: nullability (a `null` type or alternative)
and the `oneOf` / `anyOf` / `allOf` branches, paired by `$ref` target, then by position."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.pointers import View, canonical, join, resolve
from twosms_kit.diff.schema_base import ANNOTATIONS, ComparerBase, Context, Names, is_null

BRANCH_KINDS: Final = {"allOf": "all-of", "oneOf": "one-of", "anyOf": "any-of"}


class CompositionComparisons(ComparerBase):
    """Nullability and the branches of the composition keywords."""

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
            others = [v for v in views if not is_null(v)]
            if len(others) == len(views) or not others:
                continue
            constraints = {k for k in view.data if k not in ANNOTATIONS and not k.startswith("x-")}
            if len(others) == 1 and constraints == {keyword}:
                inner = others[0]
                return True, replace(inner, component=inner.component or view.component)
            return True, view
        return False, view

    def _compare_branches(self, old: View, new: View, ctx: Context, keyword: str) -> None:
        old_views = self._branches(old, self._old_doc, keyword)
        new_views = self._branches(new, self._new_doc, keyword)
        if not old_views and not new_views:
            return
        stem = BRANCH_KINDS[keyword]
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
                inner = replace(ctx, siblings=(Names.of(old_others), Names.of(new_others)))
            self._compare(before.view, after.view, inner)

    def _branches(self, view: View, document: dict[str, Any], keyword: str) -> list[_Branch]:
        branches = view.data.get(keyword)
        if not isinstance(branches, list):
            return []
        found = []
        for index, node in enumerate(branches):
            pointer = join(view.at(keyword), index)
            inner = resolve(document, node, pointer, view.component)
            if keyword != "allOf" and is_null(inner):
                continue  # nullability is compared on its own
            label = inner.ref or _brief(node)
            found.append(_Branch(inner, pointer, label, index))
        return found


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
