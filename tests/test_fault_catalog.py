"""The probes and properties catch every fault of the catalog, and pass every conforming
variant of the mock (the in-process part of the proof; `test_faults.py` runs the whole
suite, Schemathesis included)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contract_tests.probes import all_probes
from contract_tests.properties import run_properties
from contract_tests.session import Session
from mockserver import Behaviour, MockState, create_app
from tests.fault_catalog import FAULTS, VARIANTS, Fault
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
ACCOUNT = load_account()


def _reported(
    behaviour: Callable[[MockState], Behaviour] | None, *, enough: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Every "check/rule" the probes and properties report against the mock, with a message;
    the properties are skipped when the probes already reported one of `enough`."""
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=behaviour or Behaviour)
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    session.expired_token = app.state.mock.mint_expired_token()
    reported: dict[str, str] = {}
    try:
        for probe in all_probes():
            for v in probe.run(session):
                reported.setdefault(f"{v.check}/{v.rule}", f"{v.message}: {v.received}")
        if enough & set(reported):
            return reported
        for outcome in run_properties(session, max_examples=25, seed=1):
            for v in outcome.violations:
                reported.setdefault(f"{v.check}/{v.rule}", f"{v.message}: {v.received}")
    finally:
        session.close()
    return reported


def test_the_correct_mock_passes_every_probe_and_property() -> None:
    assert _reported(None) == {}


@pytest.mark.parametrize(("name", "behaviour"), VARIANTS, ids=[n for n, _ in VARIANTS])
def test_a_conforming_variant_passes(
    name: str, behaviour: Callable[[MockState], Behaviour]
) -> None:
    assert _reported(behaviour) == {}, name


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_fault_is_caught_and_named(fault: Fault) -> None:
    reported = _reported(fault.behaviour, enough=fault.expect)
    assert fault.expect & set(reported), (
        f"{fault.name} ({fault.description}) was not named; the suite reported {sorted(reported)}"
    )
