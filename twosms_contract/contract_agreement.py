"""Where `x-contract` repeats a schema fact, whether the two agree.

Each fact has one home in the spec, but a few must be said twice: the token lifetime and
the most `expires_in` may say, the error codes and the `ErrorCode` pattern, a check's
status and its code's in `errorCodes`, an override's path and the request schema's fields.
`twosms-contract lint` reports each disagreement as a `contract-agreement` finding naming
both pointers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from twosms_contract.contract_reader import ROOT
from twosms_contract.errors import ContractError
from twosms_contract.spec import Spec, resolve_pointer

#: Where the send's answer to a token request says how long the token lasts.
EXPIRES_IN = "#/components/schemas/TokenResponse/properties/expires_in"


def agreement_findings(spec: Spec) -> Iterator[tuple[str, str, str, Any]]:
    """Where `x-contract` repeats a schema fact and the two disagree: (pointer in
    x-contract, pointer in the schema, what differs, the two values)."""
    raw = spec.document.get("x-contract") or {}
    lifetime = (raw.get("limits") or {}).get("tokenLifetimeSeconds")
    try:
        expires = spec.deref(resolve_pointer(spec.document, EXPIRES_IN))
    except KeyError:
        expires = None
    if isinstance(expires, dict) and lifetime is not None and expires.get("maximum") != lifetime:
        yield (
            f"{ROOT}/limits/tokenLifetimeSeconds",
            f"{EXPIRES_IN}/maximum",
            "the token lifetime and the most expires_in may say differ",
            (lifetime, expires.get("maximum")),
        )
    codes = [e.get("code") for e in raw.get("errorCodes") or [] if isinstance(e, dict)]
    pattern_at = "#/components/schemas/Error/properties/ErrorCode/pattern"
    try:
        pattern = resolve_pointer(spec.document, pattern_at)
    except KeyError:
        pattern = None
    if isinstance(pattern, str) and codes:
        compiled = re.compile(pattern)
        unmatched = [c for c in codes if isinstance(c, str) and not compiled.search(c)]
        if unmatched:
            yield (
                f"{ROOT}/errorCodes",
                pattern_at,
                "error codes the ErrorCode pattern does not admit",
                unmatched,
            )
    declared = {
        e.get("code"): e.get("status") for e in raw.get("errorCodes") or [] if isinstance(e, dict)
    }
    for at, item in enumerate(raw.get("checks") or []):
        if not isinstance(item, dict):
            continue
        code, status = item.get("code"), item.get("status")
        if code in declared and declared[code] != status:
            yield (
                f"{ROOT}/checks/{at}/status",
                f"{ROOT}/errorCodes",
                f"check {item.get('id')!r} answers {code} with another status than errorCodes",
                (status, declared[code]),
            )
    for at, item in enumerate(raw.get("schemaRuleOverrides") or []):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        try:
            spec.terms.field(item["path"])
        except ContractError as exc:
            yield (
                f"{ROOT}/schemaRuleOverrides/{at}/path",
                exc.pointer,
                "the override's path is not a field of the request schema",
                item["path"],
            )


__all__ = ["EXPIRES_IN", "agreement_findings"]
