"""`twosms-contract lint`: the OpenAPI validator, then the project's own rules.

Each finding names a JSON pointer into the document, what is wrong, the value, and a hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
from openapi_spec_validator import OpenAPIV31SpecValidator

from twosms_contract.contract import ERROR_CODE_ENUM, ContractError
from twosms_contract.contract_agreement import agreement_findings
from twosms_contract.spec import SPEC_URI, Spec, pointer_escape, resolve_pointer

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Subschemas that constrain rather than describe a shape: no description or name needed.
_CONSTRAINT_KEYWORDS = ("if", "then", "else", "not")
_SCHEMA_CHILD_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_CHILD_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_CHILDREN = ("items", "additionalProperties", "propertyNames", "contains", "not")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the document."""

    rule: str
    pointer: str
    message: str
    value: Any
    hint: str

    def render(self) -> str:
        shown = _short(self.value)
        head = f"{self.pointer or '#'}: [{self.rule}] {self.message}"
        return f"{head}\n    value: {shown}\n    hint: {self.hint}"


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + pointer_escape(str(token)) for token in tokens)


def lint_document(spec: Spec) -> list[Finding]:
    """All findings for a loaded document, OpenAPI validity first."""
    refs = list(_ref_findings(spec))
    if refs:
        # The OpenAPI validator cannot walk a document whose $refs dangle.
        return refs
    structural = list(_openapi_findings(spec))
    if structural:
        # The project's rules assume a structurally valid document.
        return structural
    findings = [
        *_description_findings(spec),
        *_inline_object_findings(spec),
        *_example_findings(spec),
        *_error_code_findings(spec),
        *_contract_findings(spec),
    ]
    return sorted(findings, key=lambda f: (f.pointer, f.rule, f.message))


def _openapi_findings(spec: Spec) -> Iterator[Finding]:
    validator = OpenAPIV31SpecValidator(spec.document)
    try:
        for error in validator.iter_errors():
            path: Any = getattr(error, "absolute_path", None) or getattr(error, "path", ())
            message = str(getattr(error, "message", error)).strip().splitlines()[0]
            yield Finding(
                rule="openapi",
                pointer=_join("#", *path),
                message=message,
                value=getattr(error, "instance", None),
                hint="fix the document so that it is valid OpenAPI 3.1",
            )
    except Exception as exc:  # the validator itself failed on this document
        yield Finding(
            "openapi",
            "#",
            f"the OpenAPI validator could not read the document: {exc}",
            type(exc).__name__,
            "check the document's structure near the named place",
        )


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, _join(pointer, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, _join(pointer, index))


def _ref_findings(spec: Spec) -> Iterator[Finding]:
    for pointer, node in _walk(spec.document, "#"):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            continue
        ref = node["$ref"]
        if not ref.startswith("#"):
            yield Finding(
                "ref-resolves",
                pointer + "/$ref",
                "only local $refs are supported",
                ref,
                "inline the referenced document or move it under #/components",
            )
            continue
        try:
            resolve_pointer(spec.document, ref)
        except KeyError:
            yield Finding(
                "ref-resolves",
                pointer + "/$ref",
                "the $ref does not resolve",
                ref,
                "point it at an existing component, e.g. #/components/schemas/<Name>",
            )


def _schema_roots(spec: Spec) -> Iterator[tuple[str, Any, bool]]:
    """(pointer, schema, is_named_component) for every schema root the document holds."""
    components = spec.document.get("components", {})
    for name, schema in components.get("schemas", {}).items():
        yield _join("#/components/schemas", name), schema, True
    for pointer, node in _walk(spec.document, "#"):
        if pointer.startswith("#/components/schemas") or pointer.startswith("#/x-"):
            continue
        if isinstance(node, dict) and "schema" in node and isinstance(node["schema"], dict):
            parent = pointer.rsplit("/", 1)[-1]
            if parent not in ("properties",):
                yield pointer + "/schema", node["schema"], False


