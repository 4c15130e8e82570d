"""Faults (and open corners) that change one constraint of the request schema, as data:
each row is (name, description, pointer into the spec, new value or DELETE, the rules the
suite must name), and `fields_base.edited` builds the mock that validates with it.

A row whose rules are `CONFORMING` is an open corner: a conforming server may decide it
either way, so it is a variant the suite must pass.
"""

from __future__ import annotations

from contract_tests.ids import RuleId
from tests.faults.base import Catalog
from tests.faults.fields_base import (
    ACCEPTS,
    DELETE,
    ENUMS,
    INTS,
    REFUSES,
    SCHEMAS,
    WRONG_CODE,
    SchemaEdit,
    edited,
)

CONFORMING: tuple[RuleId, ...] = ()
_PROPS = f"{SCHEMAS}/MessageOptionsV2/properties"
_EMAIL = r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+"
_LOWER_GUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!\n)$"


def _quick(number: str = r"\+[0-9]{8,15}", email: str = _EMAIL) -> str:
    """The QuickRecipients key pattern with another number or address part."""
    return rf"^({number}|{email})(?!\n)$"


_QUICK_PATTERN = f"{SCHEMAS}/QuickRecipientMap/propertyNames/pattern"

EDITS: list[SchemaEdit] = [
    SchemaEdit(
        "req-contacts-not-required",
        "Contacts is not required: a request without it is NoRecipients, not ValidationError",
        f"{SCHEMAS}/MessageV2/required",
        ["Options", "Type"],
        WRONG_CODE,
    ),
    # -- map keys (propertyNames)
    SchemaEdit(
        "quick-key-7-digits-accepted",
        "QuickRecipients numbers of 7 digits are accepted (+ then 7 to 15)",
        _QUICK_PATTERN,
        _quick(number=r"\+[0-9]{7,15}"),
        ACCEPTS,
    ),
    SchemaEdit(
        "quick-key-16-digits-accepted",
        "QuickRecipients numbers of 16 digits are accepted (+ then 8 to 16)",
        _QUICK_PATTERN,
        _quick(number=r"\+[0-9]{8,16}"),
        ACCEPTS,
    ),
    SchemaEdit(
        "quick-key-8-digits-refused",
        "QuickRecipients numbers need 9 digits (+ then 9 to 15): + and 8 digits is refused",
        _QUICK_PATTERN,
        _quick(number=r"\+[0-9]{9,15}"),
        REFUSES,
    ),
    SchemaEdit(
        "quick-key-15-digits-refused",
        "QuickRecipients numbers have at most 14 digits: + and 15 digits is refused",
        _QUICK_PATTERN,
        _quick(number=r"\+[0-9]{8,14}"),
        REFUSES,
    ),
    SchemaEdit(
        "quick-key-no-plus-accepted",
        "QuickRecipients numbers may omit the + (+? then 8 to 15 digits)",
        _QUICK_PATTERN,
        _quick(number=r"\+?[0-9]{8,15}"),
        ACCEPTS,
    ),
    SchemaEdit(
        "quick-email-needs-dot",
        "a QuickRecipients address needs a dot in its domain: ann@localhost is refused",
        _QUICK_PATTERN,
        _quick(email=r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+\.[^@\x00-\x20\x7f]+"),
        CONFORMING,
    ),
    SchemaEdit(
        "quick-key-pattern-dropped",
        "QuickRecipients keys are not checked against the pattern (a key without + is taken for"
        " an address: InvalidRecipient for channel 2)",
        f"{SCHEMAS}/QuickRecipientMap/propertyNames",
        DELETE,
        WRONG_CODE,
    ),
    SchemaEdit(
        "contactid-key-pattern-dropped",
        "ContactID keys are not checked against ^[0-9]+$ (a bad key is UnknownContact)",
        f"{SCHEMAS}/ContactIdMap/propertyNames",
        DELETE,
        WRONG_CODE,
    ),
    SchemaEdit(
        "groupid-key-pattern-dropped",
        "GroupID keys are not checked against the GUID pattern (a bad key is UnknownGroup)",
        f"{SCHEMAS}/GroupIdMap/propertyNames",
        DELETE,
        WRONG_CODE,
    ),
    SchemaEdit(
        "groupid-key-lowercase-only",
        "GroupID keys must be lower-case hex ([0-9a-f]): an upper-case GUID is a ValidationError",
        f"{SCHEMAS}/GroupIdMap/propertyNames/pattern",
        _LOWER_GUID,
        REFUSES,
    ),
    SchemaEdit(
        "contactid-key-needs-two-digits",
        'ContactID keys need two digits or more (^[0-9]{2,}$): contact "7" is a ValidationError,'
        " not UnknownContact",
        f"{SCHEMAS}/ContactIdMap/propertyNames/pattern",
        r"^[0-9]{2,}(?!\n)$",
        WRONG_CODE,
    ),
    # -- strings
    SchemaEdit(
        "placeholder-keys-digits-only",
        "PlaceHolders keys must be digits (propertyNames ^[0-9]+$): a key 'name' is refused"
        " (decision placeholder-keys: keys are not constrained)",
        f"{SCHEMAS}/PlaceholderMap/propertyNames",
        {"pattern": "^[0-9]+$"},
        CONFORMING,
    ),
    *(
        SchemaEdit(
            f"{name.lower()}-type-unchecked",
            f"EmailOptions.{name} is not type-checked: a number is accepted",
            f"{SCHEMAS}/EmailOptions/properties/{name}/type",
            DELETE,
            ACCEPTS,
        )
        for name in ("FromName", "Subject")
    ),
    *(
        SchemaEdit(
            f"{name.lower()}-type-unchecked",
            f"Options.{name} is not type-checked (any JSON value, read for its truthiness)",
            f"{_PROPS}/{name}/type",
            DELETE,
            ACCEPTS,
        )
        for name in (
            "DeliverToValidatedOnly",
            "EmailReadReceipt",
            "SmsReadReceipt",
            "SecureMessage",
            "DeliveryReceipt",
        )
    ),
    # -- Template.ID (format uuid + pattern)
    SchemaEdit(
        "template-id-unchecked",
        "Template.ID is not checked as a GUID: 'not-a-guid' is UnknownTemplate, not"
        " ValidationError",
        f"{SCHEMAS}/TemplateInfo/properties/ID",
        {"type": "string"},
        WRONG_CODE,
    ),
    SchemaEdit(
        "template-id-lowercase-only",
        "Template.ID must be lower-case hex: an upper-case GUID is a ValidationError",
        f"{SCHEMAS}/TemplateInfo/properties/ID/pattern",
        _LOWER_GUID,
        REFUSES,
    ),
    # -- date-time formats
    *(
        SchemaEdit(
            f"{name.lower()}-format-unchecked",
            f"{name}: the date-time format is not checked"
            + (" (a bad ExpiryDate is then InvalidExpiry)" if name == "ExpiryDate" else ""),
            f"{schema}/properties/{name}/format",
            DELETE,
            WRONG_CODE if name == "ExpiryDate" else ACCEPTS,
        )
        for name, schema in (
            ("DateToSend", f"{SCHEMAS}/MessageOptionsV2"),
            ("ExpiryDate", f"{SCHEMAS}/MessageOptionsV2"),
            ("RecDateToSend", f"{SCHEMAS}/RecurringOptions"),
        )
    ),
    # -- e-mail addresses (EmailOptions)
    SchemaEdit(
        "from-address-unchecked",
        "EmailOptions.FromAddress is not checked as an address",
        f"{SCHEMAS}/EmailOptions/properties/FromAddress",
        {"type": "string"},
        ACCEPTS,
    ),
    SchemaEdit(
        "reply-to-unchecked",
        "EmailOptions.ReplyTo is not checked as an address",
        f"{SCHEMAS}/EmailOptions/properties/ReplyTo",
        {"type": "string"},
        ACCEPTS,
    ),
    SchemaEdit(
        "email-address-needs-dot",
        "EmailOptions addresses need a dot in the domain: ops@localhost is refused",
        f"{SCHEMAS}/EmailAddress/pattern",
        r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+\.[^@\x00-\x20\x7f]+(?!\n)$",
        CONFORMING,
    ),
]


def _bounds(field: str) -> list[SchemaEdit]:
    """An enum with a member added or dropped at either end, or a minimum or maximum moved
    by one (for an unbounded integer: a 32-bit maximum, an open corner)."""
    where, _, lo, hi = INTS[field]
    slug = field.lower()
    if field in ENUMS:
        assert hi is not None  # an enum has both ends
        members = list(range(lo, hi + 1))
        return [
            SchemaEdit(
                f"{slug}-enum-adds-minus-1",
                f"{field}: -1 is accepted as a member of the enum {members}",
                f"{where}/enum",
                [-1, *members],
                ACCEPTS,
            ),
            SchemaEdit(
                f"{slug}-enum-adds-{hi + 1}",
                f"{field}: {hi + 1} is accepted as a member of the enum {members}",
                f"{where}/enum",
                [*members, hi + 1],
                ACCEPTS,
            ),
            SchemaEdit(
                f"{slug}-enum-drops-{lo}",
                f"{field}: the member {lo} is missing from the enum (refused)",
                f"{where}/enum",
                members[1:],
                REFUSES,
            ),
            SchemaEdit(
                f"{slug}-enum-drops-{hi}",
                f"{field}: the member {hi} is missing from the enum (refused)",
                f"{where}/enum",
                members[:-1],
                REFUSES,
            ),
        ]
    rows = [
        SchemaEdit(
            f"{slug}-min-{lo - 1}".replace("--", "-minus-"),
            f"{field}: minimum {lo - 1} instead of {lo} ({lo - 1} accepted)",
            f"{where}/minimum",
            lo - 1,
            ACCEPTS,
        ),
        SchemaEdit(
            f"{slug}-min-{lo + 1}",
            f"{field}: minimum {lo + 1} instead of {lo} ({lo} refused)",
            f"{where}/minimum",
            lo + 1,
            REFUSES,
        ),
    ]
    if hi is None:
        return [
            *rows,
            SchemaEdit(
                f"{slug}-int32",
                f"{field}: read as a 32-bit int, so 2147483648 is refused (the schema has no"
                " maximum)",
                f"{where}/maximum",
                2**31 - 1,
                CONFORMING,
            ),
        ]
    return [
        *rows,
        SchemaEdit(
            f"{slug}-max-{hi + 1}",
            f"{field}: maximum {hi + 1} instead of {hi} ({hi + 1} accepted)",
            f"{where}/maximum",
            hi + 1,
            ACCEPTS,
        ),
        SchemaEdit(
            f"{slug}-max-{hi - 1}",
            f"{field}: maximum {hi - 1} instead of {hi} ({hi} refused)",
            f"{where}/maximum",
            hi - 1,
            REFUSES,
        ),
    ]


EDITS += [row for field in INTS for row in _bounds(field)]

catalog = Catalog()
for _row in EDITS:
    if not _row.rules:  # CONFORMING
        catalog.variant(_row.name, _row.description)(edited(_row))
    else:
        catalog.fault(_row.name, _row.description, *_row.rules)(edited(_row))
