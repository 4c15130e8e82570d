"""Deterministic probes, one or more per rule of the contract.

Each probe is a `contract_tests.core.Probe`: `probe.run(session)` sends its requests and
yields the violations it saw. A probe that does not apply to the account (for example, no
contact without an e-mail address) sends nothing and yields nothing.
"""

from __future__ import annotations

from contract_tests.core import Probe
from contract_tests.probes.acceptance import acceptance_probes
from contract_tests.probes.auth import auth_probes
from contract_tests.probes.fields import field_probes
from contract_tests.probes.ledger import ledger_probes
from contract_tests.probes.parts import parts_probes
from contract_tests.probes.rules import rule_probes
from contract_tests.probes.transport import transport_probes


def all_probes() -> list[Probe]:
    """Every probe, transport first, then auth, rules, fields, acceptance, parts, ledger."""
    probes = [
        *transport_probes(),
        *auth_probes(),
        *rule_probes(),
        *field_probes(),
        *acceptance_probes(),
        *parts_probes(),
        *ledger_probes(),
    ]
    ids = [probe.id for probe in probes]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"probe ids must be unique: {sorted(duplicates)}")
    return probes


__all__ = ["all_probes"]
