"""A value valid against a JSON Schema of the spec, for the answers the mock serves from it.

`instance_for(spec, pointer)` makes a deterministic minimal instance of the schema at a
local pointer (required properties only, `const`, the first `enum` member or example, the
bounds' low end, `minLength` characters, a valid value of each common `format`, the simplest
string hypothesis's `from_regex` finds for a `pattern`) and checks it with the spec's own
validator (`Spec.validator`, formats checked). Where that instance is not valid
(`uniqueItems`, `not`, a combination the walk cannot satisfy), hypothesis-jsonschema's
`from_schema` is asked for one, a bounded number of tries (`hypothesis.find`, no database;
with the pinned hypothesis it fails on object schemas, so the walk carries objects).
(False, None) when neither finds one (an unsatisfiable schema).
"""

from __future__ import annotations

import copy
import math
import re
import warnings
from typing import Any

from twosms_contract.spec import Spec, resolve_pointer

_MISSING: Any = object()
_MAX_DEPTH = 16
# Valid values of the formats JSON Schema names (and that jsonschema's checker knows).
_FORMATS: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "iri-reference": "https://example.com/",
    "uri-template": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "json-pointer": "",
    "relative-json-pointer": "0",
    "regex": ".*",
    "byte": "",
    "binary": "",
    "password": "",
}
FIND_TRIES = 200  # hypothesis examples tried before giving up on a schema


def instance_for(spec: Spec, pointer: str) -> tuple[bool, Any]:
    """(True, a valid instance) of the schema at `pointer`, or (False, None)."""
    return _cached(spec, pointer)


_CACHE: dict[tuple[str, str], tuple[bool, Any]] = {}


def _cached(spec: Spec, pointer: str) -> tuple[bool, Any]:
    """Per spec text (its sha256) and pointer: the same document gives the same answer."""
    key = (spec.sha256, pointer)
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _make(spec, pointer)
    return copy.deepcopy(found)


def _make(spec: Spec, pointer: str) -> tuple[bool, Any]:
    validator = spec.validator(pointer)
    schema = resolve_pointer(spec.document, pointer)
    try:
        value = minimal_instance(spec, schema)
    except (KeyError, RecursionError, TypeError, ValueError):
        value = _MISSING
    if value is not _MISSING and validator.is_valid(value):
        return True, value
    found = _search(spec, schema, validator)
    if found is not _MISSING:
        return True, found
    return False, None


def minimal_instance(spec: Spec, schema: Any, depth: int = 0) -> Any:
    """The walk described in the module docstring (not checked here)."""
    if depth > _MAX_DEPTH:
        raise RecursionError("schema nests too deep")
    schema = spec.deref(schema)
    if schema is True or schema == {}:
        return None
    if schema is False or not isinstance(schema, dict):
        raise ValueError("no instance")
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return copy.deepcopy(schema["examples"][0])
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    merged = _merge(spec, schema)
    kind = merged.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"] or kind
        kind = kinds[0] if kinds else None
    if kind is None:
        kind = _infer_type(merged)
    if kind == "object":
        return _object(spec, merged, depth)
    if kind == "array":
        return _array(spec, merged, depth)
    if kind == "string":
        return _string(merged)
    if kind == "integer":
        return int(_number(merged, integer=True))
    if kind == "number":
        return _number(merged, integer=False)
    if kind == "boolean":
        return False
    return None


