"""`allOf` merged into one schema, the intersection of its parts: a conjunct that narrows
a property (`Error: null` over `Error: null | Error`) gives its narrow type, not a union.
Where the intersection is not sure, it raises `UnsupportedConstruct`."""

from __future__ import annotations

import re
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.schemas import Schema, deref, is_annotation, strip_annotations, types_of
from twosms_contract.spec import pointer_escape

_NEVER: dict[str, Any] = {"x-never": True}


def merge_all_of(
    schemas: dict[str, Schema], schema: Any, pointer: str, *, inner: bool = False
) -> Any:
    """`schema` with every `allOf` merged. `inner`: a property, item or branch, where
    `allOf: [$ref]` (the OpenAPI 3.0 way to give a reference siblings) stays that
    reference instead of a copy of the schema under another name."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = merge_all_of(schemas, out[key], f"{pointer}/{key}", inner=True)
    for key in ("oneOf", "anyOf"):
        if key in out:
            out[key] = [
                merge_all_of(schemas, item, f"{pointer}/{key}/{index}", inner=True)
                for index, item in enumerate(out[key])
            ]
    if "properties" in out:
        out["properties"] = {
            prop: merge_all_of(
                schemas, sub, f"{pointer}/properties/{pointer_escape(prop)}", inner=True
            )
            for prop, sub in out["properties"].items()
        }
    if "allOf" not in out:
        return out
    parts = out.pop("allOf")
    merged: Schema = {k: v for k, v in out.items() if not is_annotation(k)}
    for index, part in enumerate(parts):
        part = merge_all_of(schemas, part, f"{pointer}/allOf/{index}")
        merged = _intersect(schemas, merged, part, f"{pointer}/allOf/{index}")
    if merged is _NEVER:
        raise UnsupportedConstruct(f"{pointer}/allOf", "the allOf has no valid instance", parts)
    annotations = {k: v for k, v in out.items() if is_annotation(k)}
    if inner and set(strip_annotations(merged)) == {"$ref"}:
        return {"$ref": merged["$ref"], **annotations}  # `allOf: [$ref]`: that schema
    merged = deref(schemas, merged, pointer) if "$ref" in merged else merged
    return {**{k: v for k, v in merged.items() if not is_annotation(k)}, **annotations}


def _intersect(schemas: dict[str, Schema], a: Schema, b: Schema, pointer: str) -> Schema:
    """A schema of the instances valid against both `a` and `b` (raises when unsure)."""
    if a is _NEVER or b is _NEVER:
        return _NEVER
    if not strip_annotations(a):
        return b
    if not strip_annotations(b):
        return a
    if "$ref" in a and "$ref" in b and a["$ref"] == b["$ref"]:
        return {**a, **b}
    if "$ref" in a or "$ref" in b:
        da = deref(schemas, a, pointer)
        db = deref(schemas, b, pointer)
        da = merge_all_of(schemas, da, pointer)
        db = merge_all_of(schemas, db, pointer)
        merged = _intersect(
            schemas,
            {k: v for k, v in da.items() if not is_annotation(k)},
            {k: v for k, v in db.items() if not is_annotation(k)},
            pointer,
        )
        if merged is _NEVER:
            return _NEVER
        note = {k: v for k, v in {**a, **b}.items() if k == "description"}
        for side, target in ((b, db), (a, da)):
            if "$ref" in side and strip_annotations(merged) == strip_annotations(target):
                return {"$ref": side["$ref"], **note}
        return {**merged, **note}
    for union in ("oneOf", "anyOf"):
        for x, y in ((a, b), (b, a)):
            if union in x and union not in y:
                rest = {k: v for k, v in x.items() if k != union}
                branches = [
                    _intersect(schemas, _intersect(schemas, rest, branch, pointer), y, pointer)
                    for branch in x[union]
                ]
                alive = [branch for branch in branches if branch is not _NEVER]
                if not alive:
                    return _NEVER
                return alive[0] if len(alive) == 1 else {union: alive}
    return _intersect_keywords(schemas, a, b, pointer)


def _intersect_keywords(schemas: dict[str, Schema], a: Schema, b: Schema, pointer: str) -> Schema:
    out: Schema = {}
    types_a, types_b = types_of(a), types_of(b)
    if types_a is not None and types_b is not None:
        types = _meet_types(types_a, types_b)
        if not types:
            return _NEVER
        out["type"] = types[0] if len(types) == 1 else types
    elif types_a or types_b:
        types = types_a or types_b or []
        out["type"] = types[0] if len(types) == 1 else types
    for key in sorted(set(a) | set(b)):
        if key == "type" or key not in a or key not in b:
            if key != "type":
                out[key] = a[key] if key in a else b[key]
            continue
        va, vb = a[key], b[key]
        if va == vb:
            out[key] = va
        elif key == "required":
            out[key] = list(dict.fromkeys([*va, *vb]))
        elif key == "properties":
            props = dict(va)
            for prop, sub in vb.items():
                where = f"{pointer}/properties/{pointer_escape(prop)}"
                props[prop] = _intersect(schemas, props[prop], sub, where) if prop in props else sub
                if props[prop] is _NEVER:
                    raise UnsupportedConstruct(where, "allOf leaves no valid value", [va, vb])
            out[key] = props
        elif key in ("minimum", "exclusiveMinimum", "minLength", "minItems"):
            out[key] = max(va, vb)
        elif key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems"):
            out[key] = min(va, vb)
        elif key == "enum":
            out[key] = [value for value in va if value in vb]
            if not out[key]:
                return _NEVER
        elif key in ("items", "additionalProperties") and isinstance(va, dict):
            out[key] = _intersect(schemas, va, vb, f"{pointer}/{key}")
        elif key == "description" or key.startswith("x-"):
            out[key] = vb
        elif key == "const":
            return _NEVER
        elif key != "pattern":
            raise UnsupportedConstruct(
                f"{pointer}/{key}", "allOf parts disagree on this keyword", [va, vb]
            )
    if "pattern" in a and "pattern" in b and a["pattern"] != b["pattern"]:
        out.pop("pattern", None)
        if "enum" not in out:
            raise UnsupportedConstruct(
                f"{pointer}/pattern", "two different patterns on one value", [a, b]
            )
    # An enum makes a pattern that every member matches redundant.
    if "pattern" in out and all(
        isinstance(v, str) and re.search(out["pattern"], v) for v in out.get("enum", [None])
    ):
        del out["pattern"]
    if "enum" in out and ("pattern" in a or "pattern" in b) and "pattern" not in out:
        for pattern in {a.get("pattern"), b.get("pattern")} - {None}:
            out["enum"] = [v for v in out["enum"] if re.search(str(pattern), str(v))]
    return out


def _meet_types(a: list[str], b: list[str]) -> list[str]:
    out = [t for t in a if t in b]
    if "number" in a and "integer" in b and "integer" not in out:
        out.append("integer")
    if "integer" in a and "number" in b and "integer" not in out:
        out.append("integer")
    return out
