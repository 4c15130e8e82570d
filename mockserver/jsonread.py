"""Reading a request body as JSON the way the contract wants it: NaN, Infinity, numbers out
of range and integers too long to read are refused; nesting is measured without recursion."""

from __future__ import annotations

import json
from typing import Any

_MAX_INT_DIGITS = 4300  # CPython's int <-> str limit; longer integer literals are refused


class InvalidJson(ValueError):
    """A body that is not JSON this server reads (NaN, Infinity, a too long number)."""


def _reject_constant(name: str) -> Any:
    raise InvalidJson(f"{name} is not JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InvalidJson(f"number {text[:40]} is out of range")
    return value


def _parse_int(text: str) -> int:
    if len(text) > _MAX_INT_DIGITS:
        raise InvalidJson(f"an integer of {len(text)} digits is too long to read")
    return int(text)


DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int
)


def skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def parse_document(text: str) -> Any:
    """The one JSON value of `text` (surrounding whitespace allowed). Raises
    json.JSONDecodeError for bad syntax or extra data, InvalidJson for what this server
    does not read, RecursionError for nesting too deep for the decoder."""
    value, end = DECODER.raw_decode(text, skip_space(text, 0))
    if skip_space(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, skip_space(text, end))
    return value


def deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` deep (the top level is depth 1)."""
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False
