"""Comparing security: each operation's requirements, and the security schemes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twosms_kit.diff.model import ABSENT
from twosms_kit.diff.pointers import deref_object, join, leaf_changes
from twosms_kit.diff.schema_base import ANNOTATIONS

# change(rule id, pointer, message, old, new, operations)
ChangeFn = Callable[[str, str, str, Any, Any, tuple[str, ...]], None]


def compare_security(
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    label: str,
    pointer: str,
    old_op: dict[str, Any],
    new_op: dict[str, Any],
    ops: tuple[str, ...],
    change: ChangeFn,
) -> None:
    """Compare an operation's effective security requirements (its own, else the root's)."""
    old_reqs = _requirements(old_op.get("security", old_doc.get("security")))
    new_reqs = _requirements(new_op.get("security", new_doc.get("security")))
    here = join(pointer, "security") if "security" in new_op else "#/security"
    old_open = not old_reqs or any(not r for r in old_reqs)
    new_open = not new_reqs or any(not r for r in new_reqs)
    if old_open and not new_open:
        change(
            "api-authentication-added",
            here,
            f"{label} now needs authentication",
            _show(old_reqs),
            _show(new_reqs),
            ops,
        )
        return
    if new_open and not old_open:
        change(
            "api-authentication-removed",
            here,
            f"{label} is now open",
            _show(old_reqs),
            _show(new_reqs),
            ops,
        )
        return
    old_by_schemes = {frozenset(r): r for r in old_reqs if r}
    new_by_schemes = {frozenset(r): r for r in new_reqs if r}
    for schemes in sorted({*old_by_schemes, *new_by_schemes}, key=sorted):
        names = " + ".join(sorted(schemes))
        if schemes not in new_by_schemes:
            change(
                "api-security-requirement-removed",
                here,
                f"{label} no longer accepts {names}",
                names,
                ABSENT,
                ops,
            )
        elif schemes not in old_by_schemes:
            change(
                "api-security-requirement-added",
                here,
                f"{label} also accepts {names}",
                ABSENT,
                names,
                ops,
            )
        else:
            before, after = old_by_schemes[schemes], new_by_schemes[schemes]
            for scheme in sorted(schemes):
                gained = sorted(after[scheme] - before[scheme])
                lost = sorted(before[scheme] - after[scheme])
                if gained:
                    change(
                        "api-security-scope-added",
                        here,
                        f"{label}: {scheme} now needs scopes {gained}",
                        sorted(before[scheme]),
                        sorted(after[scheme]),
                        ops,
                    )
                if lost:
                    change(
                        "api-security-scope-removed",
                        here,
                        f"{label}: {scheme} no longer needs scopes {lost}",
                        sorted(before[scheme]),
                        sorted(after[scheme]),
                        ops,
                    )


def compare_security_schemes(
    old_doc: dict[str, Any], new_doc: dict[str, Any], change: ChangeFn
) -> None:
    """Compare `components.securitySchemes`."""
    old_schemes = _dict(_dict(old_doc.get("components")).get("securitySchemes"))
    new_schemes = _dict(_dict(new_doc.get("components")).get("securitySchemes"))
    for name in sorted({*old_schemes, *new_schemes}):
        here = join("#/components/securitySchemes", name)
        if name not in new_schemes:
            change("security-scheme-removed", here, f"scheme {name} was removed", name, ABSENT, ())
        elif name not in old_schemes:
            change("security-scheme-added", here, f"scheme {name} was added", ABSENT, name, ())
        else:
            before, _ = deref_object(old_doc, old_schemes[name], here)
            after, after_at = deref_object(new_doc, new_schemes[name], here)
            for at, old_value, new_value in leaf_changes(
                before, after, after_at, ignore=ANNOTATIONS
            ):
                change(
                    "security-scheme-changed",
                    at,
                    f"scheme {name} changed",
                    old_value,
                    new_value,
                    (),
                )


def _requirements(value: Any) -> list[dict[str, frozenset[str]]]:
    if not isinstance(value, list):
        return []
    return [
        {str(k): frozenset(map(str, v or [])) for k, v in item.items()}
        for item in value
        if isinstance(item, dict)
    ]


def _show(requirements: list[dict[str, frozenset[str]]]) -> list[dict[str, list[str]]]:
    return [{k: sorted(v) for k, v in r.items()} for r in requirements]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
