"""Schema validation of a send request, with the violations a business rule answers for.

Two validators read the same schema (`#/components/schemas/MessageV2` of the spec):
`jsonschema_rs` says quickly whether a request is valid (the hot path), and the reference
`jsonschema` validator (the one `twosms_contract.spec` builds, formats checked) describes
what is wrong when it is not: its paths keep map keys as strings, which `jsonschema_rs`
does not (`"+4477..."` comes back as an integer). A test checks they agree.

Violations at the paths of `x-contract.schemaRuleOverrides` are not schema errors: their
rule answers with its own code later, in the order of the checks. A wrong *type* at such a
path (`null`, a number for `Sender`) stays a `ValidationError`: the rule is about the
value, and `null` is never a valid request field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema
import pydantic

from twosms_contract.jsonvalue import json_type
from twosms_contract.spec import Spec

Path = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VALUE_WIDTH = 60


def json_path(path: Iterable[str | int]) -> str:
    """`$.Options.SrcPort`, `$.Contacts.QuickRecipients["+447700900123"]`, `$.a[0]`."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


def show(value: Any, width: int = _VALUE_WIDTH) -> str:
    """A JSON rendering of a value for an error reason, cut to `width` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        text = f"<{json_type(value)}>"
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text


@dataclass(frozen=True, slots=True)
class Violation:
    """One schema violation: where (a JSON path) and what is wrong."""

    path: Path
    message: str

    def render(self) -> str:
        return f"{json_path(self.path)}: {self.message}"


def parse_override_path(text: str) -> Path:
    """`$.Options.Sender` -> ("Options", "Sender")."""
    if not text.startswith("$"):
        raise ValueError(f"override path {text!r} does not start with $")
    return tuple(part for part in text[1:].split(".") if part)


def describe(error: jsonschema.ValidationError) -> Violation:
    """Turn a jsonschema error into a path and a sentence that shows the value."""
    keyword = error.validator
    value = error.instance
    expected = error.validator_value
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    path: Path = tuple(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path:
        # The instance is the offending key; the path is the map's.
        path = (*path, str(value))
        return Violation(path, "key " + _keyword_text(str(keyword), value, expected, schema))
    if keyword == "required":
        missing = _missing_property(error)
        if missing is not None:
            return Violation((*path, missing), "is required but missing")
    return Violation(path, _keyword_text(str(keyword), value, expected, schema))


def describe_fast(error: Any, instance: Any) -> Violation:
    """Turn a jsonschema_rs error into a path and a sentence (for what the reference
    validator does not see)."""
    path = _string_keys(instance, list(error.instance_path))
    kind = error.kind
    name = str(kind.name)
    if name == "required":
        return Violation((*path, str(kind.property)), "is required but missing")
    if name == "propertyNames":
        inner = kind.error
        key = str(inner.instance)
        if inner.kind.name == "pattern":
            return Violation((*path, key), f"key {show(key)} does not match {inner.kind.pattern}")
        return Violation((*path, key), f"key {show(key)}: {inner.message}")
    value = error.instance
    if name == "type":
        return Violation(path, _keyword_text("type", value, list(kind.types), {}))
    if name == "pattern":
        return Violation(path, _keyword_text("pattern", value, kind.pattern, {}))
    return Violation(path, f"{show(value)}: {error.message}")


def _string_keys(instance: Any, path: list[Any]) -> Path:
    """jsonschema_rs returns a map key that looks like a number as an integer: find the
    instance's real key."""
    out: list[str | int] = []
    node = instance
    for part in path:
        if isinstance(node, dict):
            key = str(part)
            if key not in node:
                key = next((k for k in node if _as_int(k) == part), key)
            out.append(key)
            node = node.get(key)
        else:
            out.append(part)
            node = node[part] if isinstance(node, list) and isinstance(part, int) else None
    return tuple(out)


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _missing_property(error: jsonschema.ValidationError) -> str | None:
    if isinstance(error.validator_value, list) and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance and error.message.startswith(repr(name)):
                return str(name)
    return None


