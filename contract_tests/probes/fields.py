"""Every constraint of every request field, one at a time, read from the spec.

The request schema (`MessageV2`) is walked; for each leaf it gives, the probe sends the
base request with that one value changed:

- just outside each bound (minimum - 1, maximum + 1, an integer beside the enum), the
  value of another JSON type that a lenient server might coerce (`"1"` or `true` for an
  integer, `1.5` for an integer, a number or `true` for a string, `"true"` or `1` for a
  boolean, an array or a string for an object), a date-time without its offset or on a
  day that does not exist, a GUID that is not one, a key with separators: each must be
  400 `ValidationError` (`validation/field-constraints`);
- each bound itself and each enum member where no other rule decides (ports, ranges,
  Repeat, the schedule, ResponseAlert, Range): each must be accepted
  (`acceptance/field-bounds`).

Left out, since a conforming server may differ there: integral floats (`1.0`, an
integer to JSON Schema, not to every parser), huge values of unbounded integers, keys
with a final newline or non-ASCII digits, date-times with a space or in lower case.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contract_tests import ids
from contract_tests.core import Violation
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    QUICK_NUMBER,
    UNKNOWN_GUID,
    base_request,
    expect_acceptance,
    expect_refusal,
)
from contract_tests.session import Session
from twosms_contract.spec import Spec

FIELD_CONSTRAINTS, FIELD_BOUNDS = ids.FIELD_CONSTRAINTS.rule, ids.ACCEPT_FIELD_BOUNDS.rule
# Where each map's values live, under a key that passes the map's pattern.
_MAP_KEYS = {"QuickRecipients": QUICK_NUMBER, "ContactID": "987654321", "GroupID": UNKNOWN_GUID}
# Integers whose every value is not free: another rule decides (a channel must reach the
# recipient; Type 2 needs RecurringOptions).
_NOT_FREE = {("Type",), ("Contacts", "QuickRecipients", "*"), ("Contacts", "ContactID", "*")}
_NOT_FREE.add(("Contacts", "GroupID", "*"))
_BAD_KEYS = {
    "QuickRecipients": ["+44 7700 900123", "+44-7700-900123"],
    "ContactID": ["10 01", "-1001"],
    "GroupID": [UNKNOWN_GUID.replace("-", ""), "{" + UNKNOWN_GUID + "}"],
}


@dataclass(frozen=True, slots=True)
class FieldCase:
    """One request field set to one value, and whether it must be accepted."""

    path: tuple[str, ...]
    value: Any
    accepted: bool
    why: str
    code: str = "ValidationError"  # of a refusal: a business rule's where it overrides

    @property
    def where(self) -> str:
        return "$." + ".".join(self.path)


def _resolve(spec: Spec, node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec.document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _leaves(spec: Spec, node: dict[str, Any], path: tuple[str, ...]) -> Iterator[Any]:
    node = _resolve(spec, node)
    yield path, node
    for name, sub in (node.get("properties") or {}).items():
        yield from _leaves(spec, sub, (*path, name))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _leaves(spec, extra, (*path, "*"))


def _integer_cases(path: tuple[str, ...], node: dict[str, Any]) -> Iterator[FieldCase]:
    enum = node.get("enum")
    low = min(enum) if enum else node.get("minimum")
    high = max(enum) if enum else node.get("maximum")
    valid = low if low is not None else 0
    yield FieldCase(path, str(valid), False, "a number written as a string")
    yield FieldCase(path, True, False, "a boolean")
    yield FieldCase(path, valid + 0.5, False, "a fraction")
    if low is not None:
        yield FieldCase(path, low - 1, False, f"one below {'the enum' if enum else 'minimum'}")
    if high is not None:
        yield FieldCase(path, high + 1, False, f"one above {'the enum' if enum else 'maximum'}")
    if path in _NOT_FREE:
        return
    for value in enum or [v for v in (low, high) if v is not None]:
        yield FieldCase(path, value, True, "a bound" if not enum else "an enum member")


def _length_cases(path: tuple[str, ...], node: dict[str, Any], code: str) -> Iterator[FieldCase]:
    """Each length bound of a free string (no pattern, no format), and one past it."""
    if "pattern" in node or "format" in node:
        return
    low, high = node.get("minLength"), node.get("maxLength")
    if isinstance(high, int):
        yield FieldCase(path, "x" * high, True, f"maxLength ({high}) characters")
        yield FieldCase(path, "x" * (high + 1), False, f"one over maxLength ({high})", code)
    if isinstance(low, int) and low > 0:
        yield FieldCase(path, "x" * low, True, f"minLength ({low}) characters")
        yield FieldCase(path, "x" * (low - 1), False, f"one under minLength ({low})", code)


def _string_cases(
    path: tuple[str, ...], node: dict[str, Any], code: str = "ValidationError"
) -> Iterator[FieldCase]:
    yield FieldCase(path, 5, False, "a number")
    yield FieldCase(path, True, False, "a boolean")
    yield from _length_cases(path, node, code)
    if "@" in node.get("pattern", ""):
        yield FieldCase(path, "no-at-sign.example.com", False, "an address without @")
    if node.get("format") == "date-time":
        yield FieldCase(path, "2099-01-01T10:00:00Z", True, "a date-time in UTC, written Z")
        yield FieldCase(path, "2099-01-01T10:00:00.1234567+05:00", True, "7 digits, an offset")
        yield FieldCase(path, "2099-01-01T10:00:00", False, "a date-time without its offset")
        yield FieldCase(path, "2099-02-30T10:00:00+00:00", False, "a day that does not exist")
        yield FieldCase(path, "2099-01-01T25:00:00+00:00", False, "an hour that does not exist")
    if node.get("format") == "uuid":
        yield FieldCase(path, UNKNOWN_GUID[:-1], False, "a GUID one digit short")


def field_cases(spec: Spec) -> list[FieldCase]:
    """The cases of the request schema, in the order of its properties."""
    schema = spec.document["components"]["schemas"]["MessageV2"]
    cases: list[FieldCase] = []
    for path, node in _leaves(spec, schema, ()):
        if not path:
            continue
        kind = node.get("type")
        if kind == "integer":
            cases.extend(_integer_cases(path, node))
        elif kind == "string":
            # A string breaking a rule with its own code answers with that code.
            override = spec.terms.override_at(path)
            code = override.code if override is not None else "ValidationError"
            cases.extend(_string_cases(path, node, code))
        elif kind == "boolean":
            cases.append(FieldCase(path, "true", False, "a boolean written as a string"))
            cases.append(FieldCase(path, 1, False, "a number"))
        elif kind == "object":
            cases.append(FieldCase(path, [], False, "an array"))
            cases.append(FieldCase(path, "x", False, "a string"))
            for key in _BAD_KEYS.get(path[-1], []):
                cases.append(FieldCase((*path, key), 2, False, "a key that breaks the pattern"))
    return cases


def _body(case: FieldCase) -> dict[str, Any]:
    """The base request with the case's value at its path (a map's `*` is a valid key)."""
    body = base_request()
    path = list(case.path)
    if path[0] == "Template" and path != ["Template"]:
        body["Template"] = {"ID": UNKNOWN_GUID}
    if path[0] == "Contacts" and len(path) > 1:
        body["Contacts"] = {}
    node: Any = body
    for depth, name in enumerate(path[:-1]):
        key = _MAP_KEYS.get(path[depth - 1], "1") if name == "*" else name
        node = node.setdefault(key, {})
    last = path[-1]
    if last == "*":
        last = _MAP_KEYS.get(path[-2], "1")
    node[last] = copy.deepcopy(case.value)
    return body


def _run(session: Session) -> Iterator[Violation]:
    for case in field_cases(session.spec):
        exchange, _ = session.send(_body(case), observe=False)
        what = f"{case.where} = {case.value!r} ({case.why})"
        if case.accepted:
            found = expect_acceptance(session, exchange, check=ids.ACCEPTANCE, rule=FIELD_BOUNDS)
        else:
            found = expect_refusal(
                session,
                exchange,
                check=ids.VALIDATION,
                rule=FIELD_CONSTRAINTS,
                code=case.code,
            )
        for v in found:
            if v.rule in (FIELD_BOUNDS, FIELD_CONSTRAINTS):
                yield Violation(
                    check=v.check,
                    rule=v.rule,
                    message=f"{what}: {v.message}",
                    received=v.received,
                    expected=v.expected,
                    request=v.request,
                    response=v.response,
                )
            else:
                yield v


def field_probes(_spec: Spec) -> list[Probe]:
    return [
        Probe(
            id="validation-every-field",
            check=ids.VALIDATION,
            rule=FIELD_CONSTRAINTS,
            description="Each constraint of each request field, read from the spec: just "
            "outside it is a ValidationError, each bound and enum member is accepted.",
            run=_run,
        )
    ]
