"""Serving an operation from the spec alone, as Stoplight Prism does.

For an operation with no business rules of ours (every operation but the send and
`POST /Token`), `Behaviour.serve_operation` checks the request against the operation and
answers what the spec documents. This module holds the pieces that read the spec:

- `parameter_violations`: each path, query, header and cookie parameter read from the
  request (strings turned into the schema's type: integers, numbers, booleans, arrays as
  their `style` writes them), then validated with the spec's validator; each violation
  names the parameter's `in` and name and the value: `query.limit: "x" is not of type
  integer`.
- `body_violations`: a JSON (or form) body validated against its media type's schema,
  named by JSON path (`$.Name: ...`), as the send endpoint names them.
- `planned_response`: the answer, worked out once per operation and spec: the lowest
  documented 2xx response (else `2XX`, else `default`, as 200; an operation documenting
  none answers 204 without content), each of its media types with its first example
  (`example` or the first of `examples`) if that is valid against the schema, else an
  instance made from the schema (`mockserver.instances`), and its declared headers with
  their examples or schema-made values.
- `negotiate`: the media type among the response's that `Accept` prefers (q-values and
  wildcards; the first declared when `Accept` is absent or accepts none of them).

When no valid instance of a response schema can be made (an unsatisfiable schema), the
mock still answers the documented status, never a 5xx: without a body, and with a
`Warning: 199` header naming the schema's pointer, so that the spec's problem shows.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mockserver.http import HttpRequest, accept_ranges, encode_json
from mockserver.instances import instance_for
from mockserver.routes import MediaType, Operation, Parameter, deref_with_pointer
from mockserver.validation import _keyword_text, describe, show
from twosms_contract.spec import Spec, pointer_escape

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
# Header parameters that OpenAPI says are ignored (the HTTP machinery owns them).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_NO_CONTENT_STATUS = 204


def is_json(media_type: str) -> bool:
    """application/json, text/json, and any `+json` type."""
    kind = media_type.split(";", 1)[0].strip().lower()
    subtype = kind.partition("/")[2]
    return subtype == "json" or subtype.endswith("+json")


def media_matches(kind: str, declared: str) -> bool:
    """Whether a request's media type is one a body declares (`*/*`, `type/*` too)."""
    declared = declared.split(";", 1)[0].strip().lower()
    if declared in ("*/*", kind):
        return True
    if declared.endswith("/*"):
        return kind.startswith(declared[:-1])
    return False


# -- parameters ------------------------------------------------------------------------------


