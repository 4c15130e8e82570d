"""Request-validation faults of the date-time fields (DateToSend, ExpiryDate, RecDateToSend):
parsers that accept more (no offset, a space, Feb 30) or refuse more (7 digits, Z, lower
case) than RFC 3339.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from contract_tests.ids import RuleId
from mockserver import Behaviour, Failure
from mockserver.validation import json_path, show
from tests.faults.base import Catalog
from tests.faults.fields_base import (
    ACCEPTS,
    REFUSES,
    walk,
)

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


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


# mode: (the rules the suite must name, or None for an open corner (a variant), description)
DATE_MODES: dict[str, tuple[tuple[RuleId, ...] | None, str]] = {
    "no-offset-accepted": (ACCEPTS, "a date-time without an offset is accepted (taken as UTC)"),
    # 2099-10-26 11:42:31+00:00
    "space-accepted": (None, "a space instead of T is accepted (DateTime.Parse)"),
    # 2099-02-30T25:00:00+00:00
    "calendar-unchecked": (
        ACCEPTS,
        "the date-time is checked by shape only: Feb 30 and hour 25 are accepted (rolled over)",
    ),
    # 2099-10-26T11:42:31.4461082+00:00
    "seven-digits-refused": (REFUSES, "7 fractional digits (the seed's form) are refused"),
    "fraction-required": (REFUSES, "a date-time without fractional seconds is refused"),
    "zulu-refused": (REFUSES, "a date-time ending in Z is refused"),
    # 2099-10-26t11:42:31z
    "lowercase-refused": (
        None,
        "lower-case t and z (allowed by RFC 3339 5.6's note) are refused",
    ),
    "offset-required-nonzero": (
        REFUSES,
        "an offset of +00:00 or -00:00 is refused (only Z is taken for UTC)",
    ),
}

for _field, _path in DATE_FIELDS.items():
    for _mode, (_rules, _text) in DATE_MODES.items():
        _name, _description = f"{_field.lower()}-{_mode}", f"{_field}: {_text}"
        _register = (
            variant(_name, _description) if _rules is None else fault(_name, _description, *_rules)
        )
        _register(type("DateFault", (_DateFault,), {"path": _path, "mode": _mode}))
