"""More broken variants of the mock: request validation, one constraint at a time (an
audit's faults). Each drops or shifts exactly one constraint of the request schema, as a
real server would: a schema edited in one place (`SpecFault`), a lenient deserializer that
coerces before validating (`CoerceFault`), or an override of one check.

Registered into `tests.fault_catalog.FAULTS` at the end of this module, each with the
rules its audit expected and the field sweep's (`validation/field-constraints`,
`acceptance/field-bounds`). Left out: the faults where a conforming server may do the same
(integral floats, unbounded integers beyond 32 bits, keys with a final newline or
non-ASCII digits, date-times with a space or in lower case, UTF-16 lengths, ...).
"""

from __future__ import annotations

import copy
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from mockserver import Behaviour, Failure, SendContext
from mockserver.validation import RequestValidator, json_path, show
from tests.fault_catalog import FAULTS, Fault
from twosms_contract.spec import Spec

REGISTRY: list[tuple[str, str, type[Behaviour]]] = []
EXPECT: dict[str, frozenset[str]] = {}
EXPOSE: dict[str, Any] = {}
KIND: dict[str, str] = {}

# What the suite reports when a server accepts a request the schema refuses ...
ACCEPTS = (
    "validation/ValidationError",
    "success-invariants/accepted-invalid",
    "schemathesis/negative_data_rejection",
    "properties/one-rule-broken/ValidationError",
)
# ... answers a schema violation with a business rule's code (still 400) ...
WRONG_CODE = ("validation/ValidationError", "properties/one-rule-broken/ValidationError")
# ... or refuses a request the contract accepts.
REFUSES = (
    "acceptance/options",
    "acceptance/result",
    "acceptance/date-time",
    "acceptance/recipient-resolution",
    "acceptance/guid-case",
    "acceptance/template",
    "acceptance/advanced-ids",
    "acceptance/public-example",
    "properties/valid-requests-accepted",
    "client/valid-request-accepted",
    "schemathesis/positive_data_acceptance",
)
_KINDS = {"accepts": ACCEPTS, "wrong-code": WRONG_CODE, "refuses": REFUSES}

QUICK = "+447700900123"
FAR = "2099-12-31T00:00:00+00:00"


def base(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Contacts": {"QuickRecipients": {QUICK: 2}},
        "Content": "Contract test",
        "Options": {},
        "Type": 1,
    }
    body.update(copy.deepcopy(overrides))
    return body


def opts(**options: Any) -> dict[str, Any]:
    return base(Options=options)


def register(name: str, description: str, kind: str, expose: Any, cls: type[Behaviour]) -> None:
    assert name not in EXPECT, name
    cls.__name__ = cls.__qualname__ = "".join(p.title() for p in re.split(r"[^A-Za-z0-9]", name))
    REGISTRY.append((name, description, cls))
    EXPECT[name] = frozenset(_KINDS[kind])
    EXPOSE[name] = expose
    KIND[name] = kind


def fault(name: str, description: str, kind: str, expose: Any) -> Callable[[type], type]:
    def wrap(cls: type[Behaviour]) -> type[Behaviour]:
        register(name, description, kind, expose, cls)
        return cls

    return wrap


# -- the three mechanisms -----------------------------------------------------------------

_VALIDATORS: dict[type, RequestValidator] = {}


class SpecFault(Behaviour):
    """Validates against the spec's schema with one edit (`edit`), model gate off."""

    def edit(self, schemas: dict[str, Any]) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __init__(self, state: Any) -> None:
        super().__init__(state)
        validator = _VALIDATORS.get(type(self))
        if validator is None:
            document = copy.deepcopy(state.spec.document)
            self.edit(document["components"]["schemas"])
            spec = Spec(path=state.spec.path, document=document, sha256="audit-F")
            validator = RequestValidator(spec)
            validator._model = None  # the edited schema alone decides
            _VALIDATORS[type(self)] = validator
        self.edited = validator

    def check_schema(self, instance: Any) -> Failure | None:
        violations = self.edited.violations(instance)
        if not violations:
            return None
        return self.fail("schema", self.edited.reason(violations))


def spec_fault(
    name: str, description: str, kind: str, expose: Any, edit: Callable[[dict[str, Any]], None]
) -> None:
    cls = type("X", (SpecFault,), {"edit": lambda self, schemas: edit(schemas)})
    register(name, description, kind, expose, cls)


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


def coerce_fault(
    name: str,
    description: str,
    kind: str,
    expose: Any,
    paths: tuple[tuple[str, ...], ...],
    coerce: Callable[[Any], Any],
) -> None:
    cls = type(
        "X", (CoerceFault,), {"coerce_paths": paths, "coerce": lambda self, value: coerce(value)}
    )
    register(name, description, kind, expose, cls)


def _drop_format(path: tuple[str, ...], schemas: dict[str, Any]) -> None:
    owner = "RecurringOptions" if len(path) == 3 else "MessageOptionsV2"
    S(schemas, owner, path[-1]).pop("format")


def _drop_type(schema: str, name: str, schemas: dict[str, Any]) -> None:
    S(schemas, schema, name).pop("type")


def S(schemas: dict[str, Any], *names: str) -> dict[str, Any]:
    """A schema node: S(s, "MessageOptionsV2", "SrcPort") is that property's schema."""
    node: dict[str, Any] = schemas[names[0]]
    for name in names[1:]:
        node = node["properties"][name]
    return node


