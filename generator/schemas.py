"""Schema normalization for the IR: the component schemas rewritten into what the models stage
can hand datamodel-code-generator without losing meaning.

- `allOf` is merged into one schema (the intersection), so that a conjunct that narrows a
  property (`Error: null` over `Error: null | Error`) gives its narrow type, not a union;
- inline enums and objects are hoisted into named components (names decided here);
- OpenAPI 3.0 `nullable` and boolean `exclusiveMinimum` become their 3.1 forms;
- every construct the models cannot express raises `UnsupportedConstruct` with its pointer.

`if`/`then` and the string formats are read by `ir` (they become validators), not here.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.naming import pascal_case
from twosms_contract.jsonvalue import json_type
from twosms_contract.spec import pointer_escape, pointer_unescape

SCHEMAS = "#/components/schemas/"

# Keywords that change which instances are valid and that no generated model enforces.
UNSUPPORTED = (
    "$dynamicRef",
    "contains",
    "dependentRequired",
    "dependentSchemas",
    "else",
    "maxContains",
    "maxProperties",
    "minContains",
    "minProperties",
    "not",
    "patternProperties",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
)
# Formats that jsonschema checks and that the models have no exact check for.
CHECKED_FORMATS = frozenset(
    {
        "duration",
        "hostname",
        "idn-email",
        "idn-hostname",
        "iri",
        "iri-reference",
        "json-pointer",
        "regex",
        "relative-json-pointer",
        "time",
        "uri",
        "uri-reference",
        "uri-template",
    }
)
SUPPORTED_FORMATS = frozenset({"binary", "date", "date-time", "email", "ipv4", "ipv6", "uuid"})
ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "deprecated"})
_NEVER: dict[str, Any] = {"x-never": True}

Schema = dict[str, Any]


def is_annotation(key: str) -> bool:
    return key in ANNOTATIONS or key.startswith("x-")


def strip_annotations(schema: Any) -> Any:
    """The schema without descriptions and extensions, for comparing meaning."""
    if isinstance(schema, dict):
        return {k: strip_annotations(v) for k, v in schema.items() if not is_annotation(k)}
    if isinstance(schema, list):
        return [strip_annotations(v) for v in schema]
    return schema


def ref_name(ref: str, pointer: str) -> str:
    if not ref.startswith(SCHEMAS) or "/" in ref[len(SCHEMAS) :]:
        raise UnsupportedConstruct(
            pointer, "only references to #/components/schemas/<name> are supported", ref
        )
    return pointer_unescape(ref[len(SCHEMAS) :])


class Normalizer:
    """Rewrites a copy of `components.schemas`; `schemas` holds the result."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.original = schemas
        self.schemas: dict[str, Schema] = copy.deepcopy(schemas)

    # -- references ---------------------------------------------------------------------
    def deref(self, schema: Schema, pointer: str) -> Schema:
        seen: set[str] = set()
        while "$ref" in schema:
            name = ref_name(schema["$ref"], pointer)
            if name in seen or name not in self.schemas:
                raise UnsupportedConstruct(pointer, "the reference does not resolve", schema)
            seen.add(name)
            schema = self.schemas[name]
        return schema

    # -- the whole pass -------------------------------------------------------------------
    def run(self) -> dict[str, Schema]:
        for name in sorted(self.original):
            self.check(self.original[name], f"{SCHEMAS}{pointer_escape(name)}", top=True)
        for name in sorted(self.schemas):
            self.schemas[name] = self.upgrade(self.schemas[name])
        for name in sorted(self.schemas):
            pointer = f"{SCHEMAS}{pointer_escape(name)}"
            self.schemas[name] = self.merge_all_of(self.schemas[name], pointer)
        for name in sorted(self.schemas):
            self.hoist(name)
        for name in sorted(self.schemas):
            self.check_unions(self.schemas[name], f"{SCHEMAS}{pointer_escape(name)}")
        return {name: self.schemas[name] for name in sorted(self.schemas)}

    # -- unsupported keywords -------------------------------------------------------------
    def check(
        self, schema: Any, pointer: str, *, top: bool = False, is_property: bool = False
    ) -> None:
        if not isinstance(schema, dict):
            if isinstance(schema, bool):
                raise UnsupportedConstruct(pointer, "boolean schemas are not supported", schema)
            return
        for key in UNSUPPORTED:
            if key in schema:
                raise UnsupportedConstruct.keyword(pointer, key, schema[key])
        if not top and ("if" in schema or "then" in schema):
            key = "if" if "if" in schema else "then"
            raise UnsupportedConstruct(
                f"{pointer}/{key}",
                "`if`/`then` is supported on component schemas only",
                schema[key],
            )
        if "discriminator" in schema:
            self.check_discriminator(schema, pointer)
        if schema.get("uniqueItems") is True and not is_property:
            raise UnsupportedConstruct(
                f"{pointer}/uniqueItems",
                "`uniqueItems` is checked on an object's properties only",
                True,
            )
        if "$ref" in schema:
            ref_name(schema["$ref"], f"{pointer}/$ref")
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in CHECKED_FORMATS:
            raise UnsupportedConstruct(
                f"{pointer}/format", f"format {fmt!r} has no exact check in the models", fmt
            )
        if schema.get("additionalProperties") is False and "propertyNames" in schema:
            raise UnsupportedConstruct(
                pointer, "propertyNames with additionalProperties: false", schema["propertyNames"]
            )
        names = schema.get("propertyNames")
        if isinstance(names, dict) and set(names) - {"pattern", "type", "description"}:
            raise UnsupportedConstruct(
                f"{pointer}/propertyNames", "only a `pattern` is supported here", names
            )
        if "propertyNames" in schema and "properties" in schema:
            raise UnsupportedConstruct(
                f"{pointer}/propertyNames", "propertyNames beside properties", names
            )
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                self.check(schema[key], f"{pointer}/{key}")
        for key in ("allOf", "oneOf", "anyOf"):
            for index, item in enumerate(schema.get(key, [])):
                self.check(item, f"{pointer}/{key}/{index}")
        for prop, sub in schema.get("properties", {}).items():
            self.check(sub, f"{pointer}/properties/{pointer_escape(prop)}", is_property=True)

    def check_discriminator(self, schema: Schema, pointer: str) -> None:
        """A discriminator names a property and picks among `$ref` branches; without
        oneOf/anyOf (the allOf-inheritance form) it is an annotation and is dropped."""
        value = schema["discriminator"]
        where = f"{pointer}/discriminator"
        if not isinstance(value, dict) or not isinstance(value.get("propertyName"), str):
            raise UnsupportedConstruct(where, "a discriminator needs a propertyName", value)
        union = "oneOf" if "oneOf" in schema else "anyOf" if "anyOf" in schema else None
        if union is None:
            return
        branches = set()
        for index, branch in enumerate(schema[union]):
            if not isinstance(branch, dict) or set(branch) - {"$ref", "description"}:
                raise UnsupportedConstruct(
                    f"{pointer}/{union}/{index}",
                    "the branches of a discriminated union must be references",
                    branch,
                )
            branches.add(ref_name(branch["$ref"], f"{pointer}/{union}/{index}/$ref"))
        mapping = value.get("mapping", {})
        if not isinstance(mapping, dict):
            raise UnsupportedConstruct(f"{where}/mapping", "a mapping is an object", mapping)
        for tag, target in mapping.items():
            name = _mapped_name(target, f"{where}/mapping/{pointer_escape(str(tag))}")
            if name not in branches:
                raise UnsupportedConstruct(
                    f"{where}/mapping/{pointer_escape(str(tag))}",
                    f"the mapping names a schema that is not one of the {union} branches",
                    target,
                )

    # -- OpenAPI 3.0 forms ----------------------------------------------------------------
    def upgrade(self, schema: Any) -> Any:
        if isinstance(schema, list):
            return [self.upgrade(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        out = {key: self.upgrade(value) for key, value in schema.items()}
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(out.get(bound), bool) and out.pop(bound) and limit in out:
                out[bound] = out.pop(limit)
        if out.pop("nullable", False) is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
            else:
                return {"oneOf": [{"type": "null"}, out]}
        if "discriminator" in out:
            if "oneOf" in out or "anyOf" in out:
                mapping = out["discriminator"].get("mapping", {})
                out["discriminator"] = {
                    **out["discriminator"],
                    **(
                        {
                            "mapping": {
                                t: SCHEMAS + pointer_escape(_mapped_name(r, "#"))
                                for t, r in mapping.items()
                            }
                        }
                        if mapping
                        else {}
                    ),
                }
            else:
                del out["discriminator"]  # an annotation here: it changes no validation
        fmt = out.get("format")
        if isinstance(fmt, str) and fmt not in SUPPORTED_FORMATS:
            del out["format"]  # a format jsonschema does not check: a plain value
        return out

    # -- allOf ------------------------------------------------------------------------------
    def merge_all_of(self, schema: Any, pointer: str, *, inner: bool = False) -> Any:
        """`schema` with every `allOf` merged. `inner`: a property, item or branch, where
        `allOf: [$ref]` (the OpenAPI 3.0 way to give a reference siblings) stays that
        reference instead of a copy of the schema under another name."""
        if not isinstance(schema, dict):
            return schema
        out = dict(schema)
        for key in ("items", "additionalProperties"):
            if isinstance(out.get(key), dict):
                out[key] = self.merge_all_of(out[key], f"{pointer}/{key}", inner=True)
        for key in ("oneOf", "anyOf"):
            if key in out:
                out[key] = [
                    self.merge_all_of(item, f"{pointer}/{key}/{index}", inner=True)
                    for index, item in enumerate(out[key])
                ]
        if "properties" in out:
            out["properties"] = {
                prop: self.merge_all_of(
                    sub, f"{pointer}/properties/{pointer_escape(prop)}", inner=True
                )
                for prop, sub in out["properties"].items()
            }
        if "allOf" not in out:
            return out
        parts = out.pop("allOf")
        merged: Schema = {k: v for k, v in out.items() if not is_annotation(k)}
        for index, part in enumerate(parts):
            part = self.merge_all_of(part, f"{pointer}/allOf/{index}")
            merged = self.intersect(merged, part, f"{pointer}/allOf/{index}")
        if merged is _NEVER:
            raise UnsupportedConstruct(f"{pointer}/allOf", "the allOf has no valid instance", parts)
        annotations = {k: v for k, v in out.items() if is_annotation(k)}
        if inner and set(strip_annotations(merged)) == {"$ref"}:
            return {"$ref": merged["$ref"], **annotations}  # `allOf: [$ref]`: that schema
        merged = self.deref(merged, pointer) if "$ref" in merged else merged
        return {**{k: v for k, v in merged.items() if not is_annotation(k)}, **annotations}

    def intersect(self, a: Schema, b: Schema, pointer: str) -> Schema:
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
            da = self.deref(a, pointer)
            db = self.deref(b, pointer)
            da = self.merge_all_of(da, pointer)
            db = self.merge_all_of(db, pointer)
            merged = self.intersect(
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
                        self.intersect(self.intersect(rest, branch, pointer), y, pointer)
                        for branch in x[union]
                    ]
                    alive = [branch for branch in branches if branch is not _NEVER]
                    if not alive:
                        return _NEVER
                    return alive[0] if len(alive) == 1 else {union: alive}
        return self.intersect_keywords(a, b, pointer)

    def intersect_keywords(self, a: Schema, b: Schema, pointer: str) -> Schema:
        out: Schema = {}
        types_a, types_b = _types(a), _types(b)
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
                    props[prop] = self.intersect(props[prop], sub, where) if prop in props else sub
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
                out[key] = self.intersect(va, vb, f"{pointer}/{key}")
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

    # -- hoisting ---------------------------------------------------------------------------
    def hoist(self, name: str) -> None:
        schema = self.schemas[name]
        for prop, sub in list(schema.get("properties", {}).items()):
            schema["properties"][prop] = self.hoist_inline(sub, f"{name}{pascal_case(prop)}")
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(schema.get(key), dict):
                schema[key] = self.hoist_inline(schema[key], f"{name}{suffix}")

    def hoist_inline(self, schema: Any, hint: str) -> Any:
        if not isinstance(schema, dict) or "$ref" in schema:
            return schema
        if ("enum" in schema and len(schema["enum"]) > 1) or (
            _is_object(schema) and "properties" in schema
        ):
            name = self.free_name(hint)
            note = {k: v for k, v in schema.items() if k == "description"}
            self.schemas[name] = schema
            self.hoist(name)
            return {"$ref": f"{SCHEMAS}{pointer_escape(name)}", **note}
        out = dict(schema)
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(out.get(key), dict):
                out[key] = self.hoist_inline(out[key], f"{hint}{suffix}")
        for union in ("oneOf", "anyOf"):
            if union in out:
                out[union] = [
                    self.hoist_inline(item, f"{hint}Option{index}")
                    for index, item in enumerate(out[union])
                ]
        return out

    def free_name(self, hint: str) -> str:
        name, counter = hint, 2
        while name in self.schemas:
            name, counter = f"{hint}{counter}", counter + 1
        return name

    # -- unions -----------------------------------------------------------------------------
    def check_unions(self, schema: Any, pointer: str) -> None:
        """oneOf/anyOf must be unions of disjoint JSON types: then both mean a plain union."""
        if not isinstance(schema, dict):
            return
        for union in ("oneOf", "anyOf"):
            if union in schema and "discriminator" not in schema:
                seen: set[str] = set()
                for index, branch in enumerate(schema[union]):
                    kinds = _types(self.deref(branch, pointer)) or ["any"]
                    kinds = ["number" if k == "integer" else k for k in kinds]
                    if seen & set(kinds) or "any" in kinds:
                        raise UnsupportedConstruct(
                            f"{pointer}/{union}/{index}",
                            f"{union} branches must have distinct JSON types "
                            "(overlapping branches need a discriminator)",
                            branch,
                        )
                    seen |= set(kinds)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                self.check_unions(schema[key], f"{pointer}/{key}")
        for prop, sub in schema.get("properties", {}).items():
            self.check_unions(sub, f"{pointer}/properties/{pointer_escape(prop)}")


def _mapped_name(target: Any, pointer: str) -> str:
    """The schema a discriminator mapping value names: a reference or a bare schema name."""
    if not isinstance(target, str):
        raise UnsupportedConstruct(pointer, "a mapping value is a schema name or reference", target)
    return ref_name(target, pointer) if target.startswith("#") else target


def discriminated(schema: Any, out: set[tuple[str, str]]) -> None:
    """Collect (branch schema, property) of every discriminated union within `schema`."""
    if isinstance(schema, list):
        for item in schema:
            discriminated(item, out)
        return
    if not isinstance(schema, dict):
        return
    value = schema.get("discriminator")
    if isinstance(value, dict):
        for union in ("oneOf", "anyOf"):
            for branch in schema.get(union, []):
                if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
                    out.add((ref_name(branch["$ref"], "#"), str(value.get("propertyName"))))
    for key, sub in schema.items():
        if key != "discriminator":
            discriminated(sub, out)


def _is_object(schema: Schema) -> bool:
    kinds = _types(schema)
    return kinds == ["object"] or (kinds is None and "properties" in schema)


def _types(schema: Schema) -> list[str] | None:
    kind = schema.get("type")
    if kind is None:
        if "properties" in schema or "additionalProperties" in schema:
            return ["object"]
        if "enum" in schema:
            return sorted({json_type(v) for v in schema["enum"]})
        if "const" in schema:
            return [json_type(schema["const"])]
        return None
    return [kind] if isinstance(kind, str) else list(kind)


def _meet_types(a: list[str], b: list[str]) -> list[str]:
    out = [t for t in a if t in b]
    if "number" in a and "integer" in b and "integer" not in out:
        out.append("integer")
    if "integer" in a and "number" in b and "integer" not in out:
        out.append("integer")
    return out


def normalize(schemas: dict[str, Any]) -> dict[str, Schema]:
    """The normalized component schemas, sorted by name."""
    return Normalizer(schemas).run()
