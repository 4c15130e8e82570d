"""Where a check of the contract lives, found the same way for every check: the spec's
`x-contract.checks` row (its id and code), the mock's method `Behaviour.check_<id>` (the
seam a fault overrides), the suite's constant in `contract_tests.ids` (its rule is the
check's code, or its id where the code is shared), and a fault of `tests/faults/` that
expects that constant. One grep of the constant finds the probes and the faults; the
check's id finds the mock's method."""

from __future__ import annotations

import pytest

from contract_tests import ids
from mockserver import Behaviour
from tests.faults import FAULTS
from twosms_contract.contract import Check
from twosms_contract.spec import load_spec

CHECKS = load_spec().terms.checks


def _constants(check_id: str, code: str) -> list[str]:
    return [name for name, rule in ids.constants().items() if rule.rule in (code, check_id)]


@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_every_check_has_a_mock_method_a_suite_constant_and_a_fault(check: Check) -> None:
    check_id, code = check.id, check.code
    method = "check_" + check_id.replace("-", "_")
    assert callable(getattr(Behaviour, method, None)), f"no Behaviour.{method}"
    names = _constants(check_id, code)
    assert names, f"no constant of contract_tests.ids names {code} or {check_id}"
    keys = {ids.constants()[name].key for name in names}
    assert any(keys & fault.expect for fault in FAULTS), f"no fault expects {sorted(keys)}"