# -- required ------------------------------------------------------------------------------


def _default(key: str, value: Any) -> type[Behaviour]:
    class Default(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            if isinstance(instance, dict) and key not in instance:
                instance[key] = copy.deepcopy(value)
            return super().check_schema(instance)

    return Default


register(
    "req-options-default-empty",
    "a missing Options is taken as {} (a default), not a ValidationError",
    "accepts",
    {k: v for k, v in base().items() if k != "Options"},
    _default("Options", {}),
)
register(
    "req-type-default-standard",
    "a missing Type is taken as 1 (Standard), not a ValidationError",
    "accepts",
    {k: v for k, v in base().items() if k != "Type"},
    _default("Type", 1),
)
spec_fault(
    "req-contacts-not-required",
    "Contacts is not required: a request without it is NoRecipients, not ValidationError",
    "wrong-code",
    {k: v for k, v in base().items() if k != "Contacts"},
    lambda s: s["MessageV2"].__setitem__("required", ["Options", "Type"]),
)


# -- integer fields: bounds, enums, coercions ----------------------------------------------

# name -> (schema location, instance path, minimum, maximum, request builder for a value)
INTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int, int | None, Callable[[Any], Any]]] = {
    "Type": (("MessageRequestType",), ("Type",), 0, 2, lambda v: _type_request(v)),
    "channel": (("DeliveryChannel",), ("Contacts", "*", "*"), 0, 3, lambda v: _channel_request(v)),
    "SrcPort": (
        ("MessageOptionsV2", "SrcPort"),
        ("Options", "SrcPort"),
        0,
        65535,
        lambda v: opts(SrcPort=v),
    ),
    "DstPort": (
        ("MessageOptionsV2", "DstPort"),
        ("Options", "DstPort"),
        0,
        65535,
        lambda v: opts(DstPort=v),
    ),
    "Reads": (
        ("MessageOptionsV2", "Reads"),
        ("Options", "Reads"),
        0,
        None,
        lambda v: opts(Reads=v),
    ),
    "ResponseLimit": (
        ("MessageOptionsV2", "ResponseLimit"),
        ("Options", "ResponseLimit"),
        0,
        None,
        lambda v: opts(ResponseLimit=v),
    ),
    "ResponseAlert": (
        ("ResponseAlertType",),
        ("Options", "ResponseAlert"),
        0,
        3,
        lambda v: opts(ResponseAlert=v),
    ),
    "Frequency": (
        ("RepeatOptions", "Frequency"),
        ("Options", "Repeat", "Frequency"),
        1,
        1440,
        lambda v: opts(Repeat={"Frequency": v}),
    ),
    "Repetitions": (
        ("RepeatOptions", "Repetitions"),
        ("Options", "Repeat", "Repetitions"),
        0,
        10,
        lambda v: opts(Repeat={"Repetitions": v}),
    ),
    "OccurrencesEnd": (
        ("RecurringOptions", "OccurrencesEnd"),
        ("Options", "RecurringOptions", "OccurrencesEnd"),
        1,
        None,
        lambda v: base(Type=2, Options={"RecurringOptions": {"Range": 1, "OccurrencesEnd": v}}),
    ),
    "PatternScheduleDays": (
        ("RecurringOptions", "PatternScheduleDays"),
        ("Options", "RecurringOptions", "PatternScheduleDays"),
        0,
        127,
        lambda v: base(Type=2, Options={"RecurringOptions": {"PatternScheduleDays": v}}),
    ),
    "Range": (
        ("RecurrenceRange",),
        ("Options", "RecurringOptions", "Range"),
        0,
        2,
        lambda v: base(
            Type=2,
            Options={"RecurringOptions": {"Range": v, "OccurrencesEnd": 3}, "ExpiryDate": FAR},
        ),
    ),
}


def _type_request(v: Any) -> dict[str, Any]:
    """Type v; a Recurring one (2, 2.0) with its RecurringOptions."""
    if v == 2 and not isinstance(v, bool):
        return base(Type=v, Options={"RecurringOptions": {"Range": 0}})
    return base(Type=v)


def _channel_request(v: Any) -> dict[str, Any]:
    """Channel v on a recipient it can reach: 1 an address, 3 contact 1003 (both), else a
    number."""
    if v == 3:
        return base(Contacts={"ContactID": {"1003": v}})
    if v == 1 or v == "1" or v == 1.5:
        return base(Contacts={"QuickRecipients": {"ann@example.org": v}})
    return base(Contacts={"QuickRecipients": {QUICK: v}})


ENUMS = {"Type", "channel", "ResponseAlert", "Range"}


def _set_bound(
    where: tuple[str, ...], keyword: str, value: int
) -> Callable[[dict[str, Any]], None]:
    def edit(schemas: dict[str, Any]) -> None:
        S(schemas, *where)[keyword] = value

    return edit


def _set_enum(where: tuple[str, ...], values: list[int]) -> Callable[[dict[str, Any]], None]:
    def edit(schemas: dict[str, Any]) -> None:
        S(schemas, *where)["enum"] = values

    return edit