def _subschemas(schema: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
    """(keyword, pointer, subschema) for the direct subschemas of a schema."""
    if not isinstance(schema, dict):
        return
    for keyword in _SCHEMA_CHILD_MAPS:
        for name, child in (schema.get(keyword) or {}).items():
            yield keyword, _join(pointer, keyword, name), child
    for keyword in _SCHEMA_CHILD_LISTS:
        for index, child in enumerate(schema.get(keyword) or []):
            yield keyword, _join(pointer, keyword, index), child
    for keyword in (*_SCHEMA_CHILDREN, "if", "then", "else"):
        child = schema.get(keyword)
        if isinstance(child, dict):
            yield keyword, _join(pointer, keyword), child


def _description_findings(spec: Spec) -> Iterator[Finding]:
    components = spec.document.get("components", {})
    for name, schema in components.get("schemas", {}).items():
        pointer = _join("#/components/schemas", name)
        if not isinstance(schema, dict) or not schema.get("description"):
            yield Finding(
                "description",
                pointer,
                "the schema has no description",
                name,
                "say what it is and where the statement comes from (seed, public, decided)",
            )
        yield from _property_descriptions(schema, pointer)


def _property_descriptions(schema: Any, pointer: str) -> Iterator[Finding]:
    for keyword, child_pointer, child in _subschemas(schema, pointer):
        if keyword in _CONSTRAINT_KEYWORDS:
            continue
        if keyword == "properties" and isinstance(child, dict) and not child.get("description"):
            yield Finding(
                "description",
                child_pointer,
                "the property has no description",
                child_pointer.rsplit("/", 1)[-1],
                "add a description (the help page's, where it has one)",
            )
        if isinstance(child, dict) and "$ref" not in child:
            yield from _property_descriptions(child, child_pointer)


def _inline_object_findings(spec: Spec) -> Iterator[Finding]:
    for pointer, schema, named in _schema_roots(spec):
        yield from _inline_objects(schema, pointer, top=named)


def _is_object_schema(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and "$ref" not in schema
        and (schema.get("type") == "object" or "properties" in schema)
    )


def _inline_objects(schema: Any, pointer: str, *, top: bool) -> Iterator[Finding]:
    if not top and _is_object_schema(schema):
        yield Finding(
            "no-inline-object",
            pointer,
            "an anonymous inline object schema",
            sorted(schema.get("properties", {})),
            "move it to #/components/schemas/<Name> and $ref it (generated code needs a name)",
        )
        return
    for keyword, child_pointer, child in _subschemas(schema, pointer):
        if keyword in _CONSTRAINT_KEYWORDS:
            continue
        yield from _inline_objects(child, child_pointer, top=False)


def _operations(spec: Spec) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec.document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                yield _join("#/paths", path, method), operation


def _media_types(spec: Spec) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """(pointer, media type object, response status or None for a request body)."""
    for op_pointer, operation in _operations(spec):
        body = spec.deref(operation.get("requestBody", {}))
        for media, media_object in (body.get("content") or {}).items():
            yield _join(op_pointer, "requestBody", "content", media), media_object, None
        for status, response in (operation.get("responses") or {}).items():
            resolved = spec.deref(response)
            base = _join(op_pointer, "responses", status)
            for media, media_object in (resolved.get("content") or {}).items():
                yield _join(base, "content", media), media_object, str(status)


def _schema_pointer(spec: Spec, media_pointer: str, media_object: dict[str, Any]) -> str | None:
    schema = media_object.get("schema")
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("$ref"), str):
        return str(schema["$ref"])
    return media_pointer + "/schema" if media_pointer.startswith("#/") else None


def _example_values(
    spec: Spec, pointer: str, media_object: dict[str, Any]
) -> Iterator[tuple[str, Any]]:
    if "example" in media_object:
        yield pointer + "/example", media_object["example"]
    for name, example in (media_object.get("examples") or {}).items():
        example_pointer = _join(pointer, "examples", name)
        if isinstance(example, dict) and isinstance(example.get("$ref"), str):
            example_pointer = example["$ref"]
        resolved = spec.deref(example)
        if isinstance(resolved, dict) and "value" in resolved:
            yield example_pointer, resolved["value"]


def _example_findings(spec: Spec) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for pointer, media_object, _status in _media_types(spec):
        schema_pointer = _schema_pointer(spec, pointer, media_object)
        if schema_pointer is None:
            continue
        validator = _validator_for(spec, schema_pointer, media_object)
        for example_pointer, value in _example_values(spec, pointer, media_object):
            if (example_pointer, schema_pointer) in seen:
                continue
            seen.add((example_pointer, schema_pointer))
            for error in validator.iter_errors(value):
                where = _join(example_pointer + "/value", *error.absolute_path)
                yield Finding(
                    "example-valid",
                    where,
                    f"the example does not match {schema_pointer}: {error.message}",
                    error.instance,
                    "fix the example: examples must be real, valid requests and responses",
                )
    yield from _schema_example_findings(spec)


