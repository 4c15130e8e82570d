"""Stage 2: the intermediate representation. Every name, order and rule the later stages
use is decided here, as frozen dataclasses; `models` and `render` only spell them out."""

from __future__ import annotations

import copy
import json
import keyword
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.load import Source
from generator.naming import (
    ARGUMENT_RESERVED,
    operation_method_name,
    pascal_case,
    snake_case,
    unique,
)
from generator.normalize import Normalizer
from generator.schemas import SCHEMAS, Schema, discriminated, ref_name
from twosms_contract.spec import pointer_escape, pointer_unescape, resolve_pointer

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
    """A parameter of an operation and how the client serializes it (OpenAPI 3.1 `style`
    and `explode`, decided here with the spec's defaults)."""

    wire: str
    python: str
    location: str
    required: bool
    annotation: str
    style: str
    explode: bool
    allow_reserved: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """A documented response: its status key (`200`, `2XX`, `default`), what its body is
    (`json` with a model, `any` JSON without a schema, `text`, `bytes`, or `empty`) and the
    model of a JSON body."""

    status: str
    kind: str
    model: str | None


@dataclass(frozen=True, slots=True)
class Body:
    """The request body: `json` (a model), `any` (JSON without a schema), `form`
    (urlencoded), `multipart`, or raw `text` or `bytes`; and the Python type it takes."""

    kind: str
    media_type: str
    annotation: str
    required: bool

    @property
    def model(self) -> str | None:
        return self.annotation if self.kind in ("json", "form", "multipart") else None


@dataclass(frozen=True, slots=True)
class Operation:
    """One client method."""

    operation_id: str
    method: str
    http_method: str
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    successes: tuple[Outcome, ...]
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
    unique = _unique_items(schemas)
    fields = _field_names(schemas)
    python = {(f.model, f.wire): f.python for f in fields}
    checks = tuple(
        sorted(
            (
                *_format_checks(normalizer, schemas, fields),
                *(
                    FormatCheck(model, "unique-items", tuple(python[(model, w)] for w in wires))
                    for model, wires in unique
                ),
            ),
            key=lambda c: (c.model, c.format),
        )
    )
    operations = tuple(_operation(document, op, schemas) for op in operations_raw)
    error_models = sorted({o.model for op in operations for o in op.errors if o.model})
    statuses = {int(o.status) for op in operations for o in op.errors if o.status.isdigit()}
    statuses |= {401, 429, 500, 503}
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

# Where each parameter may be, its default style, and the styles OpenAPI 3.1 allows there.
STYLES = {
    "path": ("simple", ("simple", "label", "matrix")),
    "query": ("form", ("form", "spaceDelimited", "pipeDelimited", "deepObject")),
    "header": ("simple", ("simple",)),
    "cookie": ("form", ("form",)),
}
# Header parameters that OpenAPI says to ignore (the client sets these itself).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
MULTIPART = "multipart/form-data"
# Request media types by preference: the first one an operation offers is the one used.
BODY_KINDS = (("json", None), ("form", FORM), ("multipart", MULTIPART))


@dataclass(frozen=True, slots=True)
class _RawOperation:
    path: str
    method: str
    node: dict[str, Any]
    pointer: str
    name: str

    @property
    def operation_id(self) -> str:
        value = self.node.get("operationId")
        return value if isinstance(value, str) and value else self.name

    @property
    def base(self) -> str:
        """The prefix of the schemas named after this operation."""
        return pascal_case(self.name)


def _collect_operations(document: dict[str, Any]) -> list[_RawOperation]:
    """Every operation, in path and method order, with its method name decided: the
    sanitised `operationId`, or one from the method and path; a name already taken by an
    earlier operation gets `_2`, `_3`, ..."""
    found = []
    for path in sorted(document.get("paths", {}) or {}):
        item = document["paths"][path]
        for method in METHODS:
            if isinstance(item.get(method), dict):
                pointer = f"#/paths/{pointer_escape(path)}/{method}"
                operation_id = item[method].get("operationId")
                if operation_id is not None and not isinstance(operation_id, str):
                    raise UnsupportedConstruct(
                        f"{pointer}/operationId", "an operationId must be a string", operation_id
                    )
                name = operation_method_name(operation_id, method, path)
                found.append((path, method, item[method], pointer, name))
    names = unique([entry[4] for entry in found])
    return [
        _RawOperation(path, method, node, pointer, name)
        for (path, method, node, pointer, _), name in zip(found, names, strict=True)
    ]


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(document, node["$ref"])
    return node