for _field, (_where, _path, _lo, _hi, _build) in INTS.items():
    _slug = _field.lower()
    if _field in ENUMS:
        assert _hi is not None  # an enum has both ends
        _members = list(range(_lo, _hi + 1))
        spec_fault(
            f"{_slug}-enum-adds-minus-1",
            f"{_field}: -1 is accepted as a member of the enum {_members}",
            "accepts",
            _build(-1),
            _set_enum(_where, [-1, *_members]),
        )
        spec_fault(
            f"{_slug}-enum-adds-{_hi + 1}",
            f"{_field}: {_hi + 1} is accepted as a member of the enum {_members}",
            "accepts",
            _build(_hi + 1),
            _set_enum(_where, [*_members, _hi + 1]),
        )
        spec_fault(
            f"{_slug}-enum-drops-{_lo}",
            f"{_field}: the member {_lo} is missing from the enum (refused)",
            "refuses",
            _build(_lo),
            _set_enum(_where, _members[1:]),
        )
        spec_fault(
            f"{_slug}-enum-drops-{_hi}",
            f"{_field}: the member {_hi} is missing from the enum (refused)",
            "refuses",
            _build(_hi),
            _set_enum(_where, _members[:-1]),
        )
    else:
        spec_fault(
            f"{_slug}-min-{_lo - 1}".replace("--", "-minus-"),
            f"{_field}: minimum {_lo - 1} instead of {_lo} ({_lo - 1} accepted)",
            "accepts",
            _build(_lo - 1),
            _set_bound(_where, "minimum", _lo - 1),
        )
        spec_fault(
            f"{_slug}-min-{_lo + 1}",
            f"{_field}: minimum {_lo + 1} instead of {_lo} ({_lo} refused)",
            "refuses",
            _build(_lo),
            _set_bound(_where, "minimum", _lo + 1),
        )
        if _hi is not None:
            spec_fault(
                f"{_slug}-max-{_hi + 1}",
                f"{_field}: maximum {_hi + 1} instead of {_hi} ({_hi + 1} accepted)",
                "accepts",
                _build(_hi + 1),
                _set_bound(_where, "maximum", _hi + 1),
            )
            spec_fault(
                f"{_slug}-max-{_hi - 1}",
                f"{_field}: maximum {_hi - 1} instead of {_hi} ({_hi} refused)",
                "refuses",
                _build(_hi),
                _set_bound(_where, "maximum", _hi - 1),
            )
        else:
            spec_fault(
                f"{_slug}-int32",
                f"{_field}: read as a 32-bit int, so 2147483648 is refused (the schema has no"
                " maximum)",
                "refuses",
                _build(2**31),
                _set_bound(_where, "maximum", 2**31 - 1),
            )
    # Lenient readers: a numeric string, a fraction, a boolean taken for the integer.
    _mid = _lo + 1 if _hi is None or _lo + 1 <= _hi else _lo
    coerce_fault(
        f"{_slug}-string-coerced",
        f'{_field}: a numeric string ("{_mid}") is read as the integer {_mid}',
        "accepts",
        _build(str(_mid)),
        (_path,),
        lambda v: int(v) if isinstance(v, str) and v.strip().lstrip("+-").isdigit() else v,
    )
    coerce_fault(
        f"{_slug}-fraction-truncated",
        f"{_field}: a fraction ({_mid}.5) is truncated to {_mid}",
        "accepts",
        _build(_mid + 0.5),
        (_path,),
        lambda v: int(v) if isinstance(v, float) and v == v and abs(v) < 1e18 else v,
    )
    coerce_fault(
        f"{_slug}-bool-coerced",
        f"{_field}: true and false are read as 1 and 0",
        "accepts",
        _build(True),
        (_path,),
        lambda v: int(v) if isinstance(v, bool) else v,
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
    _where, _path, _lo, _hi, _build = INTS[_field]
    register(
        f"{_field.lower()}-integral-float-refused",
        f"{_field}: {_lo + 1}.0 (an integer by JSON Schema) is refused (strict integer reader)",
        "refuses",
        _build(float(_lo + 1)),
        type("X", (_StrictIntegers,), {"path": _path}),
    )


# -- Type 2 if/then --------------------------------------------------------------------------


@fault(
    "recurring-required-for-advanced",
    "RecurringOptions is also required for Type 0 (the if/then applied to Type 0 and 2)",
    "refuses",
    base(Type=0),
)
class RecurringForAdvanced(Behaviour):
    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type == 0 and ctx.options.get("RecurringOptions") is None:
            return self.fail(
                "missing-recurring-options", "$.Options.RecurringOptions: required when Type is 0"
            )
        return super().check_missing_recurring_options(ctx)


@fault(
    "recurring-if-type-2-int-only",
    "Type 2.0 (equal to 2 for JSON Schema's const) escapes the if/then: Type 2.0 without"
    " RecurringOptions is accepted",
    "accepts",
    base(Type=2.0),
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
    "accepts",
    opts(RecurringOptions={"Range": 5}),
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


# -- map keys (propertyNames) and channels of the other maps -------------------------------


def _quick_pattern(number: str = r"\+[0-9]{8,15}", email: str | None = None) -> Callable[..., Any]:
    mail = email or r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+"

    def edit(schemas: dict[str, Any]) -> None:
        schemas["QuickRecipientMap"]["propertyNames"]["pattern"] = rf"^({number}|{mail})(?!\n)$"

    return edit


spec_fault(
    "quick-key-7-digits-accepted",
    "QuickRecipients numbers of 7 digits are accepted (+ then 7 to 15)",
    "accepts",
    base(Contacts={"QuickRecipients": {"+1234567": 2}}),
    _quick_pattern(number=r"\+[0-9]{7,15}"),
)
spec_fault(
    "quick-key-16-digits-accepted",
    "QuickRecipients numbers of 16 digits are accepted (+ then 8 to 16)",
    "accepts",
    base(Contacts={"QuickRecipients": {"+1234567890123456": 2}}),
    _quick_pattern(number=r"\+[0-9]{8,16}"),
)
spec_fault(
    "quick-key-8-digits-refused",
    "QuickRecipients numbers need 9 digits (+ then 9 to 15): + and 8 digits is refused",
    "refuses",
    base(Contacts={"QuickRecipients": {"+12345678": 2}}),
    _quick_pattern(number=r"\+[0-9]{9,15}"),
)
spec_fault(
    "quick-key-15-digits-refused",
    "QuickRecipients numbers have at most 14 digits: + and 15 digits is refused",
    "refuses",
    base(Contacts={"QuickRecipients": {"+123456789012345": 2}}),
    _quick_pattern(number=r"\+[0-9]{8,14}"),
)
spec_fault(
    "quick-key-no-plus-accepted",
    "QuickRecipients numbers may omit the + (+? then 8 to 15 digits)",
    "accepts",
    base(Contacts={"QuickRecipients": {"447700900123": 2}}),
    _quick_pattern(number=r"\+?[0-9]{8,15}"),
)
spec_fault(
    "quick-email-needs-dot",
    "a QuickRecipients address needs a dot in its domain: ann@localhost is refused",
    "refuses",
    base(Contacts={"QuickRecipients": {"ann@localhost": 1}}),
    _quick_pattern(email=r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+\.[^@\x00-\x20\x7f]+"),
)
spec_fault(
    "quick-key-pattern-dropped",
    "QuickRecipients keys are not checked against the pattern (a key without + is taken for"
    " an address: InvalidRecipient for channel 2)",
    "wrong-code",
    base(Contacts={"QuickRecipients": {"447700900123": 2}}),
    lambda s: s["QuickRecipientMap"].pop("propertyNames"),
)
spec_fault(
    "contactid-key-pattern-dropped",
    "ContactID keys are not checked against ^[0-9]+$ (a bad key is UnknownContact)",
    "wrong-code",
    base(Contacts={"ContactID": {"sample string 1": 0}}),
    lambda s: s["ContactIdMap"].pop("propertyNames"),
)
spec_fault(
    "groupid-key-pattern-dropped",
    "GroupID keys are not checked against the GUID pattern (a bad key is UnknownGroup)",
    "wrong-code",
    base(Contacts={"GroupID": {"not-a-guid": 0}}),
    lambda s: s["GroupIdMap"].pop("propertyNames"),
)
spec_fault(
    "groupid-key-lowercase-only",
    "GroupID keys must be lower-case hex ([0-9a-f]): an upper-case GUID is a ValidationError",
    "refuses",
    base(Contacts={"GroupID": {"0B7C7B1E-4F5E-4C1A-9D2E-1F6A2B3C4D5E": 2}}),
    lambda s: s["GroupIdMap"]["propertyNames"].__setitem__(
        "pattern",
        r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!\n)$",
    ),
)
spec_fault(
    "contactid-key-needs-two-digits",
    'ContactID keys need two digits or more (^[0-9]{2,}$): contact "7" is a ValidationError,'
    " not UnknownContact",
    "wrong-code",
    base(Contacts={"ContactID": {"7": 0}}),
    lambda s: s["ContactIdMap"]["propertyNames"].__setitem__("pattern", r"^[0-9]{2,}(?!\n)$"),
)


def _rename_keys(path: tuple[str, ...], rename: Callable[[str], str | None]) -> type[Behaviour]:
    """Map keys at `path` renamed (normalised) before validation, as a lenient reader does;
    `rename` returns None to leave a key."""

    class Rename(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, path)):
                node = container[key]
                if isinstance(node, dict):
                    renamed = {}
                    for k, v in node.items():
                        new = rename(k)
                        renamed[new if new is not None else k] = v
                    container[key] = renamed
            return super().check_schema(instance)

    return Rename


def _python_int(key: str) -> str | None:
    try:
        return str(int(key))
    except ValueError:
        return None


def _python_uuid(key: str) -> str | None:
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return None


register(
    "contactid-key-read-with-int",
    "ContactID keys are read with int(): ' 1001', '+1001', '1_001' and Unicode digits are"
    " contact 1001",
    "accepts",
    base(Contacts={"ContactID": {"+1001": 2}}),
    _rename_keys(("Contacts", "ContactID"), _python_int),
)
register(
    "groupid-key-read-with-uuid",
    "GroupID keys are read with uuid.UUID(): braces, urn:uuid: and 32 hex digits without"
    " hyphens name the group",
    "accepts",
    base(Contacts={"GroupID": {"{0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e}": 2}}),
    _rename_keys(("Contacts", "GroupID"), _python_uuid),
)
register(
    "quick-key-separators-stripped",
    "spaces, hyphens, dots and parentheses are stripped from QuickRecipients numbers before"
    " the pattern: '+44 7700 900123' is +447700900123",
    "accepts",
    base(Contacts={"QuickRecipients": {"+44 7700 900123": 2}}),
    _rename_keys(
        ("Contacts", "QuickRecipients"),
        lambda k: re.sub(r"[ ().\-]", "", k) if k.startswith("+") else None,
    ),
)


class _ViewFault(Behaviour):
    """Validates a view of the request (`view` edits a deep copy); the business rules see
    the request as sent."""

    def view(self, instance: Any) -> None:  # pragma: no cover - overridden
        pass

    def check_schema(self, instance: Any) -> Failure | None:
        copied = copy.deepcopy(instance)
        self.view(copied)
        return super().check_schema(copied)


def _view_keys(path: tuple[str, ...], rename: Callable[[str], str]) -> type[Behaviour]:
    def view(self: Any, instance: Any) -> None:
        for container, key in list(walk(instance, path)):
            node = container[key]
            if isinstance(node, dict):
                container[key] = {rename(k): v for k, v in node.items()}

    return type("X", (_ViewFault,), {"view": view})


def _ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


register(
    "quick-key-unicode-digits",
    "the E.164 pattern is read with \\d (Unicode digits, as .NET and Python re do): "
    "'+٤٤٧٧٠٠٩٠٠١٢٣' is a number",
    "accepts",
    base(Contacts={"QuickRecipients": {"+٤٤٧٧٠٠٩٠٠١٢٣": 2}}),
    _view_keys(("Contacts", "QuickRecipients"), _ascii_digits),
)
register(
    "quick-key-trailing-newline",
    "the QuickRecipients pattern ends with a plain $ in Python re, which matches before a"
    " final newline: '+447700900123\\n' is accepted",
    "accepts",
    base(Contacts={"QuickRecipients": {QUICK + "\n": 2}}),
    _view_keys(("Contacts", "QuickRecipients"), lambda k: k[:-1] if k.endswith("\n") else k),
)
register(
    "contactid-key-trailing-newline",
    "the ContactID pattern ends with a plain $: '1001\\n' is accepted (as an unknown contact:"
    " UnknownContact, not ValidationError)",
    "wrong-code",
    base(Contacts={"ContactID": {"1001\n": 2}}),
    _view_keys(("Contacts", "ContactID"), lambda k: k[:-1] if k.endswith("\n") else k),
)


def _channel_default(map_name: str) -> type[Behaviour]:
    class ChannelDefault(Behaviour):
        """An out-of-enum channel becomes 0 (a C# enum cast accepts any integer)."""

        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, ("Contacts", map_name, "*"))):
                value = container[key]
                if isinstance(value, int) and not isinstance(value, bool) and value not in range(4):
                    container[key] = 0
            return super().check_schema(instance)

    return ChannelDefault


