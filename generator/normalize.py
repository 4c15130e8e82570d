"""Schema normalization for the IR: the component schemas rewritten into what the models stage
can hand datamodel-code-generator without losing meaning.

- `allOf` is merged into one schema, the intersection (`all_of`);
- inline enums and objects are hoisted into named components (names decided here);
- OpenAPI 3.0 `nullable` and boolean `exclusiveMinimum` become their 3.1 forms;
- every construct the models cannot express raises `UnsupportedConstruct` with its pointer
  (`schema_checks`).

`if`/`then` and the string formats are read by `ir` (they become validators), not here.
"""

from __future__ import annotations

import copy
from typing import Any

from generator.all_of import merge_all_of
from generator.naming import pascal_case
from generator.schema_checks import check_schema, check_unions
from generator.schemas import SCHEMAS, Schema, deref, mapped_name, types_of
from twosms_contract.spec import pointer_escape

SUPPORTED_FORMATS = frozenset({"binary", "date", "date-time", "email", "ipv4", "ipv6", "uuid"})


class Normalizer:
    """Rewrites a copy of `components.schemas`; `schemas` holds the result."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.original = schemas
        self.schemas: dict[str, Schema] = copy.deepcopy(schemas)

    # -- references ---------------------------------------------------------------------
    def deref(self, schema: Schema, pointer: str) -> Schema:
        return deref(self.schemas, schema, pointer)

    # -- the whole pass -------------------------------------------------------------------
    def run(self) -> dict[str, Schema]:
        for name in sorted(self.original):
            check_schema(self.original[name], f"{SCHEMAS}{pointer_escape(name)}", top=True)
        for name in sorted(self.schemas):
            self.schemas[name] = self.upgrade(self.schemas[name])
        for name in sorted(self.schemas):
            pointer = f"{SCHEMAS}{pointer_escape(name)}"
            self.schemas[name] = merge_all_of(self.schemas, self.schemas[name], pointer)
        for name in sorted(self.schemas):
            self.hoist(name)
        for name in sorted(self.schemas):
            check_unions(self.schemas, self.schemas[name], f"{SCHEMAS}{pointer_escape(name)}")
        return {name: self.schemas[name] for name in sorted(self.schemas)}

    # -- OpenAPI 3.0 forms ----------------------------------------------------------------
    def upgrade(self, schema: Any) -> Any:
        if isinstance(schema, list):
            return [self.upgrade(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        out = {key: self.upgrade(value) for key, value in schema.items()}
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(out.get(bound), bool) and out.pop(bound) and limit in out:
                out[bound] = out.pop(limit)
        if out.pop("nullable", False) is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
            else:
                return {"oneOf": [{"type": "null"}, out]}
        if "discriminator" in out:
            if "oneOf" in out or "anyOf" in out:
                mapping = out["discriminator"].get("mapping", {})
                out["discriminator"] = {
                    **out["discriminator"],
                    **(
                        {
                            "mapping": {
                                t: SCHEMAS + pointer_escape(mapped_name(r, "#"))
                                for t, r in mapping.items()
                            }
                        }
                        if mapping
                        else {}
                    ),
                }
            else:
                del out["discriminator"]  # an annotation here: it changes no validation
        fmt = out.get("format")
        if isinstance(fmt, str) and fmt not in SUPPORTED_FORMATS:
            del out["format"]  # a format jsonschema does not check: a plain value
        return out

    # -- hoisting ---------------------------------------------------------------------------
    def hoist(self, name: str) -> None:
        schema = self.schemas[name]
        for prop, sub in list(schema.get("properties", {}).items()):
            schema["properties"][prop] = self.hoist_inline(sub, f"{name}{pascal_case(prop)}")
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(schema.get(key), dict):
                schema[key] = self.hoist_inline(schema[key], f"{name}{suffix}")

    def hoist_inline(self, schema: Any, hint: str) -> Any:
        if not isinstance(schema, dict) or "$ref" in schema:
            return schema
        if ("enum" in schema and len(schema["enum"]) > 1) or (
            _is_object(schema) and "properties" in schema
        ):
            name = self.free_name(hint)
            note = {k: v for k, v in schema.items() if k == "description"}
            self.schemas[name] = schema
            self.hoist(name)
            return {"$ref": f"{SCHEMAS}{pointer_escape(name)}", **note}
        out = dict(schema)
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(out.get(key), dict):
                out[key] = self.hoist_inline(out[key], f"{hint}{suffix}")
        for union in ("oneOf", "anyOf"):
            if union in out:
                out[union] = [
                    self.hoist_inline(item, f"{hint}Option{index}")
                    for index, item in enumerate(out[union])
                ]
        return out

    def free_name(self, hint: str) -> str:
        name, counter = hint, 2
        while name in self.schemas:
            name, counter = f"{hint}{counter}", counter + 1
        return name


def _is_object(schema: Schema) -> bool:
    kinds = types_of(schema)
    return kinds == ["object"] or (kinds is None and "properties" in schema)


def normalize(schemas: dict[str, Any]) -> dict[str, Schema]:
    """The normalized component schemas, sorted by name."""
    return Normalizer(schemas).run()
