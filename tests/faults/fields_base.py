"""What the request-validation faults share: the rules each kind must break, the integer
fields and their bounds, and the mechanisms a lenient or strict server uses (a schema
edited in one place, a deserializer that coerces before validating, a view of the request
that is validated instead of the request).

Every fault of `fields_*` and `schema_edits` also expects the field sweep's rules
(`SWEEP`), which probe each constraint at both its sides.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from contract_tests import ids
from contract_tests.ids import RuleId
from mockserver import Behaviour, Failure, MockState
from mockserver.validation import RequestValidator
from twosms_contract.spec import Spec, pointer_unescape

SWEEP = (
    ids.FIELD_CONSTRAINTS,
    ids.ACCEPT_FIELD_BOUNDS,
    ids.UNKNOWN_CONTACT,
)
# What the suite reports when a server accepts a request the schema refuses ...
ACCEPTS = (
    ids.VALIDATION_ERROR,
    ids.ACCEPTED_INVALID,
    ids.schemathesis_rule("negative_data_rejection"),
    ids.one_rule_broken(ids.VALIDATION_ERROR),
    *SWEEP,
)
# ... answers a schema violation with a business rule's code (still 400) ...
WRONG_CODE = (
    ids.VALIDATION_ERROR,
    ids.one_rule_broken(ids.VALIDATION_ERROR),
    *SWEEP,
)
# ... or refuses a request the contract accepts.
REFUSES = (
    ids.ACCEPT_OPTIONS,
    ids.ACCEPT_RESULT,
    ids.ACCEPT_DATE_TIME,
    ids.ACCEPT_RECIPIENT_RESOLUTION,
    ids.ACCEPT_GUID_CASE,
    ids.ACCEPT_TEMPLATE,
    ids.ACCEPT_ADVANCED_IDS,
    ids.ACCEPT_PUBLIC_EXAMPLE,
    ids.PROPERTY_VALID_REQUESTS_ACCEPTED,
    ids.CLIENT_VALID_REQUEST_ACCEPTED,
    ids.schemathesis_rule("positive_data_acceptance"),
    *SWEEP,
)

SCHEMAS = "/components/schemas"
# The integer fields: name -> (the schema's pointer, the path in a request, minimum,
# maximum or None when unbounded).
INTS: dict[str, tuple[str, tuple[str, ...], int, int | None]] = {
    "Type": (f"{SCHEMAS}/MessageRequestType", ("Type",), 0, 2),
    "channel": (f"{SCHEMAS}/DeliveryChannel", ("Contacts", "*", "*"), 0, 3),
    "SrcPort": (
        f"{SCHEMAS}/MessageOptionsV2/properties/SrcPort",
        ("Options", "SrcPort"),
        0,
        65535,
    ),
    "DstPort": (
        f"{SCHEMAS}/MessageOptionsV2/properties/DstPort",
        ("Options", "DstPort"),
        0,
        65535,
    ),
    "Reads": (f"{SCHEMAS}/MessageOptionsV2/properties/Reads", ("Options", "Reads"), 0, None),
    "ResponseLimit": (
        f"{SCHEMAS}/MessageOptionsV2/properties/ResponseLimit",
        ("Options", "ResponseLimit"),
        0,
        None,
    ),
    "ResponseAlert": (f"{SCHEMAS}/ResponseAlertType", ("Options", "ResponseAlert"), 0, 3),
    "Frequency": (
        f"{SCHEMAS}/RepeatOptions/properties/Frequency",
        ("Options", "Repeat", "Frequency"),
        1,
        1440,
    ),
    "Repetitions": (
        f"{SCHEMAS}/RepeatOptions/properties/Repetitions",
        ("Options", "Repeat", "Repetitions"),
        0,
        10,
    ),
    "OccurrencesEnd": (
        f"{SCHEMAS}/RecurringOptions/properties/OccurrencesEnd",
        ("Options", "RecurringOptions", "OccurrencesEnd"),
        1,
        None,
    ),
    "PatternScheduleDays": (
        f"{SCHEMAS}/RecurringOptions/properties/PatternScheduleDays",
        ("Options", "RecurringOptions", "PatternScheduleDays"),
        0,
        127,
    ),
    "Range": (f"{SCHEMAS}/RecurrenceRange", ("Options", "RecurringOptions", "Range"), 0, 2),
}
ENUMS = frozenset({"Type", "channel", "ResponseAlert", "Range"})


def walk(instance: Any, path: tuple[str, ...]) -> Iterator[tuple[dict[str, Any], str]]:
    """(container, key) for each place `path` reaches ('*': every key of a map)."""
    if not path:
        return
    if not isinstance(instance, dict):
        return
    head, rest = path[0], path[1:]
    keys = list(instance) if head == "*" else ([head] if head in instance else [])
    for key in keys:
        if rest:
            yield from walk(instance[key], rest)
        else:
            yield instance, key


# -- a schema edited in one place ------------------------------------------------------------


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Final = _Delete()  # a `SchemaEdit.value`: the member at the pointer is removed


@dataclass(frozen=True, slots=True)
class SchemaEdit:
    """One constraint of the request schema changed: `pointer` (into the spec document) is
    set to `value`, or removed when `value` is DELETE. A server validating with the edited
    schema breaks exactly that constraint; the suite must name one of `rules`."""

    name: str
    description: str
    pointer: str
    value: Any
    rules: tuple[RuleId, ...]


def apply_edit(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Sets (or, for DELETE, removes) the member of `document` at `pointer`, in place;
    every token but the last must exist, and a removed member must exist too."""
    *parents, last = (pointer_unescape(t) for t in pointer.split("/")[1:])
    node: Any = document
    for depth, token in enumerate(parents):
        if not isinstance(node, dict) or token not in node:
            where = "/" + "/".join(parents[: depth + 1])
            raise KeyError(f"schema edit at {pointer}: {where} is not in the spec")
        node = node[token]
    if not isinstance(node, dict):
        raise KeyError(f"schema edit at {pointer}: its parent is not an object")
    if value is DELETE:
        if last not in node:
            raise KeyError(f"schema edit at {pointer}: nothing there to delete")
        del node[last]
    else:
        node[last] = copy.deepcopy(value)