register(
    "contactid-channel-out-of-enum-default",
    "a ContactID channel outside 0..3 is taken as 0 (default) instead of a ValidationError"
    " (QuickRecipients channels are checked)",
    "accepts",
    base(Contacts={"ContactID": {"1001": 4}}),
    _channel_default("ContactID"),
)
register(
    "groupid-channel-out-of-enum-default",
    "a GroupID channel outside 0..3 is taken as 0 (default) instead of a ValidationError",
    "accepts",
    base(Contacts={"GroupID": {"0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e": 4}}),
    _channel_default("GroupID"),
)


# -- objects taken leniently ----------------------------------------------------------------


def _empty_for_array(*path: str) -> type[Behaviour]:
    class EmptyForArray(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, path)):
                if container[key] == []:
                    container[key] = {}
            return super().check_schema(instance)

    return EmptyForArray


register(
    "options-empty-array-as-object",
    "Options [] is read as {} (an empty collection), not a ValidationError",
    "accepts",
    base(Options=[]),
    _empty_for_array("Options"),
)
register(
    "contacts-empty-array-as-object",
    "Contacts [] is read as {}: NoRecipients instead of ValidationError",
    "wrong-code",
    base(Contacts=[]),
    _empty_for_array("Contacts"),
)
register(
    "quick-recipients-empty-array-as-object",
    "QuickRecipients [] is read as {} beside a valid ContactID map: accepted",
    "accepts",
    base(Contacts={"QuickRecipients": [], "ContactID": {"1001": 2}}),
    _empty_for_array("Contacts", "QuickRecipients"),
)
register(
    "repeat-empty-array-as-object",
    "Options.Repeat [] is read as {}",
    "accepts",
    opts(Repeat=[]),
    _empty_for_array("Options", "Repeat"),
)
register(
    "email-options-empty-array-as-object",
    "Options.EmailOptions [] is read as {}",
    "accepts",
    opts(EmailOptions=[]),
    _empty_for_array("Options", "EmailOptions"),
)


