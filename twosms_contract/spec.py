"""The loaded OpenAPI document, with `$ref` resolution and JSON-Schema validators."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from twosms_contract.errors import SpecLoadError
from twosms_contract.paths import default_spec
from twosms_contract.yamlio import parse_yaml, read_text

if TYPE_CHECKING:
    from twosms_contract.contract import Contract

SPEC_URI = "urn:twosms:spec"


def pointer_escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """Resolve a local JSON pointer (`#/components/...`); KeyError when it does not resolve."""
    if not pointer.startswith("#"):
        raise KeyError(pointer)
    node = document
    for raw in pointer[1:].split("/")[1:]:
        token = pointer_unescape(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


@dataclass(frozen=True)
class Spec:
    """An OpenAPI document as loaded from `path`; `sha256` is of the file's bytes."""

    path: Path
    document: dict[str, Any] = field(repr=False)
    sha256: str

    @cached_property
    def registry(self) -> Registry[Any]:
        resource: Resource[Any] = Resource.from_contents(
            self.document, default_specification=DRAFT202012
        )
        registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        return registry

    def deref(self, node: Any) -> Any:
        """Follow `$ref`s (local ones) until a node without one."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                raise KeyError(f"$ref cycle at {ref}")
            seen.add(ref)
            node = resolve_pointer(self.document, ref)
        return node

    @cached_property
    def _validators(self) -> dict[str, jsonschema.protocols.Validator]:
        return {}

    def validator(self, pointer: str) -> jsonschema.protocols.Validator:
        """A Draft 2020-12 validator (formats checked) for the schema at a local pointer."""
        cached = self._validators.get(pointer)
        if cached is None:
            cached = jsonschema.Draft202012Validator(
                {"$ref": f"{SPEC_URI}{pointer}"},
                registry=self.registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[pointer] = cached
        return cached

    def schema_validator(self, name: str) -> jsonschema.protocols.Validator:
        return self.validator(f"#/components/schemas/{name}")

    @cached_property
    def _fast_validators(self) -> dict[str, Any]:
        return {}

    def fast_validator(self, name: str) -> Any:
        """A jsonschema_rs validator (Draft 2020-12) of a component schema: the verdict of
        `schema_validator(name)` at a fraction of its cost. The formats are checked by
        jsonschema's own checkers, and the spec's patterns are written to read alike in
        ECMA-262 and Python `re`."""
        fast = self._fast_validators.get(name)
        if fast is None:
            import jsonschema_rs

            checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
            root = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": f"#/components/schemas/{name}",
                "components": self.document.get("components", {}),
            }
            formats = {fmt: _format_check(checker, fmt) for fmt in _formats(self.document)}
            fast = jsonschema_rs.Draft202012Validator(root, validate_formats=True, formats=formats)
            self._fast_validators[name] = fast
        return fast

    def conforms(self, name: str, instance: Any) -> bool:
        """Whether `instance` is valid against a component schema, quickly (see
        `fast_validator`); use `schema_validator` to say what is wrong."""
        return bool(self.fast_validator(name).is_valid(instance))

    @property
    def contract(self) -> dict[str, Any]:
        """The raw `x-contract` mapping (code reads the typed `terms`)."""
        value = self.document.get("x-contract", {})
        return value if isinstance(value, dict) else {}

    @cached_property
    def terms(self) -> Contract:
        """The contract as one typed model (`twosms_contract.contract`), read once."""
        from twosms_contract.contract import Contract

        return Contract.from_spec(self)


def _formats(node: Any) -> set[str]:
    """Every `format` value a document's schemas use."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            value = current.get("format")
            if isinstance(value, str):
                found.add(value)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _format_check(checker: jsonschema.FormatChecker, name: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return bool(checker.conforms(value, name))

    return check


def load_spec(path: Path | str | None = None) -> Spec:
    """Load an OpenAPI document (YAML or JSON); raises SpecLoadError with file and line.
    Without `path`, the default spec (`twosms_contract.paths.default_spec`)."""
    path = Path(path) if path is not None else default_spec()
    text = read_text(path)
    document = parse_yaml(text, source=str(path))
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise SpecLoadError(str(path), f"the top level is {kind}, not an OpenAPI mapping")
    return Spec(
        path=path, document=document, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
    )
