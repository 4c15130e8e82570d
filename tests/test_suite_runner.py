"""The runner: stages, aggregation per (check, rule), n/a rules, minimal reproductions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from contract_tests import ids
from contract_tests.core import Outcome, RecordedRequest, Violation
from contract_tests.probe import Probe
from contract_tests.probes import all_probes, registry
from contract_tests.properties import BREAKERS
from contract_tests.runner import PROFILES, known_rules, run_suite
from contract_tests.schema_run import BUILTIN_CHECKS
from contract_tests.session import Session
from contract_tests.verdict import aggregate
from mockserver import Behaviour, create_app
from mockserver.http import Answer, HttpRequest
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
ACCOUNT = load_account()


@pytest.fixture
def session() -> Iterator[Session]:
    opened = Session.for_app(create_app(account=ACCOUNT, spec=SPEC), account=ACCOUNT, spec=SPEC)
    yield opened
    opened.close()


def _violation(rule: str, body: bytes, message: str = "wrong") -> Violation:
    request = RecordedRequest("POST", "http://testserver/api/v2/sms/messages", (), body)
    return Violation("c", rule, message, "got", "want", request=request)


def test_aggregate_merges_deduplicates_and_puts_the_smallest_request_first() -> None:
    big, small = _violation("r", b"x" * 50), _violation("r", b"x")
    other = _violation("r", b"xx", message="another way")
    rules = aggregate(
        [
            Outcome("c", "r", cases=4, violations=[big, other]),
            Outcome("c", "r", cases=6, violations=[small]),
        ]
    )
    assert len(rules) == 1
    (rule,) = rules
    assert rule.cases == 10 and rule.occurrences == 3
    assert rule.violations == [small, other]  # `big` is `small` again, larger
    assert rule.minimal is small and rule.verdict == "failed"


def test_aggregate_files_a_violation_under_its_own_rule() -> None:
    found = _violation("elsewhere", b"{}")
    rules = {(r.check, r.rule): r for r in aggregate([Outcome("c", "r", 1, [found])])}
    assert rules[("c", "r")].verdict == "passed"
    assert rules[("c", "elsewhere")].violations == [found]


def _probe(probe_id: str, run: object) -> Probe:
    return Probe(
        id=probe_id,
        check="stand-in",
        rule=probe_id,
        description=f"the {probe_id} stand-in",
        run=run,  # type: ignore[arg-type]
    )


def _sends_and_passes(session: Session) -> Iterator[Violation]:
    session.send({"Contacts": {"QuickRecipients": {"+447700900123": 2}}, "Options": {}, "Type": 1})
    yield from ()


def _sends_nothing(session: Session) -> Iterator[Violation]:
    yield from ()


def _finds_one(session: Session) -> Iterator[Violation]:
    exchange, _ = session.send({})
    yield Violation("stand-in", "finds", "it broke", "this", "that", exchange.request)


def _crashes(session: Session) -> Iterator[Violation]:
    session.request("GET", "/nowhere")
    raise KeyError("Error")


def test_run_suite_reports_pass_fail_na_and_a_probe_that_could_not_judge(
    session: Session,
) -> None:
    probes = [
        _probe("passes", _sends_and_passes),
        _probe("na", _sends_nothing),
        _probe("finds", _finds_one),
        _probe("crashes", _crashes),
    ]
    result = run_suite(session, profile="quick", stages=("probes",), probes=probes)
    verdicts = {r.rule: r.verdict for r in result.rules if r.check == "stand-in"}
    assert verdicts == {"passes": "passed", "na": "n/a", "finds": "failed", "crashes": "failed"}
    crashed = result.rule("stand-in", "crashes")
    assert crashed is not None and crashed.minimal is not None
    assert "could not judge" in crashed.minimal.message
    assert crashed.minimal.received.startswith("404")
    assert not result.conforms and result.cases >= 4
    # every request but the two of the preflight (the token, and one send that proves the
    # server takes it), made once before the stages
    assert result.stage_cases == {"probes": result.cases - 2}


def test_run_suite_refuses_an_unknown_profile_or_stage(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        run_suite(session, profile="fast")
    with pytest.raises(ValueError, match="unknown stage"):
        run_suite(session, stages=("fuzz",))


def test_known_rules_cover_schemathesis_probes_and_the_response_rules() -> None:
    rules = set(known_rules())
    assert {ids.schemathesis_rule(name) for name in BUILTIN_CHECKS} <= rules
    assert ids.AUTH_UNAUTHORIZED in rules
    assert ids.CREDITS_ARITHMETIC in rules


def test_profiles_grow_from_quick_to_thorough() -> None:
    quick, ci, thorough = PROFILES["quick"], PROFILES["ci"], PROFILES["thorough"]
    assert quick.schemathesis_examples < ci.schemathesis_examples < thorough.schemathesis_examples
    assert quick.property_examples < ci.property_examples < thorough.property_examples
    assert quick.client_examples < ci.client_examples < thorough.client_examples


class _HangsAfter(Behaviour):
    """Answers the first sends, then never again (a deadlock, say)."""

    answered = 40

    async def handle(self, request: HttpRequest) -> Answer | None:
        if self.answered <= 0:
            await asyncio.sleep(3600)
        self.answered -= 1
        return await super().handle(request)


@pytest.mark.slow
def test_a_server_that_stops_answering_is_named_in_seconds() -> None:
    """Three timeouts in a row end the run: every later request would wait as long."""
    from tests.loopback import served

    with served(create_app(account=ACCOUNT, spec=SPEC, behaviour=_HangsAfter)) as url:
        session = Session.for_url(url, account=ACCOUNT, spec=SPEC, timeout=0.5)
        try:
            started = time.monotonic()
            result = run_suite(session, profile="quick", seed=1)
            elapsed = time.monotonic() - started
        finally:
            session.close()
    failed = {(rule.check, rule.rule) for rule in result.failed}
    assert ids.NO_ANSWER in failed
    assert elapsed < 20, elapsed  # 3 timeouts of 0.5 s, not one per request of the run
    assert any("did not run" in note for note in result.notes), result.notes


def test_every_rule_a_run_can_report_is_a_constant_of_ids() -> None:
    """Every (check, rule) known before a run is a constant of `contract_tests.ids`, or one
    made there from the spec's names (the order of two checks, an operation, a
    Schemathesis check, the property's rule for one code)."""
    constants = set(ids.constants().values())
    made_from_spec = {ids.ORDER, ids.OPERATION, ids.SCHEMATHESIS}
    broken = f"{ids.PROPERTY_ONE_RULE_BROKEN.rule}/"
    by_code = {r for r in known_rules() if r == ids.one_rule_broken(r[1].removeprefix(broken))}
    loose = [
        r
        for r in known_rules()
        if r not in constants and r[0] not in made_from_spec and r not in by_code
    ]
    assert loose == []
    assert len(by_code) == len(BREAKERS)
    orders = [r for r in known_rules() if r[0] == ids.ORDER]
    assert all(ids.order_rule(*r[1].split("-before-")) == r for r in orders), orders


def test_the_registry_runs_the_probes_marked_last_after_all_others() -> None:
    """The exact-balance probe is last by its `last` field, not by its place in a list."""
    probes = registry()
    assert [p.id for p in probes if p.last] == ["ledger-exact-balance"]
    assert probes[-1].last and not any(p.last for p in probes[:-1])
    assert all(not p.last for p in all_probes())