@fault(
    "template-string-as-id",
    "a Template given as a string is taken for its ID (UnknownTemplate or a send, not a"
    " ValidationError)",
    "accepts",
    base(Template="2c1a5e8e-9b7d-4f3a-8c6e-0d1f2a3b4c5d"),
)
class TemplateStringAsId(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Template"), str):
            instance["Template"] = {"ID": instance["Template"], "PlaceHolders": {"1": ""}}
        return super().check_schema(instance)


# -- strings ---------------------------------------------------------------------------------

coerce_fault(
    "content-number-coerced",
    "a numeric Content (5) is read as the text '5'",
    "accepts",
    base(Content=5),
    (("Content",),),
    lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v,
)
coerce_fault(
    "content-bool-coerced",
    "a boolean Content (true) is read as the text 'True'",
    "accepts",
    base(Content=True),
    (("Content",),),
    lambda v: str(v) if isinstance(v, bool) else v,
)
coerce_fault(
    "placeholder-value-coerced",
    "non-string PlaceHolders values (5, true) are read as their text",
    "accepts",
    base(Template={"ID": "2c1a5e8e-9b7d-4f3a-8c6e-0d1f2a3b4c5d", "PlaceHolders": {"1": 5}}),
    (("Template", "PlaceHolders", "*"),),
    lambda v: str(v) if isinstance(v, (int, float, bool)) else v,
)
spec_fault(
    "placeholder-keys-digits-only",
    "PlaceHolders keys must be digits (propertyNames ^[0-9]+$): a key 'name' is refused"
    " (decision placeholder-keys: keys are not constrained)",
    "refuses",
    base(
        Template={
            "ID": "2c1a5e8e-9b7d-4f3a-8c6e-0d1f2a3b4c5d",
            "PlaceHolders": {"1": "x", "name": "y"},
        }
    ),
    lambda s: s["PlaceholderMap"].__setitem__("propertyNames", {"pattern": "^[0-9]+$"}),
)
for _name in ("FromName", "Subject"):
    spec_fault(
        f"{_name.lower()}-type-unchecked",
        f"EmailOptions.{_name} is not type-checked: a number is accepted",
        "accepts",
        opts(EmailOptions={_name: 5}),
        functools.partial(_drop_type, "EmailOptions", _name),
    )
for _name in (
    "DeliverToValidatedOnly",
    "EmailReadReceipt",
    "SmsReadReceipt",
    "SecureMessage",
    "DeliveryReceipt",
):
    spec_fault(
        f"{_name.lower()}-type-unchecked",
        f"Options.{_name} is not type-checked (any JSON value, read for its truthiness)",
        "accepts",
        opts(**{_name: "maybe"}),
        functools.partial(_drop_type, "MessageOptionsV2", _name),
    )
coerce_fault(
    "booleans-string-coerced",
    "the boolean options accept the strings 'true' and 'false' (any case)",
    "accepts",
    opts(SecureMessage="true"),
    tuple(
        ("Options", n)
        for n in (
            "DeliveryReceipt",
            "DeliverToValidatedOnly",
            "EmailReadReceipt",
            "SmsReadReceipt",
            "SecureMessage",
        )
    ),
    lambda v: {"true": True, "false": False}.get(v.lower(), v) if isinstance(v, str) else v,
)
coerce_fault(
    "booleans-int-coerced",
    "the boolean options accept 0 and 1",
    "accepts",
    opts(DeliveryReceipt=1),
    tuple(
        ("Options", n)
        for n in (
            "DeliveryReceipt",
            "DeliverToValidatedOnly",
            "EmailReadReceipt",
            "SmsReadReceipt",
            "SecureMessage",
        )
    ),
    lambda v: bool(v) if isinstance(v, int) and not isinstance(v, bool) and v in (0, 1) else v,
)


# -- Template.ID (format uuid + pattern) ----------------------------------------------------


def _drop_id_checks(schemas: dict[str, Any]) -> None:
    node = S(schemas, "TemplateInfo", "ID")
    node.pop("format")
    node.pop("pattern")


spec_fault(
    "template-id-unchecked",
    "Template.ID is not checked as a GUID: 'not-a-guid' is UnknownTemplate, not ValidationError",
    "wrong-code",
    base(Template={"ID": "not-a-guid"}),
    _drop_id_checks,
)
spec_fault(
    "template-id-lowercase-only",
    "Template.ID must be lower-case hex: an upper-case GUID is a ValidationError",
    "refuses",
    base(Template={"ID": "2C1A5E8E-9B7D-4F3A-8C6E-0D1F2A3B4C5D", "PlaceHolders": {"1": "x"}}),
    lambda s: S(s, "TemplateInfo", "ID").__setitem__(
        "pattern", r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!\n)$"
    ),
)


