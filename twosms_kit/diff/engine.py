"""The rule engine: two documents in, the sorted, de-duplicated, classified changes out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twosms_kit.diff.contract import compare_contract
from twosms_kit.diff.model import Change
from twosms_kit.diff.operations import OperationComparer


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every classified change from `old` to `new`, worst first, then by rule and pointer.

    A schema reached from several operations or media types is compared from each; the
    same change found again is reported once, with the union of operations and targets.
    """
    found: dict[tuple[str, str, str], Change] = {}

    def emit(change: Change) -> None:
        seen = found.get(change.key)
        if seen is None:
            found[change.key] = change
            return
        found[change.key] = replace(
            seen,
            operations=tuple(sorted({*seen.operations, *change.operations})),
            targets=tuple(dict.fromkeys((*seen.targets, *change.targets))),
        )

    OperationComparer(old, new, emit).run()
    compare_contract(old, new, emit)
    return sorted(found.values(), key=lambda c: (-c.level, c.rule.id, c.pointer, c.message))
