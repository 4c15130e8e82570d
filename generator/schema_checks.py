"""What the models cannot express, refused with its pointer: keywords no generated model
enforces, formats without an exact check, `if`/`then` below a component, malformed
discriminators, and unions whose branches overlap without one."""

from __future__ import annotations

from typing import Any

from generator.errors import UnsupportedConstruct
from generator.schemas import Schema, deref, mapped_name, ref_name, types_of
from twosms_contract.spec import pointer_escape

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


def check_schema(
    schema: Any, pointer: str, *, top: bool = False, is_property: bool = False
) -> None:
    """Refuse the first unsupported construct in `schema` (`top`: a component itself)."""
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
        check_discriminator(schema, pointer)
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
            check_schema(schema[key], f"{pointer}/{key}")
    for key in ("allOf", "oneOf", "anyOf"):
        for index, item in enumerate(schema.get(key, [])):
            check_schema(item, f"{pointer}/{key}/{index}")
    for prop, sub in schema.get("properties", {}).items():
        check_schema(sub, f"{pointer}/properties/{pointer_escape(prop)}", is_property=True)


def check_discriminator(schema: Schema, pointer: str) -> None:
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
        name = mapped_name(target, f"{where}/mapping/{pointer_escape(str(tag))}")
        if name not in branches:
            raise UnsupportedConstruct(
                f"{where}/mapping/{pointer_escape(str(tag))}",
                f"the mapping names a schema that is not one of the {union} branches",
                target,
            )


def check_unions(schemas: dict[str, Schema], schema: Any, pointer: str) -> None:
    """oneOf/anyOf must be unions of disjoint JSON types: then both mean a plain union."""
    if not isinstance(schema, dict):
        return
    for union in ("oneOf", "anyOf"):
        if union in schema and "discriminator" not in schema:
            seen: set[str] = set()
            for index, branch in enumerate(schema[union]):
                kinds = types_of(deref(schemas, branch, pointer)) or ["any"]
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
            check_unions(schemas, schema[key], f"{pointer}/{key}")
    for prop, sub in schema.get("properties", {}).items():
        check_unions(schemas, sub, f"{pointer}/properties/{pointer_escape(prop)}")
