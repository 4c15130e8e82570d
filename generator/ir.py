"""Stage 2: the intermediate representation. Every name, order and rule the later stages
use is decided here, as frozen dataclasses; `models` and `render` only spell them out."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.load import Source
from generator.naming import method_name, pascal_case, snake_case
from generator.schemas import SCHEMAS, Normalizer, Schema, ref_name
from twosms_contract.spec import pointer_escape, resolve_pointer

JSON_TYPES = re.compile(r"^(application|text)/([\w.+-]*\+)?json(;.*)?$")
FORM = "application/x-www-form-urlencoded"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CODE_NAMES = re.compile(r"^(error_?code|code|error)$", re.IGNORECASE)
REASON_NAMES = re.compile(
    r"^(error_?reason|reason|error_?message|message|error_description|detail)$", re.IGNORECASE
)
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


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


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path or query parameter of an operation."""

    wire: str
    python: str
    location: str
    required: bool
    annotation: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """A documented response: its status and model (None: no JSON body)."""

    status: int
    model: str | None


@dataclass(frozen=True, slots=True)
class Operation:
    """One client method."""

    operation_id: str
    method: str
    http_method: str
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    body_model: str | None
    body_kind: str | None
    body_required: bool
    success: Outcome | None
    errors: tuple[Outcome, ...]
    authenticated: bool


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


@dataclass(frozen=True, slots=True)
class Project:
    """Everything the generated package is made from."""

    package: str
    spec_label: str
    spec_sha256: str
    title: str
    default_base_url: str
    schemas_json: str
    model_names: tuple[str, ...]
    fields: tuple[FieldName, ...]
    format_checks: tuple[FormatCheck, ...]
    rules: tuple[Rule, ...]
    operations: tuple[Operation, ...]
    token_path: str | None
    error_classes: tuple[ErrorClass, ...]
    error_shapes: tuple[ErrorShape, ...]

    @property
    def schemas(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.schemas_json)
        return value


def build(source: Source, *, package: str) -> Project:
    """The IR of a loaded document (which is left as it was)."""
    document = copy.deepcopy(source.document)
    raw = dict(document.get("components", {}).get("schemas", {}) or {})
    operations_raw = _collect_operations(document)
    for op in operations_raw:
        _hoist_operation_schemas(document, op, raw)
    normalizer = Normalizer(raw)
    schemas = normalizer.run()
    rules = tuple(
        _extract_rules(name, schemas) for name in sorted(schemas) if "if" in schemas[name]
    )
    stray = [name for name in sorted(schemas) if "then" in schemas[name]]
    if stray:
        pointer = f"{SCHEMAS}{pointer_escape(stray[0])}/then"
        raise UnsupportedConstruct(pointer, "a `then` without `if`", schemas[stray[0]]["then"])
    fields = _field_names(schemas)
    checks = _format_checks(normalizer, schemas, fields)
    operations = tuple(_operation(document, op) for op in operations_raw)
    names = {op.method for op in operations}
    if len(names) != len(operations):
        raise UnsupportedConstruct(
            "#/paths", "two operations give the same method name", sorted(names)
        )
    error_models = sorted({o.model for op in operations for o in op.errors if o.model})
    statuses = {o.status for op in operations for o in op.errors} | {401, 429, 500, 503}
    return Project(
        package=package,
        spec_label=source.label,
        spec_sha256=source.sha256,
        title=str(document.get("info", {}).get("title", "API")),
        default_base_url=_default_base_url(document),
        schemas_json=json.dumps(schemas, ensure_ascii=False),
        model_names=tuple(sorted(schemas)),
        fields=fields,
        format_checks=checks,
        rules=rules,
        operations=tuple(sorted(operations, key=lambda op: op.method)),
        token_path=_token_path(document),
        error_classes=tuple(_error_class(status) for status in sorted(statuses)),
        error_shapes=_error_shapes(normalizer, schemas, error_models),
    )


# -- operations ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RawOperation:
    path: str
    method: str
    node: dict[str, Any]
    pointer: str

    @property
    def operation_id(self) -> str:
        value = self.node.get("operationId")
        if not isinstance(value, str) or not value:
            raise UnsupportedConstruct(self.pointer, "an operation needs an operationId", value)
        return value


def _collect_operations(document: dict[str, Any]) -> list[_RawOperation]:
    out = []
    for path in sorted(document.get("paths", {}) or {}):
        item = document["paths"][path]
        for method in METHODS:
            if isinstance(item.get(method), dict):
                pointer = f"#/paths/{pointer_escape(path)}/{method}"
                out.append(_RawOperation(path, method, item[method], pointer))
    return out


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(document, node["$ref"])
    return node


def _media(content: dict[str, Any], pointer: str) -> tuple[str, dict[str, Any]] | None:
    for media in sorted(content, key=lambda m: (m != "application/json", m)):
        if JSON_TYPES.match(media):
            return "json", content[media]
    if FORM in content:
        return "form", content[FORM]
    if content:
        raise UnsupportedConstruct(
            pointer, "only JSON and form bodies are supported", sorted(content)
        )
    return None


