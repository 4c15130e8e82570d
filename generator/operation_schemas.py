"""The schemas of operations' bodies, responses and parameters made components, named after
the operation (`ListPetsRequest`, `ListPetsResponse200`, `ListPetsFilterParameter`), before
the components are normalized."""

from __future__ import annotations

from typing import Any

from generator.document import RawOperation, deref, merged_parameters
from generator.media import request_media, response_key, response_media
from generator.naming import pascal_case
from generator.schemas import SCHEMAS, Schema
from twosms_contract.spec import pointer_escape, pointer_unescape


def raw_is_object(schemas: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether a schema becomes a model class of its own (an object, not a union, enum or
    nullable object): such a schema is used by name; any other is wrapped in a root model."""
    if not isinstance(schema, dict) or depth > 20:
        return False
    if "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith(SCHEMAS):
            return False
        return raw_is_object(schemas, schemas.get(pointer_unescape(ref[len(SCHEMAS) :])), depth + 1)
    if {"oneOf", "anyOf", "enum", "const"} & set(schema) or schema.get("nullable") is True:
        return False
    kinds = schema.get("type")
    if "properties" in schema:
        return True
    if kinds == "object" or kinds == ["object"]:
        return "additionalProperties" not in schema  # a map becomes a root model
    if kinds is None and "allOf" in schema:
        return any(raw_is_object(schemas, part, depth + 1) for part in schema["allOf"])
    return False


def is_model(schema: Schema | None) -> bool:
    """Whether a (normalized) schema is a model class of its own."""
    return isinstance(schema, dict) and raw_is_object({}, schema)


def _hoist(media: dict[str, Any], name: str, schemas: dict[str, Any]) -> None:
    """A body's or response's schema becomes a component: inline ones are named after the
    operation; a reference to a schema that is no model of its own gets a root model."""
    schema = media.get("schema")
    if not isinstance(schema, dict) or not schema:
        return  # no schema: any JSON value, parsed as it is
    if "$ref" in schema and raw_is_object(schemas, schema):
        return
    key = name
    while key in schemas:
        key += "_"
    schemas[key] = schema
    media["schema"] = {"$ref": f"{SCHEMAS}{pointer_escape(key)}"}


def hoist_operation_schemas(
    document: dict[str, Any], op: RawOperation, schemas: dict[str, Any]
) -> None:
    """Inline request/response/parameter schemas become components named after the
    operation (`ListPetsResponse200`, `ListPetsRequest`, `ListPetsFilterParameter`)."""
    base = op.base
    body = deref(document, op.node.get("requestBody"))
    if isinstance(body, dict):
        found = request_media(body.get("content", {}) or {}, f"{op.pointer}/requestBody/content")
        if found and found[0] in ("json", "form", "multipart"):
            _hoist(found[2], f"{base}Request", schemas)
    for status, response in sorted((op.node.get("responses") or {}).items(), key=str):
        response = deref(document, response)
        pointer = f"{op.pointer}/responses/{pointer_escape(str(status))}"
        key = response_key(status, pointer)
        if isinstance(response, dict):
            kind, media = response_media(response.get("content", {}) or {})
            if kind == "json" and media is not None:
                _hoist(media, f"{base}Response{key[:1].upper()}{key[1:]}", schemas)
    for param in merged_parameters(document, op).values():
        schema = param.get("schema")
        if isinstance(schema, dict) and "$ref" not in schema and raw_is_object(schemas, schema):
            holder = {"schema": schema}
            _hoist(holder, f"{base}{pascal_case(str(param.get('name')))}Parameter", schemas)
            param["schema"] = holder["schema"]