def _validator_for(
    spec: Spec, schema_pointer: str, media_object: dict[str, Any]
) -> jsonschema.protocols.Validator:
    if schema_pointer.startswith("#/components/"):
        return spec.validator(schema_pointer)
    return jsonschema.Draft202012Validator(
        media_object["schema"],
        registry=spec.registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _schema_example_findings(spec: Spec) -> Iterator[Finding]:
    for name, schema in spec.document.get("components", {}).get("schemas", {}).items():
        if not isinstance(schema, dict):
            continue
        pointer = _join("#/components/schemas", name)
        for index, value in enumerate(schema.get("examples") or []):
            for error in spec.validator(pointer).iter_errors(value):
                yield Finding(
                    "example-valid",
                    _join(pointer, "examples", index, *error.absolute_path),
                    f"the example does not match its schema: {error.message}",
                    error.instance,
                    "fix the example or the schema",
                )


def _contract_findings(spec: Spec) -> Iterator[Finding]:
    """The typed contract model reads (every fact code needs is there and well-formed), and
    where x-contract repeats a schema fact, the two agree."""
    try:
        spec.terms.business_rules  # noqa: B018 - reading it is the check
    except ContractError as exc:
        yield Finding(
            "contract-model",
            exc.pointer,
            str(exc).split(": ", 1)[-1],
            exc.value,
            "see twosms_contract/contract_reader.py for the shape the mock and the suite read",
        )
        return
    for pointer, other, message, values in agreement_findings(spec):
        yield Finding(
            "contract-agreement",
            pointer,
            f"{message}: {other} says otherwise",
            values,
            f"make {pointer} and {other} say the same",
        )


def _documented_codes(spec: Spec) -> set[tuple[str, str]]:
    """(status, ErrorCode) pairs that some response example documents."""
    documented: set[tuple[str, str]] = set()
    for pointer, media_object, status in _media_types(spec):
        if status is None:
            continue
        for _example_pointer, value in _example_values(spec, pointer, media_object):
            error = value.get("Error") if isinstance(value, dict) else None
            if isinstance(error, dict) and isinstance(error.get("ErrorCode"), str):
                documented.add((status, error["ErrorCode"]))
    return documented


def _error_code_findings(spec: Spec) -> Iterator[Finding]:
    contract = spec.contract
    documented = _documented_codes(spec)
    declared = contract.get("errorCodes") or []
    declared_codes = {entry.get("code") for entry in declared if isinstance(entry, dict)}
    for index, entry in enumerate(declared):
        pointer = _join("#/x-contract/errorCodes", index)
        if not isinstance(entry, dict) or "code" not in entry or "status" not in entry:
            yield Finding(
                "error-code-documented",
                pointer,
                "an error code entry needs code and status",
                entry,
                "write it as {code: Name, status: 400}",
            )
            continue
        pair = (str(entry["status"]), str(entry["code"]))
        if pair not in documented:
            yield Finding(
                "error-code-documented",
                pointer,
                f"no {pair[0]} response example has ErrorCode {pair[1]}",
                entry,
                f"add an example with this code under a {pair[0]} response",
            )
    for index, check in enumerate(contract.get("checks") or []):
        code = check.get("code") if isinstance(check, dict) else None
        if code not in declared_codes:
            yield Finding(
                "error-code-documented",
                _join("#/x-contract/checks", index, "code"),
                "the check's code is not in x-contract.errorCodes",
                code,
                "declare it in x-contract.errorCodes with its status",
            )
    yield from _error_enum_findings(spec, declared_codes)


def _error_enum_findings(spec: Spec, declared: set[Any]) -> Iterator[Finding]:
    pointer = ERROR_CODE_ENUM
    try:
        enum = resolve_pointer(spec.document, pointer)
    except KeyError:
        return
    if set(enum) != declared:
        yield Finding(
            "error-code-documented",
            pointer,
            "the response ErrorCode enum differs from x-contract.errorCodes",
            sorted(set(enum) ^ declared),
            "keep the two lists equal",
        )


__all__ = ["SPEC_URI", "Finding", "lint_document"]
