"""The fault catalog: deliberately broken variants of the mock, each breaking the contract
in one way, and conforming variants that differ from the mock where the contract leaves
room (the open corners among them: a conforming server may decide either way).

Every fault overrides one piece of `mockserver.Behaviour` (or of the state it uses) and
names the rules the suite must report for it; `tests/test_fault_catalog.py` runs the
probes and properties against each, `tests/test_faults.py` the whole suite. A fault the
suite misses, or a variant it reports, is a bug in the suite.

Each module below keeps its own `Catalog` (`tests.faults.base`); they are joined here, in
this order, and nowhere else.
"""

from __future__ import annotations

from tests.faults import (
    codes,
    envelope,
    fields_dates,
    fields_ints,
    fields_keys,
    fields_strings,
    http_auth,
    http_basics,
    http_json,
    http_media,
    ids,
    ledger,
    order,
    parts,
    parts_unicode,
    rules,
    schema_edits,
    shapes,
    success,
    token,
    variants,
)
from tests.faults.base import Catalog, Fault, Variant
from tests.faults.variants import RacyLedger

CATALOGS: tuple[Catalog, ...] = (
    # the SMS parts, credits, IDs and the 200
    parts.catalog,
    parts_unicode.catalog,
    ledger.catalog,
    ids.catalog,
    success.catalog,
    # the business rules and their error codes
    rules.catalog,
    codes.catalog,
    # the order of checks: two broken at once, the earlier answers
    order.catalog,
    # request validation, one constraint at a time
    schema_edits.catalog,
    fields_ints.catalog,
    fields_keys.catalog,
    fields_strings.catalog,
    fields_dates.catalog,
    # the HTTP edge, auth and /Token
    http_basics.catalog,
    http_media.catalog,
    http_json.catalog,
    http_auth.catalog,
    token.catalog,
    # the shape of the answers
    shapes.catalog,
    envelope.catalog,
    # conforming variants of no area in particular
    variants.catalog,
)

FAULTS: list[Fault] = [fault for catalog in CATALOGS for fault in catalog.faults]
VARIANTS: list[Variant] = [variant for catalog in CATALOGS for variant in catalog.variants]


def _check_names_unique() -> None:
    names = [f.name for f in FAULTS] + [v.name for v in VARIANTS]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise ValueError(f"tests.faults: names used twice: {doubled}")


_check_names_unique()

__all__ = ["FAULTS", "VARIANTS", "Fault", "RacyLedger", "Variant"]
