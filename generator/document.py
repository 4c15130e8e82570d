"""The loaded OpenAPI document walked: its operations in order with their method names
(`RawOperation`), references followed, and each operation's parameters merged with its
path item's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import UnsupportedConstruct
from generator.naming import operation_method_name, pascal_case, unique
from twosms_contract.spec import pointer_escape, resolve_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class RawOperation:
    """An operation as the document has it, with its place and its method name."""

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


def collect_operations(document: dict[str, Any]) -> list[RawOperation]:
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
        RawOperation(path, method, node, pointer, name)
        for (path, method, node, pointer, _), name in zip(found, names, strict=True)
    ]


def deref(document: dict[str, Any], node: Any) -> Any:
    """`node`, or what its chain of `$ref`s (any pointer into the document) ends at."""
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(document, node["$ref"])
    return node


def merged_parameters(
    document: dict[str, Any], op: RawOperation
) -> dict[tuple[str, str], dict[str, Any]]:
    """The path item's and the operation's parameters, by (in, name); the operation's win."""
    item = document["paths"][op.path]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raws in (item.get("parameters", []), op.node.get("parameters", [])):
        for raw in raws or []:
            param = deref(document, raw)
            if isinstance(param, dict):
                merged[(str(param.get("in")), str(param.get("name")))] = param
    return merged


def parameter_pointer(document: dict[str, Any], op: RawOperation, wanted: dict[str, Any]) -> str:
    """The pointer of a merged parameter: in the operation, else in its path item."""
    for base, raws in (
        (f"{op.pointer}/parameters", op.node.get("parameters", [])),
        (
            f"#/paths/{pointer_escape(op.path)}/parameters",
            document["paths"][op.path].get("parameters", []),
        ),
    ):
        for index, raw in enumerate(raws or []):
            if deref(document, raw) is wanted:
                return f"{base}/{index}"
    return f"{op.pointer}/parameters"
