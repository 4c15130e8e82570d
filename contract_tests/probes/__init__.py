"""Deterministic probes, one or more per rule of the contract, in one registry.

Each probe is a `contract_tests.probe.Probe`: `probe.run(session)` sends its requests and
yields the violations it saw. A probe that does not apply to the account (for example, no
contact without an e-mail address) sends nothing and yields nothing.

`FAMILIES` is the registry: one function per family, each making its probes from the
spec, in the order a run sends them; a family's module may take some of them from the
modules it names (transport from `http_order`, `media_types` and `json_syntax`,
acceptance from `acceptance_options`). `registry(spec)` is every probe of a run, the `last`
ones (the exact-balance probe) at the end, by that field alone.

A family declares its probes in one form: a table (the list the family function returns)
with one keyword call per probe, `Probe(id=..., check=..., rule=..., description=...,
run=...)` for a probe with a run of its own, or `base.refusal(...)` / `base.acceptance(...)`
(keyword-only, `id=` first) for one request that must be refused or accepted. A module's
own keyword-only helper (`error_codes`' `broken`, `validation`'s `_invalid`, ...) may fix
the fields its rows share; it returns one of those. `Probe` takes keywords only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from contract_tests.probe import Probe
from contract_tests.probes.acceptance import acceptance_probes
from contract_tests.probes.auth import auth_probes
from contract_tests.probes.error_codes import error_code_probes
from contract_tests.probes.fields import field_probes
from contract_tests.probes.ledger import ledger_probes
from contract_tests.probes.operations import operation_probes
from contract_tests.probes.order import order_probes
from contract_tests.probes.reasons import reason_probes
from contract_tests.probes.sms_parts import parts_probes
from contract_tests.probes.transport import transport_probes
from contract_tests.probes.validation import validation_probes
from twosms_contract.spec import Spec

Family = Callable[[Spec], Sequence[Probe]]

#: Every family of probes, in run order: the send and token endpoints', then one security
#: probe per operation of the spec that declares security.
FAMILIES: tuple[Family, ...] = (
    transport_probes,
    auth_probes,
    error_code_probes,
    reason_probes,
    validation_probes,
    order_probes,
    field_probes,
    acceptance_probes,
    parts_probes,
    ledger_probes,
    operation_probes,
)


def registry(spec: Spec | None = None) -> list[Probe]:
    """Every probe of a run over `spec` (default: the project's), in run order, the `last`
    ones at the end; probe ids are unique."""
    from twosms_contract.spec import load_spec

    spec = spec if spec is not None else load_spec()
    dropped = _dropped_codes(spec)
    probes = [
        probe
        for family in FAMILIES
        for probe in family(spec)
        if not (dropped and _names_one_of(probe, dropped))
    ]
    names = [probe.id for probe in probes]
    duplicates = {i for i in names if names.count(i) > 1}
    if duplicates:
        raise ValueError(f"probe ids must be unique: {sorted(duplicates)}")
    return sorted(probes, key=lambda probe: probe.last)


def _dropped_codes(spec: Spec) -> frozenset[str]:
    """The business rules' codes the suite has probes for that the spec has no check of."""
    from contract_tests.ids import BUSINESS_RULE_CODES

    codes = {check.code for check in spec.terms.checks}
    return frozenset(rule.rule for rule in BUSINESS_RULE_CODES if rule.rule not in codes)


def _names_one_of(probe: Probe, codes: frozenset[str]) -> bool:
    """Whether the probe's rule is one of `codes`' or the order of one of them."""
    from contract_tests.ids import ERROR_CODES, ORDER

    if probe.check == ERROR_CODES:
        return probe.rule in codes
    if probe.check == ORDER:
        return any(side in codes for side in probe.rule.split("-before-"))
    return False


def all_probes(spec: Spec | None = None) -> list[Probe]:
    """The send and token endpoints' probes of `registry`, without the `last` ones: what a
    fault test runs before `exact_balance_probe()`."""
    from contract_tests.ids import OPERATION

    return [p for p in registry(spec) if not p.last and p.check != OPERATION]


__all__ = ["FAMILIES", "all_probes", "registry"]
