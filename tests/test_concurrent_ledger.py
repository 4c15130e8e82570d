"""Schemathesis in forked processes beside the other stages over HTTP, against one account:
the ledger and the message IDs are judged over every process's sends of that window at
once (`Observer.judge_window`), and the ledger's probes and the exact-balance probe run
after it (`contract_tests.runner`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from contract_tests import ids
from contract_tests.core import RecordedRequest, RecordedResponse, Violation
from contract_tests.ids import RuleId
from contract_tests.observer import Observer, Span
from contract_tests.probe import Probe
from contract_tests.runner import run_suite
from contract_tests.session import Session
from contract_tests.stages import run_probes
from contract_tests.verdict import SuiteResult
from mockserver import Behaviour, create_app
from tests.faults import FAULTS
from tests.faults.base import BehaviourFactory
from tests.loopback import served
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
ACCOUNT = load_account()
_REQUEST = RecordedRequest("POST", "http://testserver/api/v2/sms/messages", ())
_RESPONSE = RecordedResponse(200, (), b"{}")


def _spans(*debits: tuple[int, int]) -> list[Span]:
    return [Span(pre, post, _REQUEST, _RESPONSE) for pre, post in debits]


def _judged(start: int | None, *debits: tuple[int, int]) -> tuple[Observer, list[RuleId]]:
    observer = Observer()
    found = observer.judge_window(start, _spans(*debits), {})
    return observer, [RuleId(v.check, v.rule) for v in found]


def test_debits_that_tile_the_balance_in_any_order_pass_and_set_the_balance() -> None:
    observer, found = _judged(100, (90, 85), (100, 97), (97, 90), (85, 85), (97, 97))
    assert found == []
    assert observer.balance == 85


def test_two_sends_debited_from_the_same_balance_break_the_ledger() -> None:
    # the lost update of a racy server: both read 100, both wrote their own debit
    _, found = _judged(100, (100, 97), (100, 95))
    assert found == [ids.LEDGER_CONTINUITY]


def test_a_gap_between_debits_or_a_wrong_start_breaks_the_ledger() -> None:
    assert _judged(100, (100, 97), (96, 90))[1] == [ids.LEDGER_CONTINUITY]
    assert _judged(100, (99, 97))[1] == [ids.LEDGER_CONTINUITY]
    assert _judged(None, (99, 97), (97, 90))[1] == []  # no balance known before: from the first


def test_a_free_send_must_name_a_balance_of_the_window() -> None:
    assert _judged(100, (100, 90), (95, 95))[1] == [ids.LEDGER_CONTINUITY]
    assert _judged(100, (100, 90), (90, 90), (100, 100))[1] == []


def test_an_id_issued_in_two_processes_is_named() -> None:
    observer = Observer()
    observer.seen.message_ids["m-1"] = "response 3"
    found = observer.judge_window(None, [], {"m-1": "a Schemathesis process's response 1"})
    assert [(v.check, v.rule) for v in found] == [ids.UNIQUE_IDS]
    assert "issued twice" in found[0].message


def test_inside_a_window_each_200_is_kept_not_chained() -> None:
    observer = Observer()
    observer.seen.last_post_transaction = 50
    assert observer.open_window() == 50
    assert observer.seen.spans == []
    assert observer.close_window() == [] and observer.seen.spans is None


def _http_run(behaviour: BehaviourFactory, *, parallel: bool = True) -> SuiteResult:
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=behaviour)
    with served(app) as url:
        session = Session.for_url(url, account=ACCOUNT, spec=SPEC)
        try:
            result = run_suite(session, profile="quick", seed=11, parallel=parallel)
        finally:
            session.close()
    return result


def test_over_http_schemathesis_runs_beside_the_probes_and_a_conforming_server_passes() -> None:
    result = _http_run(Behaviour)
    assert result.conforms, [(r.id, r.minimal) for r in result.failed]
    assert any("forked process" in note for note in result.notes)
    continuity = result.rule(*ids.LEDGER_CONTINUITY)
    assert continuity is not None and continuity.cases > 0


def test_over_http_serial_the_side_by_side_probes_are_judged_as_one_window() -> None:
    """The sweep's families run side by side in threads even with every stage in series:
    their interleaved debits must not read as a broken ledger."""
    result = _http_run(Behaviour, parallel=False)
    assert result.conforms, [(r.id, r.minimal) for r in result.failed]
    assert not any("forked process" in note for note in result.notes)


@pytest.mark.parametrize("name", ["ledger-pre-is-start"])
def test_over_http_a_ledger_broken_across_the_window_is_named(name: str) -> None:
    fault = next(f for f in FAULTS if f.name == name)
    result = _http_run(fault.behaviour)
    assert ids.LEDGER_CONTINUITY in {(r.check, r.rule) for r in result.failed}


def test_concurrent_probes_run_side_by_side_each_counted_on_its_own() -> None:
    """Over HTTP, consecutive `concurrent` probes share out between threads; each outcome
    counts its own requests, and the outcomes keep the probes' order."""
    threads: dict[str, set[int]] = {}

    def sends(name: str, count: int) -> Probe:
        def run(session: Session) -> Iterator[Violation]:
            for _ in range(count):
                threads.setdefault(name, set()).add(threading.get_ident())
                session.request("GET", "/")
            return iter(())

        return Probe(
            id=name,
            check="check",
            rule=name,
            description="sends",
            run=run,
            concurrent=name != "serial",
        )

    probes = [sends("a", 30), sends("b", 20), sends("c", 10), sends("serial", 5)]
    with served(create_app(spec=SPEC, account=ACCOUNT)) as url:
        session = Session.for_url(url, account=ACCOUNT, spec=SPEC)
        assert session.token  # fetched (and counted) before the probes, as a run's preflight
        try:
            outcomes = run_probes(session, probes, _Quiet(), base=0, side_by_side=True)
        finally:
            session.close()
    assert [(o.rule, o.cases) for o in outcomes] == [
        ("a", 30),
        ("b", 20),
        ("c", 10),
        (ids.LEDGER_CONTINUITY.rule, 0),  # the group's ledger, judged at its end (no 200s)
        ("serial", 5),
    ]
    assert session.cases == 66  # the token's request and the probes'
    assert len(set().union(*(threads[n] for n in "abc"))) == 2  # side by side
    assert threads["serial"] == {threading.get_ident()}  # in the stage's own thread


class _Quiet:
    def stage(self, name: str) -> None:
        pass

    def advance(self, cases: int) -> None:
        pass
