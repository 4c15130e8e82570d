"""Stage 2: the intermediate representation. Every name, order and rule the later stages
use is decided here, as frozen dataclasses; `models` and `render` only spell them out.

`build` puts the `Project` together from one module per concern: `document` (the operations
and their names), `operation_schemas` (inline schemas named), `normalize` (the component
schemas), `operations` (bodies and responses, with `media`), `parameters`, `fields` (Python
names, format and unique-items checks), `rules` (`if`/`then`) and `client_errors`."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from generator.client_errors import ErrorClass, ErrorShape, error_class, error_shapes
from generator.document import collect_operations
from generator.errors import UnsupportedConstruct
from generator.fields import FieldName, FormatCheck, field_names, format_checks, unique_items
from generator.load import Source
from generator.normalize import Normalizer
from generator.operation_schemas import hoist_operation_schemas
from generator.operations import Operation, operation_of, token_path
from generator.rules import Rule, rule_of
from generator.schemas import SCHEMAS
from twosms_contract.spec import pointer_escape


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
    operations_raw = collect_operations(document)
    for op in operations_raw:
        hoist_operation_schemas(document, op, raw)
    normalizer = Normalizer(raw)
    schemas = normalizer.run()
    rules = tuple(rule_of(name, schemas) for name in sorted(schemas) if "if" in schemas[name])
    stray = [name for name in sorted(schemas) if "then" in schemas[name]]
    if stray:
        pointer = f"{SCHEMAS}{pointer_escape(stray[0])}/then"
        raise UnsupportedConstruct(pointer, "a `then` without `if`", schemas[stray[0]]["then"])
    unique = unique_items(schemas)
    fields = field_names(schemas)
    python = {(f.model, f.wire): f.python for f in fields}
    checks = tuple(
        sorted(
            (
                *format_checks(normalizer, schemas, fields),
                *(
                    FormatCheck(model, "unique-items", tuple(python[(model, w)] for w in wires))
                    for model, wires in unique
                ),
            ),
            key=lambda c: (c.model, c.format),
        )
    )
    operations = tuple(operation_of(document, op, schemas) for op in operations_raw)
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
        token_path=token_path(document),
        error_classes=tuple(error_class(status) for status in sorted(statuses)),
        error_shapes=error_shapes(normalizer, schemas, error_models),
    )


def _default_base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    return url.rstrip("/") if isinstance(url, str) and "{" not in url else "http://localhost"