@fault(
    "template-id-read-with-uuid",
    "Template.ID is read with uuid.UUID(): '{guid}', 'urn:uuid:guid' and 32 hex digits name"
    " the template",
    "accepts",
    base(Template={"ID": "{2c1a5e8e-9b7d-4f3a-8c6e-0d1f2a3b4c5d}", "PlaceHolders": {"1": "x"}}),
)
class TemplateIdUuid(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        template = instance.get("Template") if isinstance(instance, dict) else None
        if isinstance(template, dict) and isinstance(template.get("ID"), str):
            parsed = _python_uuid(template["ID"])
            if parsed is not None:
                template["ID"] = parsed
        return super().check_schema(instance)


# -- date-time fields -----------------------------------------------------------------------

_SHAPE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?", re.ASCII)
_SPACE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)
DATE_FIELDS = {
    "DateToSend": ("Options", "DateToSend"),
    "ExpiryDate": ("Options", "ExpiryDate"),
    "RecDateToSend": ("Options", "RecurringOptions", "RecDateToSend"),
}
FUTURE = "2099-10-26T11:42:31"


def _date_request(field: str, value: str) -> dict[str, Any]:
    if field == "RecDateToSend":
        return base(Type=2, Options={"RecurringOptions": {"Range": 0, "RecDateToSend": value}})
    return opts(**{field: value})


