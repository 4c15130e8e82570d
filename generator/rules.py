"""The `if`/`then` of a component schema, read into a rule that a model validator checks:
conditions on wire paths, and the properties they then require."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.schemas import SCHEMAS, Schema
from twosms_contract.spec import pointer_escape


@dataclass(frozen=True, slots=True)
class Condition:
    """`path` (wire names) is present (when `required`) and equals `const` (when
    `check_const`); a condition that is not `required` also holds when the value is absent."""

    path: tuple[str, ...]
    const: Any
    check_const: bool
    required: bool


@dataclass(frozen=True, slots=True)
class Requirement:
    """When the object at `parent` (wire path) is present, it has property `name`."""

    parent: tuple[str, ...]
    name: str


@dataclass(frozen=True, slots=True)
class Rule:
    """An `if`/`then` of a model's schema, checked by a model validator."""

    model: str
    pointer: str
    conditions: tuple[Condition, ...]
    requirements: tuple[Requirement, ...]


def rule_of(name: str, schemas: dict[str, Schema]) -> Rule:
    """The rule of schema `name`'s `if`/`then` (both taken out of the schema)."""
    schema = schemas[name]
    pointer = f"{SCHEMAS}{pointer_escape(name)}"
    cond, then = schema.pop("if"), schema.pop("then", None)
    if not isinstance(cond, dict) or set(cond) - {"required", "properties"}:
        raise UnsupportedConstruct(
            f"{pointer}/if", "only `required` and `properties` with `const` are supported", cond
        )
    required = set(cond.get("required", []))
    conditions = []
    for prop, sub in sorted(cond.get("properties", {}).items()):
        if isinstance(sub, dict) and set(sub) == {"enum"} and len(sub["enum"]) == 1:
            sub = {"const": sub["enum"][0]}
        if not isinstance(sub, dict) or set(sub) != {"const"}:
            raise UnsupportedConstruct(
                f"{pointer}/if/properties/{pointer_escape(prop)}", "only `const` is supported", sub
            )
        conditions.append(Condition((prop,), sub["const"], True, prop in required))
    for prop in sorted(required - set(cond.get("properties", {}))):
        conditions.append(Condition((prop,), None, False, True))
    if then is None:
        raise UnsupportedConstruct(f"{pointer}/if", "an `if` without `then`", cond)
    requirements: list[Requirement] = []
    _requirements(then, (), f"{pointer}/then", requirements)
    return Rule(name, pointer, tuple(conditions), tuple(requirements))


def _requirements(
    schema: Any, parent: tuple[str, ...], pointer: str, out: list[Requirement]
) -> None:
    if not isinstance(schema, dict) or set(schema) - {"required", "properties"}:
        raise UnsupportedConstruct(
            pointer, "only nested `required` and `properties` are supported in `then`", schema
        )
    for prop in schema.get("required", []):
        out.append(Requirement(parent, prop))
    for prop, sub in sorted(schema.get("properties", {}).items()):
        _requirements(sub, (*parent, prop), f"{pointer}/properties/{pointer_escape(prop)}", out)
