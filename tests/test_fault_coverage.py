"""Every rule the suite can report is expected by a fault: a rule no fault ever breaks is a
rule nothing shows the suite can report.

The faults are the catalog's (`tests/faults/`, run by `test_fault_catalog.py`) and those
of the proofs that run what the catalog's in-process run does not: Schemathesis, the
generated client and the operations' security probes (`test_faults.py`), the property
rule by rule and lost updates over a socket (`test_fault_catalog.py`). A rule for which no
fault can exist is in `NO_FAULT`, with the reason.
"""

from __future__ import annotations

from typing import Any

from contract_tests import ids
from contract_tests.probes.sms_parts import boundary_texts
from contract_tests.properties import BREAKERS
from contract_tests.runner import known_rules
from tests.faults import FAULTS
from tests.faults.base import PART_SIZES
from tests.test_fault_catalog import PROPERTY_FAULTS
from tests.test_faults import CLIENT_FAULTS, OPERATION_FAULTS, SCHEMATHESIS_FAULTS
from twosms_contract.spec import Spec, load_spec

SPEC = load_spec()

#: The rules the suite can report that no fault can break, each with the reason.
NO_FAULT: dict[str, str] = {
    # The boundary probe's own name: it reports each boundary by the boundary's name and a
    # refused text as sms-parts/valid-text-accepted, never under this rule.
    ids.PARTS_BOUNDARIES.key: "never reported: the boundary probe names each boundary",
    # The property's own name: it counts the cases of every breaker and reports a server
    # that misses one under that breaker's rule (`ids.one_rule_broken(code)`), never here.
    ids.PROPERTY_ONE_RULE_BROKEN.key: "never reported: the property names each code",
    # It judges the generated models reading and writing back a valid request before
    # anything is sent: no server behaviour reaches it.
    ids.CLIENT_MODEL_READS_VALID_REQUEST.key: "judges the generated models, not the server",
    # Schemathesis drops the header parameters an operation requires; the spec declares
    # none (`test_no_operation_requires_a_header_parameter` keeps this true).
    ids.schemathesis_rule("missing_required_header").key: "the spec requires no header",
}


def reportable_rules() -> set[str]:
    """Every "check/rule" the suite can report: each probe's rule, the operations', the
    response and success rules, the client's and Schemathesis's checks (`known_rules`);
    the rules the probes report beside their own (every constant of `ids`); the SMS part
    boundaries, named after the spec's part sizes; the property's rule for each code it
    breaks a rule of."""
    rules = {ids.RuleId(check, rule).key for check, rule in known_rules()}
    rules |= {rule.key for rule in ids.constants().values()}
    rules |= {ids.RuleId(ids.SMS_PARTS, limit).key for limit, _, _ in boundary_texts(PART_SIZES)}
    rules |= {ids.one_rule_broken(breaker.code).key for breaker in BREAKERS}
    return rules


def expected_rules() -> set[str]:
    """Every "check/rule" some fault must be named by."""
    rules = {key for fault in FAULTS for key in fault.expect}
    rules |= {key for fault in SCHEMATHESIS_FAULTS for key in fault.expect}
    rules |= {rule for _, rule in CLIENT_FAULTS}
    rules |= {rule.key for _, _, rule in OPERATION_FAULTS}
    rules |= {ids.one_rule_broken(code).key for code in PROPERTY_FAULTS}
    # RacyLedger, over a socket (`test_concurrent_sends_find_lost_updates_over_a_socket`):
    # in process the mock answers one request at a time and loses no update.
    rules.add(ids.LEDGER_CONCURRENT_SENDS.key)
    return rules


def test_every_rule_the_suite_can_report_is_expected_by_a_fault() -> None:
    missing = sorted(reportable_rules() - expected_rules() - set(NO_FAULT))
    assert missing == [], (
        f"no fault expects {missing}: add one to tests/faults/ (or, if none can exist, the"
        " rule to NO_FAULT with the reason)"
    )


def test_no_fault_lists_only_reportable_rules_that_no_fault_expects() -> None:
    stale = sorted(set(NO_FAULT) - reportable_rules())
    assert stale == [], f"NO_FAULT names rules the suite cannot report: {stale}"
    faulted = sorted(set(NO_FAULT) & expected_rules())
    assert faulted == [], f"NO_FAULT names rules a fault expects: {faulted}"


def _required_headers(spec: Spec) -> list[str]:
    found = []
    for path, item in (spec.document.get("paths") or {}).items():
        item = spec.deref(item)
        operations = [op for op in item.values() if isinstance(op, dict)]
        for node in [item, *operations]:
            parameters: list[Any] = node.get("parameters") or []
            for parameter in map(spec.deref, parameters):
                if parameter.get("in") == "header" and parameter.get("required"):
                    found.append(f"{path}: {parameter.get('name')}")
    return found


def test_no_operation_requires_a_header_parameter() -> None:
    """The reason `missing_required_header` is in NO_FAULT."""
    assert _required_headers(SPEC) == []