def _merge(spec: Spec, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `allOf` members and its first `oneOf`/`anyOf` branch folded in."""
    merged = {k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")}
    parts = [spec.deref(s) for s in schema.get("allOf", [])]
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            parts.append(spec.deref(branches[0]))
    for part in parts:
        if not isinstance(part, dict):
            continue
        part = _merge(spec, part)
        for key, value in part.items():
            if key == "properties" and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif key == "required" and isinstance(merged.get(key), list):
                merged[key] = [*merged[key], *[v for v in value if v not in merged[key]]]
            else:
                merged.setdefault(key, value)
    return merged


def _infer_type(schema: dict[str, Any]) -> str | None:
    if any(k in schema for k in ("properties", "required", "additionalProperties")):
        return "object"
    if any(k in schema for k in ("items", "prefixItems", "minItems")):
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "multipleOf")):
        return "number"
    return None


def _object(spec: Spec, schema: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties", {})
    out: dict[str, Any] = {}
    for name in schema.get("required", []):
        sub = properties.get(name, schema.get("additionalProperties", True))
        out[str(name)] = minimal_instance(spec, sub if isinstance(sub, dict) else {}, depth + 1)
    return out


def _array(spec: Spec, schema: dict[str, Any], depth: int) -> list[Any]:
    prefix = schema.get("prefixItems", [])
    out = [minimal_instance(spec, item, depth + 1) for item in prefix]
    wanted = int(schema.get("minItems", 0))
    items = schema.get("items", {})
    while len(out) < wanted:
        out.append(minimal_instance(spec, items if items is not False else {}, depth + 1))
    return out


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    base = _FORMATS.get(fmt, "") if isinstance(fmt, str) else ""
    low = int(schema.get("minLength", 0))
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not (base and re.search(pattern, base)):
        high = schema.get("maxLength")
        return _matching(pattern, low, int(high) if isinstance(high, int) else None)
    if len(base) < low:
        base = base + "a" * (low - len(base))
    return base


def _number(schema: dict[str, Any], *, integer: bool) -> float:
    def bound(key: str) -> float | None:
        value = schema.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None

    low, above = bound("minimum"), bound("exclusiveMinimum")
    high, below = bound("maximum"), bound("exclusiveMaximum")
    lows = [
        v
        for v in (low, None if above is None else above + (1 if integer else 0.5))
        if v is not None
    ]
    value = max(lows) if lows else 0.0
    if not lows:
        if high is not None and high < value:
            value = high
        if below is not None and below <= value:
            value = below - 1
    step = bound("multipleOf")
    if step is not None and step > 0:
        value = math.ceil(value / step) * step
    if integer:
        value = math.ceil(value)
    return int(value) if value == int(value) else value


def _matching(pattern: str, low: int, high: int | None) -> str:
    """The simplest string that matches `pattern` (searched, like `re.search`) within the
    length bounds, found by hypothesis's `from_regex`; ValueError when none is found."""
    import hypothesis
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    def fits(text: str) -> bool:
        return low <= len(text) and (high is None or len(text) <= high)

    settings = _settings(shrink=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found: str = hypothesis.find(st.from_regex(pattern), fits, settings=settings)
    except (HypothesisException, re.error) as exc:
        raise ValueError(f"no string matches {pattern}") from exc
    return found


def _settings(*, shrink: bool) -> Any:
    import hypothesis

    phases = [hypothesis.Phase.generate] + ([hypothesis.Phase.shrink] if shrink else [])
    return hypothesis.settings(
        max_examples=FIND_TRIES,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=phases,
    )


def _search(spec: Spec, schema: Any, validator: Any) -> Any:
    """hypothesis-jsonschema's `from_schema`, at most FIND_TRIES examples."""
    try:
        import hypothesis
        from hypothesis.errors import HypothesisException, NoSuchExample
        from hypothesis_jsonschema import from_schema
    except ImportError:  # pragma: no cover - both are dependencies
        return _MISSING
    try:
        inlined = _inline(spec, schema, 0)
    except (KeyError, RecursionError):
        return _MISSING
    settings = _settings(shrink=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return hypothesis.find(from_schema(inlined), validator.is_valid, settings=settings)
    except (NoSuchExample, HypothesisException, Exception):
        return _MISSING


def _inline(spec: Spec, node: Any, depth: int) -> Any:
    """The schema with every local `$ref` replaced by its target (hypothesis-jsonschema
    resolves references only inside the schema it is given)."""
    if depth > _MAX_DEPTH:
        raise RecursionError("reference chain too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline(spec, spec.deref(node), depth + 1)
            rest = {k: _inline(spec, v, depth + 1) for k, v in node.items() if k != "$ref"}
            return {"allOf": [target, rest]} if rest else target
        return {
            k: (
                v
                if k in ("example", "examples", "const", "enum", "default")
                else _inline(spec, v, depth + 1)
            )
            for k, v in node.items()
            if not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_inline(spec, v, depth + 1) for v in node]
    return node
