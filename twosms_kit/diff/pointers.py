"""JSON pointers and `$ref` following over raw documents, with the keyword origins kept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from twosms_contract.spec import pointer_escape, pointer_unescape, resolve_pointer
from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.source import DiffInputError

_COMPONENT = re.compile(r"^#/components/schemas/([^/]+)$")


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + pointer_escape(str(token)) for token in tokens)


def canonical(value: Any) -> str:
    """A text equal for equal JSON values, whatever the order of mapping keys."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class View:
    """A schema with its `$ref`s followed: keywords merged, each with the pointer it came from.

    Siblings of a `$ref` win over the target's keywords (OpenAPI 3.1 allows them; in this
    spec they are descriptions). `component` is the component schema the view is in.
    """

    data: dict[str, Any]
    origin: dict[str, str]
    pointer: str
    ref: str | None = None
    component: str | None = None
    is_component_root: bool = False
    refs_seen: tuple[str, ...] = field(default=())
    referrer: str = ""

    def at(self, key: str) -> str:
        """The pointer of a keyword of this view: where it is, or would be if absent."""
        return join(self.origin.get(key, self.pointer), key)


def resolve(document: dict[str, Any], node: Any, pointer: str, component: str | None) -> View:
    """Follow `$ref`s from `node` (at `pointer`); a dangling or cyclic chain is an input error."""
    referrer = pointer
    layers: list[tuple[dict[str, Any], str]] = []
    first_ref: str | None = None
    seen: list[str] = []
    is_root = bool(_COMPONENT.match(pointer))
    if is_root:
        component = pointer_unescape(pointer.rsplit("/", 1)[1])
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: str = node["$ref"]
        layers.append((node, pointer))
        first_ref = first_ref or target
        if target in seen:
            raise DiffInputError(f"{pointer}/$ref: $ref chain loops back to {target!r}")
        seen.append(target)
        try:
            node = resolve_pointer(document, target)
        except KeyError:
            raise DiffInputError(
                f"{pointer}/$ref: {target!r} does not resolve in the document"
            ) from None
        pointer = target
        match = _COMPONENT.match(target)
        if match:
            component = pointer_unescape(match.group(1))
        is_root = bool(match)
    data: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if node is False:
        data, origin = {"not": {}}, {"not": pointer}
    elif isinstance(node, dict):
        data = dict(node)
        origin = dict.fromkeys(node, pointer)
    for layer, layer_pointer in reversed(layers):
        for key, value in layer.items():
            if key != "$ref":
                data[key] = value
                origin[key] = layer_pointer
    return View(
        data=data,
        origin=origin,
        pointer=pointer,
        ref=first_ref,
        component=component,
        is_component_root=is_root,
        refs_seen=tuple(seen),
        referrer=referrer,
    )


def deref_object(document: dict[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """A non-schema object (response, parameter, header...) with its `$ref`s followed."""
    view = resolve(document, node, pointer, None)
    if not isinstance(node, dict):
        return node, pointer
    return view.data, view.pointer


def leaf_changes(
    old: Any, new: Any, pointer: str, *, ignore: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Any, Any]]:
    """(pointer, old, new) for each differing leaf; `ignore`d keys skipped, lists are leaves."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted({*old, *new} - ignore, key=str):
            yield from leaf_changes(
                old.get(key, ABSENT), new.get(key, ABSENT), join(pointer, key), ignore=ignore
            )
    elif (old is ABSENT) != (new is ABSENT) or canonical(old) != canonical(new):
        yield pointer, old, new
