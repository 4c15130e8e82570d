"""YAML/JSON reading that loses nothing: duplicate keys are an error, not a silent overwrite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from twosms_contract.errors import SpecLoadError

# libyaml's parser when PyYAML was built with it (several times faster on the spec); the
# constructor, which refuses duplicate keys, is the same Python one either way.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that refuses duplicate mapping keys and keeps YAML 1.2-ish strings."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int) -> None:
        self.key = key
        self.line = line


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecLoadError.missing(str(path)) from None
    except IsADirectoryError:
        raise SpecLoadError(str(path), "is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise SpecLoadError(
            str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise SpecLoadError(str(path), exc.strerror or str(exc)) from None


def parse_yaml(text: str, *, source: str) -> Any:
    """Parse YAML (a superset of JSON); errors name the file and line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise SpecLoadError.duplicate_key(source, exc.key, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc)
        raise SpecLoadError(source, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(source, f"invalid YAML: {exc}") from None


def load_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON file whose top level must be a mapping."""
    data = parse_yaml(read_text(path), source=str(path))
    if not isinstance(data, dict):
        raise SpecLoadError(str(path), f"the top level is {type(data).__name__}, not a mapping")
    return data