_VALIDATORS: dict[tuple[str, str, str], RequestValidator] = {}


def edited(edit: SchemaEdit) -> type[Behaviour]:
    """A mock that validates against the spec's schema with `edit` applied (model gate
    off: the edited schema alone decides)."""

    class Edited(Behaviour):
        def __init__(self, state: MockState) -> None:
            super().__init__(state)
            key = (state.spec.sha256, edit.pointer, repr(edit.value))
            validator = _VALIDATORS.get(key)
            if validator is None:
                document = copy.deepcopy(state.spec.document)
                apply_edit(document, edit.pointer, edit.value)
                spec = Spec(path=state.spec.path, document=document, sha256=f"edit:{edit.name}")
                validator = RequestValidator(spec)
                validator._model = None
                _VALIDATORS[key] = validator
            self.edited = validator

        def check_schema(self, instance: Any) -> Failure | None:
            violations = self.edited.violations(instance)
            if not violations:
                return None
            return self.fail("schema", self.edited.reason(violations))

    Edited.__name__ = Edited.__qualname__ = f"Edited[{edit.name}]"
    return Edited


# -- a deserializer that coerces, a view that is validated -----------------------------------


class CoerceFault(Behaviour):
    """Coerces values at `paths` in place with `coerce` (return the value unchanged to
    leave it), then validates as the mock does."""

    coerce_paths: tuple[tuple[str, ...], ...] = ()

    def coerce(self, value: Any) -> Any:  # pragma: no cover - overridden
        return value

    def check_schema(self, instance: Any) -> Failure | None:
        for path in self.coerce_paths:
            for container, key in list(walk(instance, path)):
                container[key] = self.coerce(container[key])
        return super().check_schema(instance)


def coerced(paths: tuple[tuple[str, ...], ...], coerce: Callable[[Any], Any]) -> type[Behaviour]:
    """A CoerceFault at `paths` with `coerce`."""
    return type(
        "Coerced", (CoerceFault,), {"coerce_paths": paths, "coerce": lambda self, v: coerce(v)}
    )


class ViewFault(Behaviour):
    """Validates a view of the request (`view` edits a deep copy); the business rules see
    the request as sent."""

    def view(self, instance: Any) -> None:  # pragma: no cover - overridden
        pass

    def check_schema(self, instance: Any) -> Failure | None:
        copied = copy.deepcopy(instance)
        self.view(copied)
        return super().check_schema(copied)


def python_int(key: str) -> str | None:
    try:
        return str(int(key))
    except ValueError:
        return None


def python_uuid(key: str) -> str | None:
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return None