def _request_media(content: dict[str, Any], pointer: str) -> tuple[str, str, dict[str, Any]] | None:
    """The request body's (kind, media type, media object): JSON, then form, then multipart,
    else the first other type as raw `text` (text/*) or `bytes`."""
    for kind, wanted in BODY_KINDS:
        for media in sorted(content, key=lambda m: (m != "application/json", m)):
            if (wanted is None and JSON_TYPES.match(media)) or media == wanted:
                node = content[media] if isinstance(content[media], dict) else {}
                if kind != "json" and "encoding" in node:
                    raise UnsupportedConstruct(
                        f"{pointer}/{pointer_escape(media)}/encoding",
                        "`encoding` of body properties is not supported",
                        node["encoding"],
                    )
                return kind, media, node
    for media in sorted(content):
        if "*" in media:
            raise UnsupportedConstruct(
                f"{pointer}/{pointer_escape(media)}",
                "a request body needs a concrete media type",
                media,
            )
        node = content[media] if isinstance(content[media], dict) else {}
        return ("text" if media.startswith("text/") else "bytes"), media, node
    return None


def _response_media(content: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """A response's (kind, media object): `json` first, else `text` for text/*, else raw
    `bytes`; `empty` without content."""
    for media in sorted(content, key=lambda m: (m != "application/json", m)):
        if JSON_TYPES.match(media):
            return "json", content[media]
    if not content:
        return "empty", None
    if any(media.startswith("text/") for media in content):
        return "text", None
    return "bytes", None


def _response_key(status: Any, pointer: str) -> str:
    key = str(status)
    key = key.upper() if re.fullmatch(r"[1-5][xX]{2}", key) else key
    if key == "default" or re.fullmatch(r"[1-5]([0-9]{2}|XX)", key):
        return key
    raise UnsupportedConstruct(
        pointer, "a response key is a status, a range like 2XX, or default", key
    )


def _raw_is_object(schemas: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether a schema becomes a model class of its own (an object, not a union, enum or
    nullable object): such a schema is used by name; any other is wrapped in a root model."""
    if not isinstance(schema, dict) or depth > 20:
        return False
    if "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith(SCHEMAS):
            return False
        return _raw_is_object(
            schemas, schemas.get(pointer_unescape(ref[len(SCHEMAS) :])), depth + 1
        )
    if {"oneOf", "anyOf", "enum", "const"} & set(schema) or schema.get("nullable") is True:
        return False
    kinds = schema.get("type")
    if "properties" in schema:
        return True
    if kinds == "object" or kinds == ["object"]:
        return "additionalProperties" not in schema  # a map becomes a root model
    if kinds is None and "allOf" in schema:
        return any(_raw_is_object(schemas, part, depth + 1) for part in schema["allOf"])
    return False


def _hoist(media: dict[str, Any], name: str, schemas: dict[str, Any]) -> None:
    """A body's or response's schema becomes a component: inline ones are named after the
    operation; a reference to a schema that is no model of its own gets a root model."""
    schema = media.get("schema")
    if not isinstance(schema, dict) or not schema:
        return  # no schema: any JSON value, parsed as it is
    if "$ref" in schema and _raw_is_object(schemas, schema):
        return
    key = name
    while key in schemas:
        key += "_"
    schemas[key] = schema
    media["schema"] = {"$ref": f"{SCHEMAS}{pointer_escape(key)}"}


def _hoist_operation_schemas(
    document: dict[str, Any], op: _RawOperation, schemas: dict[str, Any]
) -> None:
    """Inline request/response/parameter schemas become components named after the
    operation (`ListPetsResponse200`, `ListPetsRequest`, `ListPetsFilterParameter`)."""
    base = op.base
    body = _deref(document, op.node.get("requestBody"))
    if isinstance(body, dict):
        found = _request_media(body.get("content", {}) or {}, f"{op.pointer}/requestBody/content")
        if found and found[0] in ("json", "form", "multipart"):
            _hoist(found[2], f"{base}Request", schemas)
    for status, response in sorted((op.node.get("responses") or {}).items(), key=str):
        response = _deref(document, response)
        pointer = f"{op.pointer}/responses/{pointer_escape(str(status))}"
        key = _response_key(status, pointer)
        if isinstance(response, dict):
            kind, media = _response_media(response.get("content", {}) or {})
            if kind == "json" and media is not None:
                _hoist(media, f"{base}Response{key[:1].upper()}{key[1:]}", schemas)
    for param in _merged_parameters(document, op).values():
        schema = param.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema and _raw_is_object(schemas, schema):
            holder = {"schema": schema}
            _hoist(holder, f"{base}{pascal_case(str(param.get('name')))}Parameter", schemas)
            param["schema"] = holder["schema"]


def _model_of(media: dict[str, Any] | None, pointer: str) -> str | None:
    if not media or not isinstance(media.get("schema"), dict):
        return None
    schema = media["schema"]
    if "$ref" not in schema:
        return None
    return ref_name(schema["$ref"], f"{pointer}/schema/$ref")


def _outcomes(document: dict[str, Any], op: _RawOperation) -> tuple[list[Outcome], list[Outcome]]:
    """The successes (each 2xx; `default` when no 2xx is documented) and the error answers."""
    successes: list[Outcome] = []
    errors: list[Outcome] = []
    responses = op.node.get("responses") or {}
    for status in sorted(responses, key=str):
        pointer = f"{op.pointer}/responses/{pointer_escape(str(status))}"
        key = _response_key(status, pointer)
        response = _deref(document, responses[status])
        kind, media = _response_media((response or {}).get("content", {}) or {})
        model = _model_of(media, pointer) if kind == "json" else None
        if kind == "json" and model is None:
            kind = "any"
        outcome = Outcome(key, kind, model)
        (successes if key.startswith("2") else errors).append(outcome)
    default = next((o for o in errors if o.status == "default"), None)
    if not successes and default is not None:
        successes.append(default)
    return successes, errors


def _operation(
    document: dict[str, Any], op: _RawOperation, schemas: dict[str, Schema]
) -> Operation:
    body_node = _deref(document, op.node.get("requestBody"))
    body: Body | None = None
    if isinstance(body_node, dict):
        pointer = f"{op.pointer}/requestBody"
        found = _request_media(body_node.get("content", {}) or {}, f"{pointer}/content")
        if found:
            kind, media_type, media = found
            where = f"{pointer}/content/{pointer_escape(media_type)}"
            model = _model_of(media, where) if kind in ("json", "form", "multipart") else None
            if kind in ("form", "multipart") and not (model and _is_model(schemas.get(model))):
                raise UnsupportedConstruct(
                    f"{where}/schema", f"a {kind} body must be an object", media.get("schema")
                )
            annotation = model or {"json": "Any", "text": "str", "bytes": "bytes"}[kind]
            required = bool(body_node.get("required"))
            body = Body(
                kind if model or kind != "json" else "any", media_type, annotation, required
            )
    successes, errors = _outcomes(document, op)
    security = op.node.get("security", document.get("security", [])) or []
    fetchable = _token_schemes(document)
    return Operation(
        operation_id=op.operation_id,
        method=op.name,
        http_method=op.method.upper(),
        path=op.path,
        summary=str(op.node.get("summary", "")).strip(),
        parameters=_parameters(document, op, schemas),
        body=body,
        successes=tuple(successes),
        errors=tuple(errors),
        # Only a requirement the client can meet itself (a client-credentials token) makes
        # it send one; with another scheme, pass your own `http_client` with its headers.
        authenticated=bool(security)
        and all(any(name in fetchable for name in requirement) for requirement in security),
    )


def _is_model(schema: Schema | None) -> bool:
    return isinstance(schema, dict) and _raw_is_object({}, schema)


def _merged_parameters(
    document: dict[str, Any], op: _RawOperation
) -> dict[tuple[str, str], dict[str, Any]]:
    """The path item's and the operation's parameters, by (in, name); the operation's win."""
    item = document["paths"][op.path]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raws in (item.get("parameters", []), op.node.get("parameters", [])):
        for raw in raws or []:
            param = _deref(document, raw)
            if isinstance(param, dict):
                merged[(str(param.get("in")), str(param.get("name")))] = param
    return merged


def _parameter_pointer(document: dict[str, Any], op: _RawOperation, wanted: dict[str, Any]) -> str:
    """The pointer of a merged parameter: in the operation, else in its path item."""
    for base, raws in (
        (f"{op.pointer}/parameters", op.node.get("parameters", [])),
        (
            f"#/paths/{pointer_escape(op.path)}/parameters",
            document["paths"][op.path].get("parameters", []),
        ),
    ):
        for index, raw in enumerate(raws or []):
            if _deref(document, raw) is wanted:
                return f"{base}/{index}"
    return f"{op.pointer}/parameters"


def _type_list(schema: Schema) -> list[str]:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    if schema.get("nullable") is True:
        kinds.append("null")
    return kinds


def _scalar_annotation(schema: Any) -> str | None:
    """The Python type of a scalar parameter value, or None when it is not a scalar."""
    if not isinstance(schema, dict):
        return None
    values = schema.get("enum", [schema["const"]] if "const" in schema else None)
    if isinstance(values, list):
        members = [v for v in values if v is not None]
        if members and all(
            isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in members
        ):
            return "Literal[" + ", ".join(repr(v) for v in members) + "]"
    kinds = [k for k in _type_list(schema) if k != "null"]
    if not kinds:
        structural = {"properties", "items", "additionalProperties", "oneOf", "anyOf", "allOf"}
        return None if structural & set(schema) else "str"
    if all(k in SCALARS for k in kinds):
        return " | ".join(dict.fromkeys(SCALARS[k] for k in kinds))
    return None


def _parameter_type(
    document: dict[str, Any], schema: Any, schemas: dict[str, Schema], pointer: str
) -> tuple[str, str]:
    """(`scalar` | `array` | `object`, the Python annotation) of a parameter's schema."""
    if isinstance(schema, dict) and "$ref" in schema:
        name = ref_name(schema["$ref"], f"{pointer}/$ref")
        target = schemas.get(name)
        if _is_model(target):
            assert target is not None
            for prop, sub in target.get("properties", {}).items():
                if _scalar_annotation(_deref_schema(sub, schemas)) is None:
                    raise UnsupportedConstruct(
                        f"{SCHEMAS}{pointer_escape(name)}/properties/{pointer_escape(prop)}",
                        "an object parameter's properties must be scalars",
                        sub,
                    )
            return "object", name
        schema = _deref(document, schema)
    if not isinstance(schema, dict):
        raise UnsupportedConstruct(pointer, "a parameter needs a schema", schema)
    scalar = _scalar_annotation(schema)
    if scalar is not None:
        return "scalar", scalar
    kinds = [k for k in _type_list(schema) if k != "null"]
    if kinds == ["array"]:
        items = _deref_schema(schema.get("items", {}), schemas)
        if isinstance(schema.get("items"), dict) and "$ref" in schema["items"]:
            items = items if items else _deref(document, schema["items"])
        item = _scalar_annotation(items)
        if item is None:
            raise UnsupportedConstruct(
                f"{pointer}/items",
                "an array parameter's items must be scalars",
                schema.get("items"),
            )
        return "array", f"list[{item}]"
    if (
        kinds in (["object"], [])
        and "additionalProperties" in schema
        and "properties" not in schema
    ):
        extra = schema["additionalProperties"]
        value = (
            "str"
            if extra is True or extra == {}
            else _scalar_annotation(_deref_schema(extra, schemas))
        )
        if value is None:
            raise UnsupportedConstruct(
                f"{pointer}/additionalProperties",
                "an object parameter's values must be scalars",
                extra,
            )
        return "object", f"dict[str, {value}]"
    raise UnsupportedConstruct(
        pointer, "a parameter must be a scalar, an array or an object", schema
    )


def _deref_schema(schema: Any, schemas: dict[str, Schema]) -> Any:
    for _ in range(20):
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            return schema
        ref = schema["$ref"]
        if not ref.startswith(SCHEMAS):
            return schema
        schema = schemas.get(pointer_unescape(ref[len(SCHEMAS) :]))
    return schema


def _parameters(
    document: dict[str, Any], op: _RawOperation, schemas: dict[str, Schema]
) -> tuple[Parameter, ...]:
    out = []
    for (location, name), param in _merged_parameters(document, op).items():
        pointer = _parameter_pointer(document, op, param)
        if location not in STYLES:
            raise UnsupportedConstruct(
                f"{pointer}/in", "a parameter is in path, query, header or cookie", location
            )
        if location == "header" and name.lower() in IGNORED_HEADERS:
            continue  # OpenAPI: such a parameter definition SHALL be ignored
        if "content" in param:
            raise UnsupportedConstruct(
                f"{pointer}/content",
                "parameters with `content` are not supported",
                param["content"],
            )
        default_style, allowed = STYLES[location]
        style = param.get("style", default_style)
        if style not in allowed:
            raise UnsupportedConstruct(
                f"{pointer}/style", f"style {style!r} is not allowed in {location}", style
            )
        explode = param.get("explode", style == "form")
        if not isinstance(explode, bool):
            raise UnsupportedConstruct(f"{pointer}/explode", "explode is true or false", explode)
        kind, annotation = _parameter_type(
            document, param.get("schema"), schemas, f"{pointer}/schema"
        )
        if style in ("spaceDelimited", "pipeDelimited") and (kind == "scalar" or explode):
            raise UnsupportedConstruct(
                pointer,
                f"style {style!r} is defined for arrays and objects with explode: false",
                {"style": style, "explode": explode, "type": kind},
            )
        if style == "deepObject" and kind != "object":
            raise UnsupportedConstruct(
                f"{pointer}/style", "style 'deepObject' is defined for objects only", style
            )
        out.append(
            Parameter(
                wire=name,
                python=snake_case(name),
                location=location,
                required=bool(param.get("required")) or location == "path",
                annotation=annotation,
                style=style,
                explode=explode,
                allow_reserved=location == "query" and param.get("allowReserved") is True,
            )
        )
    declared = {p.wire for p in out if p.location == "path"}
    for placeholder in re.findall(r"{([^{}]+)}", op.path):
        if placeholder not in declared:
            raise UnsupportedConstruct(
                f"{op.pointer}/parameters",
                "the path has a placeholder that no path parameter defines",
                placeholder,
            )
    pythons = [f"{p.python}_" if p.python in ARGUMENT_RESERVED else p.python for p in out]
    return tuple(
        Parameter(
            p.wire,
            python,
            p.location,
            p.required,
            p.annotation,
            p.style,
            p.explode,
            p.allow_reserved,
        )
        for p, python in zip(out, unique(pythons), strict=True)
    )


def _default_base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    return url.rstrip("/") if isinstance(url, str) and "{" not in url else "http://localhost"


def _token_schemes(document: dict[str, Any]) -> set[str]:
    """The security schemes the client meets by fetching a client-credentials token."""
    schemes = document.get("components", {}).get("securitySchemes", {}) or {}
    return {
        name
        for name in schemes
        if isinstance(
            _deref(document, schemes[name]).get("flows", {}).get("clientCredentials"), dict
        )
    }


def _token_path(document: dict[str, Any]) -> str | None:
    schemes = document.get("components", {}).get("securitySchemes", {}) or {}
    for name in sorted(schemes):
        flows = _deref(document, schemes[name]).get("flows", {})
        url = flows.get("clientCredentials", {}).get("tokenUrl")
        if isinstance(url, str):
            return url
    return None


# -- fields, formats, rules -----------------------------------------------------------------


def _unique_items(schemas: dict[str, Schema]) -> list[tuple[str, list[str]]]:
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


def _field_names(schemas: dict[str, Schema]) -> tuple[FieldName, ...]:
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
