"""The generated client's errors: one exception class per HTTP status, and where the error
bodies keep their code and reason (found by the properties' names)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

from generator.naming import pascal_case
from generator.normalize import Normalizer
from generator.schemas import Schema

CODE_NAMES = re.compile(r"^(error_?code|code|error)$", re.IGNORECASE)
REASON_NAMES = re.compile(
    r"^(error_?reason|reason|error_?message|message|error_description|detail)$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """Where an error body keeps its code and reason (wire paths)."""

    code: tuple[str, ...]
    reason: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErrorClass:
    """The exception the client raises for one HTTP status."""

    status: int
    name: str
    base: str
    phrase: str


def error_class(status: int) -> ErrorClass:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Status {status}"
    name = pascal_case(phrase)
    name = name if name.endswith("Error") else f"{name}Error"
    return ErrorClass(status, name, "ServerError" if status >= 500 else "ApiError", phrase)


def error_shapes(
    normalizer: Normalizer, schemas: dict[str, Schema], models: list[str]
) -> tuple[ErrorShape, ...]:
    """Where each error model keeps its code and reason, at its top or one object down."""
    shapes: set[ErrorShape] = set()
    for model in models:
        schema = schemas[model]
        code, reason = (
            _find(normalizer, schema, CODE_NAMES),
            _find(normalizer, schema, REASON_NAMES),
        )
        for name, sub in schema.get("properties", {}).items():
            target = _object_in(normalizer, sub)
            if target is not None and not code:
                inner_code = _find(normalizer, target, CODE_NAMES)
                if inner_code:
                    code = (name, *inner_code)
                    inner_reason = _find(normalizer, target, REASON_NAMES)
                    reason = (name, *inner_reason) if inner_reason else ()
        if code:
            shapes.add(ErrorShape(code, reason))
    return tuple(sorted(shapes, key=lambda s: (s.code, s.reason)))


def _object_in(normalizer: Normalizer, schema: Schema) -> Schema | None:
    candidates = [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]
    for candidate in candidates:
        target = normalizer.deref(candidate, "#") if "$ref" in candidate else candidate
        if "properties" in target:
            return target
    return None


def _find(normalizer: Normalizer, schema: Schema, names: re.Pattern[str]) -> tuple[str, ...]:
    for name, sub in schema.get("properties", {}).items():
        target = normalizer.deref(sub, "#") if "$ref" in sub else sub
        if names.match(name) and "properties" not in target:
            return (name,)
    return ()