def _keyword_text(keyword: str, value: Any, expected: Any, schema: Mapping[str, Any]) -> str:
    shown = show(value)
    if keyword == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
        got = "null" if value is None else f"{json_type(value)} {shown}"
        return f"expected {wanted}, got {got}"
    if keyword in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        return f"{shown} is outside {schema['minimum']}..{schema['maximum']}"
    if keyword == "minimum":
        return f"{shown} is less than the minimum {expected}"
    if keyword == "maximum":
        return f"{shown} is more than the maximum {expected}"
    if keyword == "enum":
        return f"{shown} is not one of {', '.join(show(v) for v in expected)}"
    if keyword == "const":
        return f"{shown} is not {show(expected)}"
    if keyword == "pattern":
        return f"{shown} does not match {expected}"
    if keyword == "format":
        return f"{shown} is not a valid {expected}"
    if keyword in ("minLength", "maxLength") and isinstance(value, str):
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{shown} has {len(value)} characters, {bound} {expected}"
    return f"{shown} violates {keyword} {show(expected)}"


_UNBUILT = object()


def _generated_model(spec: Spec, name: str) -> type[pydantic.BaseModel] | None:
    """The generated model of a component schema (None for one the package lacks), from the
    client generated from this very spec (`generator.runtime`)."""
    from generator.runtime import client_package

    model = getattr(client_package(spec).models, name, None)
    return model if isinstance(model, type) and issubclass(model, pydantic.BaseModel) else None


class RequestValidator:
    """Validates a parsed request body against the spec's request schema."""

    def __init__(self, spec: Spec, schema_name: str = "MessageV2") -> None:
        self._reference = spec.schema_validator(schema_name)
        # The formats the schema uses are checked by the reference's own checkers, so that
        # both validators draw the same line (jsonschema_rs alone accepts a leap second).
        self._fast = spec.fast_validator(schema_name)
        # The model gate is built on first use (a spec other than the committed client's
        # needs its client generated); a validator set to None has no gate.
        self._spec, self._schema_name = spec, schema_name
        self._model: type[pydantic.BaseModel] | object | None = _UNBUILT
        self.listed = spec.terms.limits.validation_errors_listed
        self.overrides: tuple[Path, ...] = tuple(
            parse_override_path(override.json_path) for override in spec.terms.overrides
        )

    def is_overridden(self, violation: Violation, keyword: str) -> bool:
        """Whether a business rule, not ValidationError, answers for this violation.

        That is any violation at an override path but a wrong type (a `required` one is
        reported at the missing property's path, so it is caught here too).
        """
        return keyword != "type" and violation.path in self.overrides

    def violations(self, instance: Any) -> list[Violation]:
        """The schema violations that are `ValidationError`s, in schema order.

        Validity is jsonschema_rs's verdict: its regular expressions follow ECMA-262, as
        JSON Schema requires (the spec's patterns are written to read alike in Python's
        `re`, which jsonschema uses; where they would not, ECMA-262 wins). The reference
        describes the violations; where it sees none, the fast validator's are described.
        """
        if self._fast.is_valid(instance):
            return self.model_violations(instance)
        found = [
            violation
            for error in self._reference.iter_errors(instance)
            if not self.is_overridden(violation := describe(error), str(error.validator))
        ]
        if found:
            return found
        return [
            violation
            for error in self._fast.iter_errors(instance)
            if not self.is_overridden(violation := describe_fast(error, instance), error.kind.name)
        ]

    def model_violations(self, instance: Any) -> list[Violation]:
        """What the generated pydantic model (`twosms_client.models`) refuses of a body the
        schema accepts: the model is the last gate, so that the mock validates with the
        models its clients use. The two agree (a property test says so); where they would
        not, the request is refused with the model's reasons, never let through."""
        if self._model is _UNBUILT:
            self._model = _generated_model(self._spec, self._schema_name)
        model = self._model
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)):
            return []
        try:
            model.model_validate(instance)
        except pydantic.ValidationError as exc:
            found = []
            for error in exc.errors():
                path: Path = tuple(error["loc"])
                if path in self.overrides and not str(error["type"]).endswith("_type"):
                    continue  # a string breaking the Sender or Reference rule: its own code
                if not path and "RecurringOptions" in str(error["msg"]):
                    continue  # the if/then of Type 2: MissingRecurringOptions, a rule
                found.append(Violation(path, f"{error['msg']} (got {show(error.get('input'))})"))
            return found
        return []

    def reason(self, violations: Sequence[Violation]) -> str:
        """The `ErrorReason` of a ValidationError: the first `listed` violations."""
        shown = [v.render() for v in violations[: self.listed]]
        more = len(violations) - len(shown)
        if more > 0:
            shown.append(f"and {more} more")
        return "; ".join(shown)

    def fast_valid(self, instance: Any) -> bool:
        """The quick validator alone (for the agreement test)."""
        return bool(self._fast.is_valid(instance))
