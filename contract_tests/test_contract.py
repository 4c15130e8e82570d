"""One test per (check, rule) of the contract; see `conftest.py` for choosing the server."""

from __future__ import annotations

import pytest

from contract_tests.runner import known_rules
from contract_tests.verdict import RuleResult, SuiteResult

KNOWN = known_rules()


def _failure_text(rule: RuleResult) -> str:
    from contract_tests.report import curl_command

    lines = [f"{rule.check} / {rule.rule}: {len(rule.violations)} distinct violation(s)"]
    for violation in rule.violations[:5]:
        lines += [
            f"- {violation.message}",
            f"  Received: {violation.received}",
            f"  Expected: {violation.expected}",
        ]
        if violation.request is not None:
            lines.append(f"  {curl_command(violation.request)}")
    return "\n".join(lines)


@pytest.mark.parametrize(("check", "rule"), KNOWN, ids=[f"{c}/{r}" for c, r in KNOWN])
def test_rule(suite_result: SuiteResult, check: str, rule: str) -> None:
    result = suite_result.rule(check, rule)
    if result is None or not result.applicable:
        pytest.skip(f"nothing in this run exercised {check}/{rule} (n/a for this server)")
    assert result.passed, _failure_text(result)


def test_no_rule_outside_the_known_list_failed(suite_result: SuiteResult) -> None:
    others = [r for r in suite_result.failed if (r.check, r.rule) not in set(KNOWN)]
    assert not others, "\n\n".join(_failure_text(r) for r in others)