def _hoist_operation_schemas(
    document: dict[str, Any], op: _RawOperation, schemas: dict[str, Any]
) -> None:
    """Inline request/response schemas become components named after the operation."""
    base = pascal_case(op.operation_id)
    body = _deref(document, op.node.get("requestBody"))
    targets: list[tuple[dict[str, Any], str]] = []
    if isinstance(body, dict):
        found = _media(body.get("content", {}), f"{op.pointer}/requestBody/content")
        if found:
            targets.append((found[1], f"{base}Request"))
    for status, response in sorted((op.node.get("responses") or {}).items()):
        response = _deref(document, response)
        if isinstance(response, dict):
            found = _media(response.get("content", {}), f"{op.pointer}/responses/{status}/content")
            if found:
                targets.append((found[1], f"{base}Response{status}"))
    for media, name in targets:
        schema = media.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema and schema:
            key = name
            while key in schemas:
                key += "_"
            schemas[key] = schema
            media["schema"] = {"$ref": f"{SCHEMAS}{pointer_escape(key)}"}


def _model_of(media: dict[str, Any] | None, pointer: str) -> str | None:
    if not media or not isinstance(media.get("schema"), dict):
        return None
    schema = media["schema"]
    if "$ref" not in schema:
        return None
    return ref_name(schema["$ref"], f"{pointer}/schema/$ref")


def _operation(document: dict[str, Any], op: _RawOperation) -> Operation:
    body = _deref(document, op.node.get("requestBody"))
    body_model = body_kind = None
    if isinstance(body, dict):
        found = _media(body.get("content", {}), f"{op.pointer}/requestBody/content")
        if found:
            body_kind = found[0]
            body_model = _model_of(found[1], f"{op.pointer}/requestBody")
    success: Outcome | None = None
    errors = []
    for status in sorted((op.node.get("responses") or {}), key=str):
        response = _deref(document, op.node["responses"][status])
        if not str(status).isdigit():
            continue
        found = _media((response or {}).get("content", {}), f"{op.pointer}/responses/{status}")
        model = _model_of(found[1], f"{op.pointer}/responses/{status}") if found else None
        if 200 <= int(status) < 300:
            if success is None:
                success = Outcome(int(status), model)
        else:
            errors.append(Outcome(int(status), model))
    security = op.node.get("security", document.get("security", []))
    return Operation(
        operation_id=op.operation_id,
        method=method_name(op.operation_id),
        http_method=op.method.upper(),
        path=op.path,
        summary=str(op.node.get("summary", "")).strip(),
        parameters=_parameters(document, op),
        body_model=body_model,
        body_kind=body_kind,
        body_required=bool(isinstance(body, dict) and body.get("required")),
        success=success,
        errors=tuple(errors),
        authenticated=any(bool(requirement) for requirement in security),
    )


def _parameters(document: dict[str, Any], op: _RawOperation) -> tuple[Parameter, ...]:
    item = document["paths"][op.path]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*item.get("parameters", []), *op.node.get("parameters", [])]:
        param = _deref(document, raw)
        merged[(param.get("in"), param.get("name"))] = param
    out = []
    for (location, name), param in sorted(
        merged.items(), key=lambda kv: (kv[0][0] != "path", kv[0])
    ):
        pointer = f"{op.pointer}/parameters"
        if location not in ("path", "query"):
            raise UnsupportedConstruct(pointer, f"{location} parameters are not supported", name)
        schema = _deref(document, param.get("schema", {}))
        kind = schema.get("type", "string")
        if kind not in SCALARS:
            raise UnsupportedConstruct(pointer, "only scalar parameters are supported", param)
        out.append(
            Parameter(
                wire=name,
                python=snake_case(name),
                location=location,
                required=bool(param.get("required")) or location == "path",
                annotation=SCALARS[kind],
            )
        )
    return tuple(sorted(out, key=lambda p: (not p.required, p.python)))


def _default_base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    return url.rstrip("/") if isinstance(url, str) and "{" not in url else "http://localhost"


def _token_path(document: dict[str, Any]) -> str | None:
    schemes = document.get("components", {}).get("securitySchemes", {}) or {}
    for name in sorted(schemes):
        flows = _deref(document, schemes[name]).get("flows", {})
        url = flows.get("clientCredentials", {}).get("tokenUrl")
        if isinstance(url, str):
            return url
    return None


# -- fields, formats, rules -----------------------------------------------------------------


def _field_names(schemas: dict[str, Schema]) -> tuple[FieldName, ...]:
    out = []
    for model in sorted(schemas):
        taken: set[str] = set()
        for wire in schemas[model].get("properties", {}):
            python = snake_case(wire)
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
        out.append(str(schema.get("format", "")))
    for union in ("oneOf", "anyOf"):
        for branch in schema.get(union, []):
            out += _string_leaves(normalizer, branch, pointer, depth + 1)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            out += _string_leaves(normalizer, schema[key], pointer, depth + 1)
    return out


def _format_checks(
    normalizer: Normalizer, schemas: dict[str, Schema], fields: tuple[FieldName, ...]
) -> tuple[FormatCheck, ...]:
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


def _extract_rules(name: str, schemas: dict[str, Schema]) -> Rule:
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


def _error_class(status: int) -> ErrorClass:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Status {status}"
    name = pascal_case(phrase)
    name = name if name.endswith("Error") else f"{name}Error"
    return ErrorClass(status, name, "ServerError" if status >= 500 else "ApiError", phrase)


def _error_shapes(
    normalizer: Normalizer, schemas: dict[str, Schema], models: list[str]
) -> tuple[ErrorShape, ...]:
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
