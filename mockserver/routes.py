"""The route table, read from the spec's `paths`: every operation the mock serves.

A path template (`/api/v2/sms/messages/{MessageID}`) matches a request path with one
segment per parameter; paths compare case-insensitively and ignore a trailing slash (the
contract's rule for the send path, applied to every path). A template without parameters
is found with one dictionary look-up (the send path's cost is unchanged); the others are
tried in the spec's order, those with fewer parameters first (`/a/b` before `/a/{x}`).

Each `Operation` keeps what serving it from the spec needs: its security requirements
(the operation's `security`, else the root's), its parameters (the path item's, overridden
by the operation's), its request body's media types, and the JSON pointer of every schema,
for `Spec.validator`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from twosms_contract.spec import Spec, pointer_escape, resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


def normalise_path(path: str) -> str:
    """Paths compare case-insensitively and ignore a trailing slash."""
    return path.rstrip("/").lower() or "/"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of an operation (`location` is the OpenAPI `in`)."""

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    pointer: str | None  # of its schema; None without one
    style: str
    explode: bool
    example: Any = None
    has_example: bool = False


@dataclass(frozen=True, slots=True)
class MediaType:
    """A media type of a request body or a response, with its schema's pointer."""

    name: str
    pointer: str | None
    node: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec, as the mock serves it."""

    method: str  # upper case
    template: str  # the spec's spelling of the path
    operation_id: str
    pointer: str  # "#/paths/~1a~1{b}/get"
    node: Mapping[str, Any] = field(repr=False)
    security: tuple[Mapping[str, Any], ...]
    parameters: tuple[Parameter, ...]
    body_required: bool
    body: tuple[MediaType, ...]

    @property
    def name(self) -> str:
        """The operationId, or "METHOD /path" for an operation without one."""
        return self.operation_id or f"{self.method} {self.template}"

    @property
    def secured(self) -> bool:
        """Whether a request needs credentials (no empty requirement among the options)."""
        return bool(self.security) and all(self.security)


@dataclass(frozen=True, slots=True)
class Route:
    """A path of the spec: its template, its parameters and its operations by method."""

    template: str
    pattern: re.Pattern[str] | None
    names: tuple[str, ...]
    operations: Mapping[str, Operation]

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.operations)

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters a request path gives this template, or None."""
        if self.pattern is None:
            return {} if normalise_path(path) == normalise_path(self.template) else None
        found = self.pattern.fullmatch(path.rstrip("/") or "/")
        if found is None:
            return None
        return {name: found.group(f"p{i}") for i, name in enumerate(self.names)}


class RouteTable:
    """Every path of the spec (see the module docstring)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.exact: dict[str, Route] = {}
        self.templated: list[Route] = []
        root_security = spec.document.get("security", [])
        paths = spec.document.get("paths") or {}
        for template, item in paths.items():
            item = spec.deref(item)
            if not isinstance(item, dict):
                continue
            route = _route(spec, str(template), item, root_security)
            if route.pattern is None:
                self.exact.setdefault(normalise_path(route.template), route)
            else:
                self.templated.append(route)
        self.templated.sort(key=lambda r: len(r.names))  # stable: the spec's order otherwise
        self.by_template = {r.template: r for r in (*self.exact.values(), *self.templated)}

    def lookup(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route of a request path and its path parameters, or None (404)."""
        route = self.exact.get(normalise_path(path))
        if route is not None:
            return route, {}
        for route in self.templated:
            params = route.match(path)
            if params is not None:
                return route, params
        return None

    def operations(self) -> list[Operation]:
        return [op for route in self.by_template.values() for op in route.operations.values()]


def _route(spec: Spec, template: str, item: Mapping[str, Any], root_security: Any) -> Route:
    base = f"#/paths/{pointer_escape(template)}"
    shared = _parameters(spec, item.get("parameters", []), f"{base}/parameters")
    operations: dict[str, Operation] = {}
    for method in HTTP_METHODS:
        node = item.get(method)
        if not isinstance(node, dict):
            continue
        pointer = f"{base}/{method}"
        own = _parameters(spec, node.get("parameters", []), f"{pointer}/parameters")
        merged = {
            (p.location, p.name.lower() if p.location == "header" else p.name): p
            for p in (*shared, *own)
        }
        security = node.get("security", root_security)
        body_node, body_pointer = deref_with_pointer(
            spec, node.get("requestBody"), f"{pointer}/requestBody"
        )
        body: list[MediaType] = []
        if isinstance(body_node, dict):
            for name, media in (body_node.get("content") or {}).items():
                body.append(
                    _media(str(name), media, f"{body_pointer}/content/{pointer_escape(str(name))}")
                )
        operations[method.upper()] = Operation(
            method=method.upper(),
            template=template,
            operation_id=str(node.get("operationId", "")),
            pointer=pointer,
            node=node,
            security=tuple(r for r in security if isinstance(r, dict))
            if isinstance(security, list)
            else (),
            parameters=tuple(merged.values()),
            body_required=bool(isinstance(body_node, dict) and body_node.get("required")),
            body=tuple(body),
        )
    names = tuple(_PARAMETER.findall(template))
    pattern = None
    if names:
        pieces = _PARAMETER.split(template.rstrip("/") or "/")
        regex = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                regex.append(re.escape(piece))
            else:
                regex.append(f"(?P<p{index // 2}>[^/]+)")
        pattern = re.compile("".join(regex), re.IGNORECASE)
    return Route(template=template, pattern=pattern, names=names, operations=operations)


def _media(name: str, media: Any, pointer: str) -> MediaType:
    node = media if isinstance(media, dict) else {}
    schema_pointer = f"{pointer}/schema" if "schema" in node else None
    return MediaType(name=name, pointer=schema_pointer, node=node)


def deref_with_pointer(spec: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """A node and the pointer it is really at, after its `$ref`s."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#"):
            break
        seen.add(ref)
        pointer = ref
        try:
            node = resolve_pointer(spec.document, ref)
        except KeyError:
            return None, pointer
    return node, pointer


def _parameters(spec: Spec, nodes: Any, pointer: str) -> list[Parameter]:
    out: list[Parameter] = []
    if not isinstance(nodes, list):
        return out
    for index, raw in enumerate(nodes):
        node, at = deref_with_pointer(spec, raw, f"{pointer}/{index}")
        if not isinstance(node, dict) or "name" not in node or "in" not in node:
            continue
        location = str(node["in"])
        schema = node.get("schema")
        schema_pointer = f"{at}/schema" if schema is not None else None
        style = str(node.get("style", "simple" if location in ("path", "header") else "form"))
        explode = bool(node.get("explode", style == "form"))
        example, has_example = None, False
        if "example" in node:
            example, has_example = node["example"], True
        elif isinstance(node.get("examples"), dict) and node["examples"]:
            first = spec.deref(next(iter(node["examples"].values())))
            if isinstance(first, dict) and "value" in first:
                example, has_example = first["value"], True
        out.append(
            Parameter(
                name=str(node["name"]),
                location=location,
                required=bool(node.get("required", location == "path")),
                schema=spec.deref(schema) if isinstance(schema, dict) else {},
                pointer=schema_pointer,
                style=style,
                explode=explode,
                example=example,
                has_example=has_example,
            )
        )
    return out