def _rolled(value: str) -> str | None:
    """A date-time the calendar refuses (Feb 30, 25:00) rolled over as a lenient parser does."""
    m = _SHAPE.fullmatch(value)
    if m is None:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    if not (1 <= mo <= 12) or y < 1:
        return None
    try:
        moment = datetime(y, mo, 1) + timedelta(days=d - 1, hours=h, minutes=mi, seconds=s)
    except OverflowError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (m.group(7) or "") + m.group(8)


class _DateFault(Behaviour):
    path: tuple[str, ...] = ()
    mode: str = ""

    def check_schema(self, instance: Any) -> Failure | None:
        for container, key in list(walk(instance, self.path)):
            value = container[key]
            if not isinstance(value, str):
                continue
            refused = self.refuse(value)
            if refused:
                return self.fail(
                    "schema", f"{json_path(self.path)}: {show(value)} is not a valid date-time"
                )
            accepted = self.accept(value)
            if accepted is not None:
                container[key] = accepted
        return super().check_schema(instance)

    def refuse(self, value: str) -> bool:
        mode = self.mode
        if mode == "seven-digits-refused":
            return re.search(r"\.\d{7,}", value) is not None
        if mode == "fraction-required":
            return _SHAPE.fullmatch(value) is not None and "." not in value
        if mode == "zulu-refused":
            return value.endswith(("Z", "z"))
        if mode == "lowercase-refused":
            return _SHAPE.fullmatch(value) is not None and ("t" in value or value.endswith("z"))
        if mode == "offset-required-nonzero":
            return value.endswith(("+00:00", "-00:00"))
        return False

    def accept(self, value: str) -> str | None:
        mode = self.mode
        if mode == "no-offset-accepted" and _NAIVE.fullmatch(value):
            return value + "+00:00"
        if mode == "space-accepted" and _SPACE.fullmatch(value):
            return value.replace(" ", "T", 1)
        if mode == "calendar-unchecked":
            rolled = _rolled(value)
            return rolled if rolled is not None and rolled != value else None
        return None


DATE_MODES = {
    # mode: (kind, value, description)
    "no-offset-accepted": (
        "accepts",
        FUTURE,
        "a date-time without an offset is accepted (taken as UTC)",
    ),
    "space-accepted": (
        "accepts",
        "2099-10-26 11:42:31+00:00",
        "a space instead of T is accepted (DateTime.Parse)",
    ),
    "calendar-unchecked": (
        "accepts",
        "2099-02-30T25:00:00+00:00",
        "the date-time is checked by shape only: Feb 30 and hour 25 are accepted (rolled over)",
    ),
    "seven-digits-refused": (
        "refuses",
        FUTURE + ".4461082+00:00",
        "7 fractional digits (the seed's form) are refused",
    ),
    "fraction-required": (
        "refuses",
        FUTURE + "+00:00",
        "a date-time without fractional seconds is refused",
    ),
    "zulu-refused": ("refuses", FUTURE + "Z", "a date-time ending in Z is refused"),
    "lowercase-refused": (
        "refuses",
        "2099-10-26t11:42:31z",
        "lower-case t and z (allowed by RFC 3339 5.6's note) are refused",
    ),
    "offset-required-nonzero": (
        "refuses",
        FUTURE + "+00:00",
        "an offset of +00:00 or -00:00 is refused (only Z is taken for UTC)",
    ),
}

for _field, _path in DATE_FIELDS.items():
    for _mode, (_kind, _value, _text) in DATE_MODES.items():
        register(
            f"{_field.lower()}-{_mode}",
            f"{_field}: {_text}",
            _kind,
            _date_request(_field, _value),
            type("X", (_DateFault,), {"path": _path, "mode": _mode}),
        )
    spec_fault(
        f"{_field.lower()}-format-unchecked",
        f"{_field}: the date-time format is not checked"
        + (" (a bad ExpiryDate is then InvalidExpiry)" if _field == "ExpiryDate" else ""),
        "wrong-code" if _field == "ExpiryDate" else "accepts",
        _date_request(_field, "tomorrow"),
        functools.partial(_drop_format, _path),
    )


# -- e-mail addresses (EmailOptions) --------------------------------------------------------

spec_fault(
    "from-address-unchecked",
    "EmailOptions.FromAddress is not checked as an address",
    "accepts",
    opts(EmailOptions={"FromAddress": "not an address"}),
    lambda s: S(s, "EmailOptions")["properties"].__setitem__("FromAddress", {"type": "string"}),
)
spec_fault(
    "reply-to-unchecked",
    "EmailOptions.ReplyTo is not checked as an address",
    "accepts",
    opts(EmailOptions={"ReplyTo": "not an address"}),
    lambda s: S(s, "EmailOptions")["properties"].__setitem__("ReplyTo", {"type": "string"}),
)
spec_fault(
    "email-address-needs-dot",
    "EmailOptions addresses need a dot in the domain: ops@localhost is refused",
    "refuses",
    opts(EmailOptions={"ReplyTo": "ops@localhost"}),
    lambda s: s["EmailAddress"].__setitem__(
        "pattern", r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+\.[^@\x00-\x20\x7f]+(?!\n)$"
    ),
)


@fault(
    "email-address-trailing-newline",
    "the EmailAddress pattern ends with a plain $ in Python re: 'ops@example.com\\n' is accepted",
    "accepts",
    opts(EmailOptions={"FromAddress": "ops@example.com\n"}),
)
class EmailNewline(_ViewFault):
    def view(self, instance: Any) -> None:
        for path in (
            ("Options", "EmailOptions", "FromAddress"),
            ("Options", "EmailOptions", "ReplyTo"),
        ):
            for container, key in list(walk(instance, path)):
                value = container[key]
                if isinstance(value, str) and value.endswith("\n"):
                    container[key] = value[:-1]


