"""Comparing the `x-contract` extension: checks, error codes, overrides, limits, media types,
SMS part sizes and success invariants. Each is a business rule that code reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from twosms_kit.diff.model import ABSENT, Change
from twosms_kit.diff.pointers import canonical, join, leaf_changes
from twosms_kit.diff.rules import rule
from twosms_kit.diff.schema_base import ANNOTATIONS, Emit

ROOT: Final = "#/x-contract"
# change(rule id, pointer, message, old, new)
ChangeFn = Callable[[str, str, str, Any, Any], None]
_KNOWN: Final = frozenset(
    {
        "checks",
        "errorCodes",
        "schemaRuleOverrides",
        "limits",
        "mediaTypes",
        "smsParts",
        "successInvariants",
        "x-source",
    }
)


def compare_contract(old_doc: dict[str, Any], new_doc: dict[str, Any], emit: Emit) -> None:
    """Emit the classified changes between the two documents' `x-contract`."""
    old, new = _dict(old_doc.get("x-contract")), _dict(new_doc.get("x-contract"))

    def change(rule_id: str, pointer: str, message: str, before: Any, after: Any) -> None:
        emit(Change(rule(rule_id), pointer, message, before, after))

    _checks(old, new, change)
    _keyed(
        old,
        new,
        "errorCodes",
        "code",
        change,
        "contract-error-code",
        {"status": "contract-error-code-status-changed"},
    )
    _keyed(
        old,
        new,
        "schemaRuleOverrides",
        "path",
        change,
        "contract-rule-override",
        {"*": "contract-rule-override-changed"},
    )
    _keyed(
        old,
        new,
        "successInvariants",
        "id",
        change,
        "contract-invariant",
        {"*": "contract-invariant-changed"},
        added="contract-invariant-added",
    )
    _limits(old, new, change)
    _media_types(old, new, change)
    for at, before, after in leaf_changes(
        old.get("smsParts", ABSENT),
        new.get("smsParts", ABSENT),
        join(ROOT, "smsParts"),
        ignore=ANNOTATIONS,
    ):
        if not at.endswith("/source"):
            change("contract-sms-parts-changed", at, "SMS part counting changed", before, after)
    for key in sorted({*old, *new} - _KNOWN):
        for at, before, after in leaf_changes(
            old.get(key, ABSENT), new.get(key, ABSENT), join(ROOT, key), ignore=ANNOTATIONS
        ):
            change("contract-extension-changed", at, f"x-contract {key} changed", before, after)


def _checks(old: dict[str, Any], new: dict[str, Any], change: ChangeFn) -> None:
    old_list, new_list = _entries(old, "checks", "id"), _entries(new, "checks", "id")
    old_by, new_by = dict(old_list), dict(new_list)
    fields = {
        "status": "contract-check-status-changed",
        "code": "contract-check-code-changed",
        "field": "contract-check-field-changed",
        "rule": "contract-check-rule-changed",
    }
    for key in sorted({*old_by, *new_by}):
        old_at, old_entry = old_by.get(key, (ROOT, {}))
        new_at, new_entry = new_by.get(key, (ROOT, {}))
        if key not in new_by:
            change(
                "contract-check-removed", old_at, f"check {key!r} was removed", old_entry, ABSENT
            )
        elif key not in old_by:
            change("contract-check-added", new_at, f"check {key!r} was added", ABSENT, new_entry)
        else:
            for name in sorted({*old_entry, *new_entry} - {"id", "source"}):
                before, after = old_entry.get(name, ABSENT), new_entry.get(name, ABSENT)
                if canonical(before) != canonical(after) or (before is ABSENT) != (after is ABSENT):
                    rule_id = fields.get(name, "contract-check-rule-changed")
                    change(
                        rule_id, join(new_at, name), f"check {key!r}: {name} changed", before, after
                    )
    common = [k for k, _ in old_list if k in new_by]
    new_order = [k for k, _ in new_list if k in old_by]
    if common != new_order:
        change(
            "contract-check-order-changed",
            join(ROOT, "checks"),
            "the order of checks changed (another check may answer first)",
            common,
            new_order,
        )


def _keyed(
    old: dict[str, Any],
    new: dict[str, Any],
    section: str,
    key_field: str,
    change: ChangeFn,
    stem: str,
    fields: dict[str, str],
    *,
    added: str | None = None,
) -> None:
    old_by = dict(_entries(old, section, key_field))
    new_by = dict(_entries(new, section, key_field))
    for key in sorted({*old_by, *new_by}):
        old_at, old_entry = old_by.get(key, (ROOT, {}))
        new_at, new_entry = new_by.get(key, (ROOT, {}))
        if key not in new_by:
            change(f"{stem}-removed", old_at, f"{section} {key!r} was removed", old_entry, ABSENT)
        elif key not in old_by:
            change(
                added or f"{stem}-added", new_at, f"{section} {key!r} was added", ABSENT, new_entry
            )
        else:
            for name in sorted({*old_entry, *new_entry} - {key_field, "source"}):
                before, after = old_entry.get(name, ABSENT), new_entry.get(name, ABSENT)
                if canonical(before) != canonical(after) or (before is ABSENT) != (after is ABSENT):
                    rule_id = fields.get(name) or fields["*"]
                    change(
                        rule_id,
                        join(new_at, name),
                        f"{section} {key!r}: {name} changed",
                        before,
                        after,
                    )


def _limits(old: dict[str, Any], new: dict[str, Any], change: ChangeFn) -> None:
    old_limits, new_limits = _dict(old.get("limits")), _dict(new.get("limits"))
    for name in sorted({*old_limits, *new_limits} - {"x-source"}):
        at = join(ROOT, "limits", name)
        before, after = old_limits.get(name, ABSENT), new_limits.get(name, ABSENT)
        if after is ABSENT:
            change("contract-limit-removed", at, f"limit {name} was removed", before, after)
        elif before is ABSENT:
            change("contract-limit-added", at, f"limit {name} was added", before, after)
        elif _is_number(before) and _is_number(after):
            if after < before:
                change("contract-limit-decreased", at, f"limit {name} decreased", before, after)
            elif after > before:
                change("contract-limit-increased", at, f"limit {name} increased", before, after)
        elif canonical(before) != canonical(after):
            change("contract-limit-changed", at, f"limit {name} changed", before, after)


def _media_types(old: dict[str, Any], new: dict[str, Any], change: ChangeFn) -> None:
    old_media, new_media = _dict(old.get("mediaTypes")), _dict(new.get("mediaTypes"))
    for name in sorted({*old_media, *new_media} - {"x-source"}):
        stem = "contract-charset" if name == "charsets" else "contract-media-type"
        before = _strings(old_media.get(name))
        after = _strings(new_media.get(name))
        for index, value in enumerate(before):
            if value.lower() not in {a.lower() for a in after}:
                change(
                    f"{stem}-removed",
                    join(ROOT, "mediaTypes", name, index),
                    f"{name}: {value} was removed",
                    value,
                    ABSENT,
                )
        for index, value in enumerate(after):
            if value.lower() not in {b.lower() for b in before}:
                change(
                    f"{stem}-added",
                    join(ROOT, "mediaTypes", name, index),
                    f"{name}: {value} was added",
                    ABSENT,
                    value,
                )


def _entries(
    contract: dict[str, Any], section: str, key_field: str
) -> list[tuple[str, tuple[str, dict[str, Any]]]]:
    items = contract.get(section)
    if not isinstance(items, list):
        return []
    return [
        (str(item.get(key_field)), (join(ROOT, section, index), item))
        for index, item in enumerate(items)
        if isinstance(item, dict)
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
