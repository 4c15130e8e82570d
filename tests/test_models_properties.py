r"""Property tests: the generated models and the spec's JSON-Schema validator agree.

For random payloads drawn from each component schema (Schemathesis's JSON-Schema strategies,
as is and mutated at a random place), the validator and the model must say the same
valid/invalid, and a valid payload must survive parse -> dump by alias unchanged.

hypothesis-jsonschema 0.23 does not run on Hypothesis 6.170 (it uses removed internals), so
the strategies are Schemathesis's (its `builder.build`, pinned with schemathesis <4.33).
Schemathesis reads patterns as ECMA-262 does; the spec's validator reads them with Python's
`re` (`\s` differs on U+001C-U+001F, U+0085, U+FEFF; `$` also matches before a final
newline). So a drawn payload is a candidate, not a valid one: the validator decides.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build
from schemathesis.specs.openapi.formats import get_default_format_strategies
from twosms_client import models

from twosms_contract.spec import load_spec

SPEC = load_spec()
SCHEMAS: dict[str, Any] = SPEC.document["components"]["schemas"]
# Every component schema that became a model class (the rest are collapsed into fields).
MODELS = sorted(name for name in SCHEMAS if isinstance(getattr(models, name, None), type))
OBJECT_MODELS = [name for name in MODELS if issubclass(getattr(models, name), pydantic.BaseModel)]

_SCHEMA_MAPS = ("properties", "$defs")
_DRAFT_2020_12 = 20  # schemathesis's code for the draft


def _plain(schema: Any) -> Any:
    """A standalone schema: refs into `$defs`, no annotations."""
    if isinstance(schema, list):
        return [_plain(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-") or key in ("description", "examples", "example", "title"):
            continue
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key in _SCHEMA_MAPS:
            out[key] = {name: _plain(sub) for name, sub in value.items()}
        else:
            out[key] = _plain(value)
    return out


def _standalone(name: str) -> dict[str, Any]:
    definitions = {key: _plain(value) for key, value in SCHEMAS.items()}
    return {**definitions[name], "$defs": definitions}


_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {}


def _drawn(name: str) -> st.SearchStrategy[Any]:
    """Payloads Schemathesis draws from the schema (candidates: see the module docstring)."""
    if name not in _STRATEGIES:
        formats = get_default_format_strategies()
        _STRATEGIES[name] = build(_standalone(name), draft=_DRAFT_2020_12, formats=formats)
    return _STRATEGIES[name]


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "1", "+447700900123", "2025-10-26T11:42:31.4461082+00:00", 2.0])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def _mutated(draw: st.DrawFn, name: str) -> Any:
    """A drawn payload, as is or with one place replaced, removed or given a new key."""
    payload = draw(_drawn(name))
    if draw(st.booleans()):
        return payload
    path = draw(st.sampled_from(_paths(payload)))
    action = draw(st.sampled_from(["replace", "delete", "add-key", "null"]))
    if not path:
        return draw(JSON_VALUES) if action != "null" else None
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = draw(JSON_VALUES)
    elif action == "null":
        parent[last] = None
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][draw(st.text(max_size=12))] = draw(JSON_VALUES)
    else:
        parent[last] = draw(JSON_VALUES)
    return payload


def _model_accepts(name: str, payload: Any) -> bool:
    model: Any = getattr(models, name)
    try:
        model.model_validate(payload)
    except pydantic.ValidationError:
        return False
    return True


def _same_json(left: Any, right: Any) -> bool:
    """JSON equality (1 == 1.0, but True != 1)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=0, abs_tol=0) or left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_json, left, right))
    return type(left) is type(right) and left == right


QUICK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_every_object_schema_is_a_model() -> None:
    objects = {n for n, s in SCHEMAS.items() if s.get("type") == "object" or "allOf" in s}
    maps = {
        n
        for n in objects
        if "properties" not in SCHEMAS[n] and "additionalProperties" in SCHEMAS[n]
    }
    assert objects - maps <= set(OBJECT_MODELS)


@pytest.mark.parametrize("name", OBJECT_MODELS)
@QUICK
@given(data=st.data())
def test_valid_payloads_roundtrip(name: str, data: st.DataObject) -> None:
    payload = data.draw(_drawn(name))
    assume(SPEC.schema_validator(name).is_valid(payload))
    model: Any = getattr(models, name)
    parsed = model.model_validate(payload)
    dumped = parsed.to_wire()
    assert _same_json(dumped, payload), json.dumps([payload, dumped], default=str)


@pytest.mark.parametrize("name", OBJECT_MODELS)
@QUICK
@given(data=st.data())
def test_validator_and_model_equivalent(name: str, data: st.DataObject) -> None:
    payload = data.draw(_mutated(name))
    expected = SPEC.schema_validator(name).is_valid(payload)
    assert _model_accepts(name, payload) == expected, json.dumps(payload, default=str)
