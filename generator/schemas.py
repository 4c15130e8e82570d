"""The component schemas as the generator reads them: where they live (`SCHEMAS`), how a
reference names one, which keys only annotate, and a schema's JSON types.

The normalization pass is `normalize`; it merges `allOf` with `all_of` and refuses what the
models cannot express with `schema_checks`.
"""

from __future__ import annotations

from typing import Any

from generator.errors import UnsupportedConstruct
from twosms_contract.jsonvalue import json_type
from twosms_contract.spec import pointer_unescape

SCHEMAS = "#/components/schemas/"

ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "deprecated"})

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


def deref(schemas: dict[str, Schema], schema: Schema, pointer: str) -> Schema:
    """The schema a chain of references ends at (raises when one does not resolve)."""
    seen: set[str] = set()
    while "$ref" in schema:
        name = ref_name(schema["$ref"], pointer)
        if name in seen or name not in schemas:
            raise UnsupportedConstruct(pointer, "the reference does not resolve", schema)
        seen.add(name)
        schema = schemas[name]
    return schema


def mapped_name(target: Any, pointer: str) -> str:
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


def types_of(schema: Schema) -> list[str] | None:
    """The JSON types a schema allows, as its keywords say; None when it does not say."""
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
