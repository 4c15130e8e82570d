"""An operation's parameters: where each is, its Python name and type, and how the client
serializes it (OpenAPI 3.1 `style` and `explode`, with the spec's defaults)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.document import RawOperation, deref, merged_parameters, parameter_pointer
from generator.errors import UnsupportedConstruct
from generator.naming import ARGUMENT_RESERVED, snake_case, unique
from generator.operation_schemas import is_model
from generator.schemas import SCHEMAS, Schema, ref_name
from twosms_contract.spec import pointer_escape, pointer_unescape

SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# Where each parameter may be, its default style, and the styles OpenAPI 3.1 allows there.
STYLES = {
    "path": ("simple", ("simple", "label", "matrix")),
    "query": ("form", ("form", "spaceDelimited", "pipeDelimited", "deepObject")),
    "header": ("simple", ("simple",)),
    "cookie": ("form", ("form",)),
}
# Header parameters that OpenAPI says to ignore (the client sets these itself).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


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
        if is_model(target):
            assert target is not None
            for prop, sub in target.get("properties", {}).items():
                if _scalar_annotation(_deref_schema(sub, schemas)) is None:
                    raise UnsupportedConstruct(
                        f"{SCHEMAS}{pointer_escape(name)}/properties/{pointer_escape(prop)}",
                        "an object parameter's properties must be scalars",
                        sub,
                    )
            return "object", name
        schema = deref(document, schema)
    if not isinstance(schema, dict):
        raise UnsupportedConstruct(pointer, "a parameter needs a schema", schema)
    scalar = _scalar_annotation(schema)
    if scalar is not None:
        return "scalar", scalar
    kinds = [k for k in _type_list(schema) if k != "null"]
    if kinds == ["array"]:
        items = _deref_schema(schema.get("items", {}), schemas)
        if isinstance(schema.get("items"), dict) and "$ref" in schema["items"]:
            items = items if items else deref(document, schema["items"])
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


def parameters_of(
    document: dict[str, Any], op: RawOperation, schemas: dict[str, Schema]
) -> tuple[Parameter, ...]:
    """The parameters of `op` with their Python names (made unique, none reserved)."""
    out = []
    for (location, name), param in merged_parameters(document, op).items():
        pointer = parameter_pointer(document, op, param)
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