def _kinds(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return []


def coerce(text: str, schema: Mapping[str, Any]) -> Any:
    """A parameter's string as the value of the schema's type (the string itself when it
    is not one, so that the validator names it)."""
    kinds = _kinds(schema)
    for kind in sorted(kinds, key=lambda k: k == "string"):
        if kind == "integer" and _INTEGER.fullmatch(text):
            return int(text)
        if kind == "number":
            if _INTEGER.fullmatch(text):
                return int(text)
            try:
                value = float(text)
            except ValueError:
                continue
            if math.isfinite(value) and text.strip() == text:
                return value
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        if kind == "null" and text in ("", "null"):
            return None
        if kind == "string":
            return text
    return text


def _array_value(spec: Spec, param: Parameter, values: Sequence[str]) -> Any:
    items = spec.deref(param.schema.get("items", {}))
    items = items if isinstance(items, dict) else {}
    if param.location == "query" and param.explode and param.style == "form":
        parts: list[str] = list(values)
    else:
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(param.style, ",")
        parts = values[0].split(separator) if values and values[0] != "" else []
    return [coerce(part, items) for part in parts]


def read_parameters(
    request: HttpRequest, operation: Operation, path_params: Mapping[str, str]
) -> dict[tuple[str, str], list[str]]:
    """Every parameter the request carries, by (in, name): its raw string values."""
    found: dict[tuple[str, str], list[str]] = {}
    for name, value in path_params.items():
        found[("path", name)] = [value]
    query = request.query_string.decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        found.setdefault(("query", name), []).append(value)
    for name, values in request.headers.items():
        found[("header", name)] = values
    for cookie in request.headers.get("cookie", []):
        for pair in cookie.split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep:
                found.setdefault(("cookie", name), []).append(value)
    return found


def parameter_violations(
    spec: Spec,
    operation: Operation,
    request: HttpRequest,
    path_params: Mapping[str, str],
) -> list[str]:
    """What is wrong with the request's parameters, each naming `in.name` and the value."""
    raw = read_parameters(request, operation, path_params)
    out: list[str] = []
    for param in operation.parameters:
        if param.location == "header" and param.name.lower() in _IGNORED_HEADERS:
            continue
        key = (param.location, param.name.lower() if param.location == "header" else param.name)
        where = f"{param.location}.{param.name}"
        values = raw.get(key)
        if values is None:
            if param.required:
                out.append(f"{where}: is required but missing")
            continue
        if "array" in _kinds(param.schema):
            value: Any = _array_value(spec, param, values)
        else:
            value = coerce(values[0], param.schema)
        if param.pointer is None:
            continue
        for error in spec.validator(param.pointer).iter_errors(value):
            sub = "".join(f"[{part}]" for part in error.absolute_path)
            out.append(f"{where}{sub}: {_parameter_text(error)}")
    return out


def _parameter_text(error: Any) -> str:
    if error.validator == "type":
        expected = error.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
        return f"{show(error.instance)} is not of type {wanted}"
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return _keyword_text(str(error.validator), error.instance, error.validator_value, schema)


# -- the body --------------------------------------------------------------------------------


def declared_media(operation: Operation, kind: str) -> MediaType | None:
    """The body media type of the operation a request's Content-Type names, or None."""
    for media in operation.body:
        if media_matches(kind, media.name):
            return media
    return None


def form_value(spec: Spec, media: MediaType, body: bytes) -> dict[str, Any]:
    """A form body as an object, each field turned into its property's type."""
    schema = spec.deref({"$ref": media.pointer}) if media.pointer else {}
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    out: dict[str, Any] = {}
    for name, values in fields.items():
        sub = spec.deref(properties.get(name, {}))
        sub = sub if isinstance(sub, dict) else {}
        if "array" in _kinds(sub):
            items = spec.deref(sub.get("items", {}))
            out[name] = [coerce(v, items if isinstance(items, dict) else {}) for v in values]
        else:
            out[name] = coerce(values[-1], sub)
    return out


def body_violations(spec: Spec, media: MediaType, instance: Any) -> list[str]:
    """The body's schema violations, each as `$.path: what is wrong`."""
    if media.pointer is None:
        return []
    return [describe(e).render() for e in spec.validator(media.pointer).iter_errors(instance)]


# -- the answer ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One media type of the planned response and its body (None: none could be made)."""

    media_type: str
    body: bytes | None
    payload: Any


@dataclass(frozen=True, slots=True)
class PlannedResponse:
    """What the mock answers to a valid request of an operation (see the module doc)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    candidates: tuple[Candidate, ...]  # empty: a response without content
    warnings: tuple[str, ...]


_PLANS: dict[tuple[str, str], PlannedResponse] = {}


def planned_response(spec: Spec, operation: Operation) -> PlannedResponse:
    """The operation's success answer, worked out once per spec text and operation."""
    key = (spec.sha256, operation.pointer)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(spec, operation)
    return plan


def success_status(responses: Mapping[str, Any]) -> tuple[int, str | None]:
    """The status the mock answers with, and the key of its response object."""
    codes = sorted(int(code) for code in map(str, responses) if code.isdigit())
    success = [code for code in codes if 200 <= code < 300]
    if success:
        return success[0], str(success[0])
    for key in responses:
        if str(key).upper() == "2XX":
            return 200, str(key)
    if "default" in responses:
        return 200, "default"
    return _NO_CONTENT_STATUS, None


def _plan(spec: Spec, operation: Operation) -> PlannedResponse:
    responses = operation.node.get("responses") or {}
    status, key = success_status(responses)
    if key is None:
        return PlannedResponse(status, (), (), ())
    node, pointer = deref_with_pointer(
        spec, responses[key], f"{operation.pointer}/responses/{pointer_escape(key)}"
    )
    node = node if isinstance(node, dict) else {}
    warnings: list[str] = []
    candidates: list[Candidate] = []
    for name, media in (node.get("content") or {}).items():
        media_pointer = f"{pointer}/content/{pointer_escape(str(name))}"
        candidate = _candidate(
            spec, str(name), media if isinstance(media, dict) else {}, media_pointer
        )
        if candidate.body is None:
            warnings.append(f"no valid instance of {media_pointer}/schema could be made")
        candidates.append(candidate)
    headers: list[tuple[str, str]] = []
    for name, header in (node.get("headers") or {}).items():
        if str(name).lower() in ("content-type", "content-length"):
            continue
        header_node, header_pointer = deref_with_pointer(
            spec, header, f"{pointer}/headers/{pointer_escape(str(name))}"
        )
        value = _header_value(spec, header_node, header_pointer)
        if value is None:
            warnings.append(f"no value of {header_pointer} could be made")
            continue
        headers.append((str(name), value))
    return PlannedResponse(status, tuple(headers), tuple(candidates), tuple(warnings))


def first_example(spec: Spec, node: Mapping[str, Any]) -> tuple[bool, Any]:
    """(True, value) of a media type's or parameter's `example`, else its first
    `examples` entry with a value; (False, None) without one."""
    if "example" in node:
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            example = spec.deref(example)
            if isinstance(example, dict) and "value" in example:
                return True, example["value"]
    return False, None


def _candidate(spec: Spec, name: str, media: Mapping[str, Any], pointer: str) -> Candidate:
    has_example, example = first_example(spec, media)
    schema_pointer = f"{pointer}/schema" if "schema" in media else None
    if has_example and (schema_pointer is None or spec.validator(schema_pointer).is_valid(example)):
        value: Any = example
    elif schema_pointer is not None:
        ok, value = instance_for(spec, schema_pointer)
        if not ok:
            return Candidate(name, None, None)
    else:
        value = {} if is_json(name) else ""
    if is_json(name) or not isinstance(value, str):
        return Candidate(name, encode_json(value) if _plain(value) else _dumps(value), value)
    return Candidate(name, value.encode("utf-8"), value)


def _plain(value: Any) -> bool:
    try:
        encode_json(value)
    except (TypeError, ValueError):
        return False
    return True


def _dumps(value: Any) -> bytes:
    return json.dumps(value, default=str).encode("utf-8")


def _header_value(spec: Spec, node: Any, pointer: str) -> str | None:
    if not isinstance(node, dict):
        return None
    has_example, value = first_example(spec, node)
    if not has_example:
        if "schema" not in node:
            return ""
        ok, value = instance_for(spec, f"{pointer}/schema")
        if not ok:
            return None
    return header_text(value)


def header_text(value: Any) -> str:
    """A value as a header writes it (the `simple` style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    if value is None:
        return ""
    return str(value)


def negotiate(accept: str | None, offered: Sequence[str]) -> int:
    """The index of the offered media type `Accept` prefers (see the module docstring)."""
    if not offered:
        return 0
    if not accept:
        return 0
    ranges = accept_ranges(accept)
    best, best_q = 0, 0.0
    for index, media in enumerate(offered):
        kind = media.split(";", 1)[0].strip().lower()
        quality, precision = 0.0, -1
        for pattern, q in ranges:
            if pattern == kind:
                rank = 2
            elif pattern.endswith("/*") and kind.startswith(pattern[:-1]):
                rank = 1
            elif pattern == "*/*":
                rank = 0
            else:
                continue
            if rank > precision:
                quality, precision = q, rank
        if quality > best_q:
            best, best_q = index, quality
    return best
