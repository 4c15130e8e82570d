"""Reading the spec's `x-contract` into the contract's records, once.

Every value is checked where it is read: one that is missing or of the wrong shape raises
`ContractError` naming its JSON pointer (`#/x-contract/limits/maxBodyBytes`) and the value.
`Contract.from_spec` is the one caller; code reads the result through `spec.terms`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from twosms_contract.contract_records import (
    Check,
    Decision,
    Invariant,
    Limits,
    MediaTypes,
    Override,
    PartSizes,
)
from twosms_contract.errors import ContractError

ROOT = "#/x-contract"


@dataclass(frozen=True, slots=True)
class XContract:
    """`x-contract`, read and checked: the records a `Contract` is made of."""

    checks: tuple[Check, ...]
    statuses: dict[str, int]
    overrides: tuple[Override, ...]
    limits: Limits
    media_types: MediaTypes
    parts: PartSizes
    invariants: tuple[Invariant, ...]
    decisions: tuple[Decision, ...]


def read_x_contract(document: Mapping[str, Any]) -> XContract:
    """Read a spec document's `x-contract` (ContractError, with the pointer, where it is
    malformed)."""
    raw = document.get("x-contract")
    if not isinstance(raw, dict):
        raise ContractError(ROOT, "the spec has no x-contract mapping", raw)
    reader = _Reader(raw)
    checks = tuple(
        Check(
            id=reader.text(item, "id", at),
            status=reader.integer(item, "status", at),
            code=reader.text(item, "code", at),
            source=str(item.get("source", "decided")),
            rule=str(item.get("rule", "")),
            field=str(item["field"]) if item.get("field") is not None else None,
        )
        for at, item in reader.entries("checks")
    )
    statuses = {
        reader.text(item, "code", at): reader.integer(item, "status", at)
        for at, item in reader.entries("errorCodes")
    }
    overrides = tuple(
        Override(
            path=split_path(reader.text(item, "path", at)),
            code=reader.text(item, "code", at),
            when=str(item["when"]) if item.get("when") is not None else None,
        )
        for at, item in reader.entries("schemaRuleOverrides")
    )
    limits_at, limits = reader.mapping(raw, "limits", ROOT)
    media_at, media = reader.mapping(raw, "mediaTypes", ROOT)
    parts_at, parts = reader.mapping(raw, "smsParts", ROOT)
    gsm7_at, gsm7 = reader.mapping(parts, "gsm7", parts_at)
    ucs2_at, ucs2 = reader.mapping(parts, "ucs2", parts_at)
    return XContract(
        checks=checks,
        statuses=statuses,
        overrides=overrides,
        limits=Limits(
            max_body_bytes=reader.integer(limits, "maxBodyBytes", limits_at),
            token_lifetime_seconds=reader.integer(limits, "tokenLifetimeSeconds", limits_at),
            validation_errors_listed=reader.integer(limits, "validationErrorsListed", limits_at),
            max_json_depth=reader.integer(limits, "maxJsonDepth", limits_at),
        ),
        media_types=MediaTypes(
            request=reader.texts(media, "request", media_at),
            response=reader.texts(media, "response", media_at),
            charsets=reader.texts(media, "charsets", media_at),
        ),
        parts=PartSizes(
            gsm7_single=reader.integer(gsm7, "single", gsm7_at),
            gsm7_multi=reader.integer(gsm7, "multi", gsm7_at),
            gsm7_extension=frozenset(reader.text(gsm7, "extension", gsm7_at)),
            ucs2_single=reader.integer(ucs2, "single", ucs2_at),
            ucs2_multi=reader.integer(ucs2, "multi", ucs2_at),
            empty=reader.integer(parts, "empty", parts_at),
        ),
        invariants=tuple(
            Invariant(id=reader.text(item, "id", at), rule=str(item.get("rule", "")))
            for at, item in reader.entries("successInvariants")
        ),
        decisions=tuple(
            Decision(id=reader.text(item, "id", at), decision=reader.text(item, "decision", at))
            for at, item in (reader.entries("decisions") if "decisions" in raw else ())
        ),
    )


class _Reader:
    """Reads `x-contract` values, raising ContractError with the pointer of what is wrong."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def entries(self, key: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        items = self.raw.get(key)
        if not isinstance(items, list):
            raise ContractError(f"{ROOT}/{key}", "must be a list", items)
        for index, item in enumerate(items):
            at = f"{ROOT}/{key}/{index}"
            if not isinstance(item, dict):
                raise ContractError(at, "must be a mapping", item)
            yield at, item

    def mapping(self, parent: Mapping[str, Any], key: str, at: str) -> tuple[str, Any]:
        value = parent.get(key)
        if not isinstance(value, dict):
            raise ContractError(f"{at}/{key}", "must be a mapping", value)
        return f"{at}/{key}", value

    def integer(self, parent: Mapping[str, Any], key: str, at: str) -> int:
        value = parent.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ContractError(f"{at}/{key}", "must be a whole number, 0 or more", value)
        return value

    def text(self, parent: Mapping[str, Any], key: str, at: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value:
            raise ContractError(f"{at}/{key}", "must be a non-empty string", value)
        return value

    def texts(self, parent: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
        value = parent.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ContractError(f"{at}/{key}", "must be a list of strings", value)
        return tuple(v.lower() for v in value)


def split_path(path: str) -> tuple[str, ...]:
    """`$.Options.Reference` -> ("Options", "Reference"); `$` -> ()."""
    if path == "$":
        return ()
    if not path.startswith("$."):
        raise ContractError(ROOT, f"a JSON path must start with '$.': {path!r}")
    return tuple(path[2:].split("."))


def join_path(path: tuple[str, ...]) -> str:
    """("Options", "Reference") -> `$.Options.Reference`; () -> `$`."""
    return "$." + ".".join(path) if path else "$"


__all__ = ["ROOT", "XContract", "join_path", "read_x_contract", "split_path"]
