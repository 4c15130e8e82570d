"""Comparing the structure of a schema pair: properties and `required`, the child schemas
(`items`, `additionalProperties`, `propertyNames`) and the `if`/`then`/`else` conditional."""

from __future__ import annotations

from dataclasses import replace

from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.pointers import View, canonical, join, resolve
from twosms_kit.diff.schema_base import ComparerBase, Context, Names, mapping, strings


class ObjectComparisons(ComparerBase):
    """Properties, required names and the nested schemas, recursing through `_compare`."""

    def _compare_properties(self, old: View, new: View, ctx: Context) -> None:
        old_props = mapping(old.data.get("properties"))
        new_props = mapping(new.data.get("properties"))
        old_req = set(strings(old.data.get("required")))
        new_req = set(strings(new.data.get("required")))
        request = ctx.side == "request"
        empty = Names(frozenset(), frozenset())
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
