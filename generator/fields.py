"""Each property's Python name, and the checks on its values that the models' types do not
make: string formats (at any depth) and `uniqueItems`."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.naming import snake_case
from generator.normalize import Normalizer
from generator.schemas import SCHEMAS, Schema, discriminated
from twosms_contract.spec import pointer_escape


@dataclass(frozen=True, slots=True)
class FieldName:
    """The Python attribute of one wire property."""

    model: str
    wire: str
    python: str


@dataclass(frozen=True, slots=True)
class FormatCheck:
    """Fields of `model` whose strings (at any depth) must have `format`."""

    model: str
    format: str
    fields: tuple[str, ...]


def unique_items(schemas: dict[str, Schema]) -> list[tuple[str, list[str]]]:
    """The properties with `uniqueItems: true` (taken out of the schema: a validator checks
    them, and datamodel-code-generator would make a `set`, which reorders and refuses
    unhashable items)."""
    out = []
    for model in sorted(schemas):
        wires = []
        for wire, sub in schemas[model].get("properties", {}).items():
            if isinstance(sub, dict) and sub.pop("uniqueItems", False) is True:
                wires.append(wire)
        if wires:
            out.append((model, wires))
    return out


def field_names(schemas: dict[str, Schema]) -> tuple[FieldName, ...]:
    """Python names of the properties. A discriminator property keeps its wire name: the
    models' tagged unions name it, and pydantic looks it up by the field's own name."""
    tags: set[tuple[str, str]] = set()
    discriminated(schemas, tags)
    out = []
    for model in sorted(schemas):
        taken: set[str] = set()
        for wire in schemas[model].get("properties", {}):
            python = snake_case(wire)
            if (model, wire) in tags:
                if not wire.isidentifier() or keyword.iskeyword(wire) or wire.startswith("_"):
                    raise UnsupportedConstruct(
                        f"{SCHEMAS}{pointer_escape(model)}/properties/{pointer_escape(wire)}",
                        "a discriminator property must be a valid Python name",
                        wire,
                    )
                python = wire
            candidate, counter = python, 2
            while candidate in taken:
                candidate, counter = f"{python}_{counter}", counter + 1
            taken.add(candidate)
            out.append(FieldName(model, wire, candidate))
    return tuple(out)


def _string_leaves(normalizer: Normalizer, schema: Any, pointer: str, depth: int = 0) -> list[str]:
    """The formats of the strings a property holds ("" for a string without format)."""
    if not isinstance(schema, dict) or depth > 20:
        return []
    if "$ref" in schema:
        target = normalizer.deref(schema, pointer)
        if "properties" in target or (
            target.get("type") == "object" and "additionalProperties" not in target
        ):
            return []
        return _string_leaves(normalizer, target, pointer, depth + 1)
    out: list[str] = []
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    if "string" in kinds and "enum" not in schema:
        fmt = str(schema.get("format", ""))
        out.append("" if fmt == "binary" else fmt)  # bytes in the models: nothing to check
    for union in ("oneOf", "anyOf"):
        for branch in schema.get(union, []):
            out += _string_leaves(normalizer, branch, pointer, depth + 1)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            out += _string_leaves(normalizer, schema[key], pointer, depth + 1)
    return out


def format_checks(
    normalizer: Normalizer, schemas: dict[str, Schema], fields: tuple[FieldName, ...]
) -> tuple[FormatCheck, ...]:
    """The properties that hold formatted strings, grouped by model and format."""
    python = {(f.model, f.wire): f.python for f in fields}
    grouped: dict[tuple[str, str], list[str]] = {}
    for model in sorted(schemas):
        for wire, sub in schemas[model].get("properties", {}).items():
            pointer = f"{SCHEMAS}{pointer_escape(model)}/properties/{pointer_escape(wire)}"
            leaves = _string_leaves(normalizer, sub, pointer)
            formats = sorted(set(leaves) - {""})
            if not formats:
                continue
            if len(set(leaves)) > 1:
                raise UnsupportedConstruct(
                    pointer, "formatted and plain strings mixed in one property", sub
                )
            grouped.setdefault((model, formats[0]), []).append(python[(model, wire)])
    return tuple(
        FormatCheck(model, fmt, tuple(names)) for (model, fmt), names in sorted(grouped.items())
    )
