"""Request-validation faults of the required members and the integer fields: defaults for a
missing member, lenient integer readers (numeric strings, fractions, booleans), strict ones
(2.0 refused: an open corner), the Type 2 if/then. The bounds and enums are schema edits
(`schema_edits`).
"""

from __future__ import annotations

import copy
from typing import Any

from mockserver import Behaviour, Failure, SendContext
from mockserver.validation import json_path, show
from tests.faults.base import Catalog
from tests.faults.fields_base import (
    ACCEPTS,
    INTS,
    REFUSES,
    coerced,
    walk,
)

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


# -- required ------------------------------------------------------------------------------


def _default(key: str, value: Any) -> type[Behaviour]:
    class Default(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            if isinstance(instance, dict) and key not in instance:
                instance[key] = copy.deepcopy(value)
            return super().check_schema(instance)

    return Default


fault(
    "req-options-default-empty",
    "a missing Options is taken as {} (a default), not a ValidationError",
    *ACCEPTS,
)(_default("Options", {}))
fault(
    "req-type-default-standard",
    "a missing Type is taken as 1 (Standard), not a ValidationError",
    *ACCEPTS,
)(_default("Type", 1))


# -- integer fields: lenient readers (the bounds and enums are schema edits) ----------------

for _field, (_, _path, _lo, _hi) in INTS.items():
    _slug = _field.lower()
    # Lenient readers: a numeric string, a fraction, a boolean taken for the integer.
    _mid = _lo + 1 if _hi is None or _lo + 1 <= _hi else _lo
    fault(
        f"{_slug}-string-coerced",
        f'{_field}: a numeric string ("{_mid}") is read as the integer {_mid}',
        *ACCEPTS,
    )(
        coerced(
            (_path,),
            lambda v: int(v) if isinstance(v, str) and v.strip().lstrip("+-").isdigit() else v,
        )
    )
    fault(
        f"{_slug}-fraction-truncated",
        f"{_field}: a fraction ({_mid}.5) is truncated to {_mid}",
        *ACCEPTS,
    )(
        coerced(
            (_path,), lambda v: int(v) if isinstance(v, float) and v == v and abs(v) < 1e18 else v
        )
    )
    fault(f"{_slug}-bool-coerced", f"{_field}: true and false are read as 1 and 0", *ACCEPTS)(
        coerced((_path,), lambda v: int(v) if isinstance(v, bool) else v)
    )


class _StrictIntegers(Behaviour):
    """Refuses a number written with a fraction part (1.0) for an integer field, as
    System.Text.Json does: JSON Schema counts 1.0 as an integer."""

    path: tuple[str, ...] = ()

    def check_schema(self, instance: Any) -> Failure | None:
        for container, key in walk(instance, self.path):
            value = container[key]
            if isinstance(value, float) and value.is_integer():
                where = json_path(self.path if "*" not in self.path else (*self.path[:-1], key))
                return self.fail("schema", f"{where}: expected integer, got number {show(value)}")
        return super().check_schema(instance)


for _field in ("Type", "channel", "SrcPort"):
    _path, _lo = INTS[_field][1:3]
    variant(
        f"{_field.lower()}-integral-float-refused",
        f"{_field}: {_lo + 1}.0 (an integer by JSON Schema) is refused (strict integer reader)",
    )(type("StrictIntegers", (_StrictIntegers,), {"path": _path}))


# -- Type 2 if/then --------------------------------------------------------------------------


@fault(
    "recurring-required-for-advanced",
    "RecurringOptions is also required for Type 0 (the if/then applied to Type 0 and 2)",
    *REFUSES,
)
class RecurringForAdvanced(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type == 0 and ctx.options.get("RecurringOptions") is None:
            return self.fail(
                "missing-recurring-options", "$.Options.RecurringOptions: required when Type is 0"
            )
        return super().check_missing_recurring_options(ctx)


@variant(
    "recurring-if-type-2-int-only",
    "Type 2.0 (equal to 2 for JSON Schema's const) escapes the if/then: Type 2.0 without"
    " RecurringOptions is accepted",
)
class RecurringIntOnly(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if isinstance(ctx.body.get("Type"), float):
            return None
        return super().check_missing_recurring_options(ctx)


@fault(
    "recurring-options-unchecked-unless-type-2",
    "RecurringOptions is schema-checked only when Type is 2 (decision recurring-ignored: it"
    " is checked for every Type)",
    *ACCEPTS,
)
class RecurringUncheckedUnless2(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if (
            isinstance(instance, dict)
            and instance.get("Type") != 2
            and isinstance(instance.get("Options"), dict)
            and "RecurringOptions" in instance["Options"]
        ):
            view = copy.deepcopy(instance)
            del view["Options"]["RecurringOptions"]
            return super().check_schema(view)
        return super().check_schema(instance)