# -- Sender and Reference (rules with their own code) ----------------------------------------


def _sender_pattern(pattern: str) -> type[Behaviour]:
    class SenderPattern(Behaviour):
        def __init__(self, state: Any) -> None:
            super().__init__(state)
            self.sender_pattern = re.compile(pattern)

    return SenderPattern


register(
    "sender-letter-first",
    "an alphanumeric Sender must start with a letter: '24Shop' is InvalidSender",
    "refuses",
    opts(Sender="24Shop"),
    _sender_pattern(r"[A-Za-z][A-Za-z0-9 ]{0,10}|\+?[0-9]{1,15}"),
)
register(
    "sender-max-10",
    "an alphanumeric Sender of 11 characters is InvalidSender (limit 10)",
    "refuses",
    opts(Sender="ABCDEFGHIJK"),
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,10}|\+?[0-9]{1,15}"),
)
register(
    "sender-numeric-16-digits",
    "a numeric Sender of 16 digits is accepted",
    "accepts",
    opts(Sender="1234567890123456"),
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,16}"),
)
register(
    "sender-numeric-14-digits",
    "a numeric Sender of 15 digits is InvalidSender (limit 14)",
    "refuses",
    opts(Sender="123456789012345"),
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,14}"),
)
register(
    "sender-plus-not-allowed",
    "a numeric Sender with a leading + is InvalidSender",
    "refuses",
    opts(Sender="+447700900123"),
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|[0-9]{1,15}"),
)


@fault(
    "sender-trailing-newline",
    "the Sender rule is a Python re with a plain $ (re.match): 'Shop\\n' is accepted",
    "accepts",
    opts(Sender="Shop\n"),
)
class SenderNewline(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        pattern = r"^(?:[A-Za-z][A-Za-z0-9 ]{0,10}|[A-Za-z0-9 ]{1,11})$"
        if (
            isinstance(sender, str)
            and sender.endswith("\n")
            and re.match(pattern, sender)
            and any(c.isalpha() for c in sender)
        ):
            return None
        return super().check_invalid_sender(ctx)


@fault(
    "sender-empty-is-default",
    "an empty Sender is taken for absent (the account default), not InvalidSender",
    "accepts",
    opts(Sender=""),
)
class SenderEmptyDefault(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        if ctx.options.get("Sender") == "":
            return None
        return super().check_invalid_sender(ctx)


@fault(
    "reference-limit-65",
    "a Reference of 65 characters is accepted",
    "accepts",
    opts(Reference="r" * 65),
)
class ReferenceLimit65(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference) == 65:
            return None
        return super().check_invalid_reference(ctx)


@fault(
    "reference-counts-utf16-units",
    "Reference length is counted in UTF-16 code units (as .NET's string.Length): 33 emoji"
    " (33 characters, 66 units) are InvalidReference; JSON Schema's maxLength counts"
    " characters",
    "refuses",
    opts(Reference="\U0001f600" * 33),
)
class ReferenceUtf16(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference.encode("utf-16-le")) // 2 > 64:
            return self.fail(
                "invalid-reference",
                f"$.Options.Reference: {show(reference)} is over 64 characters",
            )
        return super().check_invalid_reference(ctx)


@fault(
    "reference-number-coerced",
    "a numeric Reference (12345) is read as the text '12345'",
    "accepts",
    opts(Reference=12345),
)
class ReferenceNumber(CoerceFault):
    coerce_paths = (("Options", "Reference"),)

    def coerce(self, value: Any) -> Any:
        return (
            str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        )


@fault(
    "sender-number-coerced",
    "a numeric Sender (447700900123) is read as the text '447700900123'",
    "accepts",
    opts(Sender=447700900123),
)
class SenderNumber(CoerceFault):
    coerce_paths = (("Options", "Sender"),)

    def coerce(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Where a conforming server may do the same as the fault: not asserted by the suite.
_OPEN = {
    "reads-int32", "responselimit-int32", "occurrencesend-int32",
    "type-integral-float-refused", "channel-integral-float-refused",
    "srcport-integral-float-refused", "recurring-if-type-2-int-only", "quick-email-needs-dot",
    "contactid-key-read-with-int", "quick-key-unicode-digits", "quick-key-trailing-newline",
    "contactid-key-trailing-newline", "template-string-as-id", "placeholder-keys-digits-only",
    "template-id-read-with-uuid", "datetosend-space-accepted", "datetosend-lowercase-refused",
    "expirydate-space-accepted", "expirydate-lowercase-refused", "recdatetosend-space-accepted",
    "recdatetosend-lowercase-refused", "email-address-needs-dot",
    "email-address-trailing-newline", "sender-trailing-newline", "reference-counts-utf16-units",
}  # fmt: skip
_SWEEP = frozenset(
    {"validation/field-constraints", "acceptance/field-bounds", "error-codes/UnknownContact"}
)

for _name, _description, _cls in REGISTRY:
    if _name not in _OPEN:
        FAULTS.append(Fault(_name, _description, _cls, frozenset(EXPECT[_name]) | _SWEEP))
