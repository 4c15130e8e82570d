"""`--example-db`: the properties keep a failing example in Hypothesis's own database and
replay it first in the next run that shares it; without one nothing is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.exampledb import ExampleDbError, describe, open_example_db
from contract_tests.properties import one_rule_broken
from contract_tests.runner import run_suite
from contract_tests.session import Session
from mockserver import Behaviour, Failure, SendContext, create_app
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec
from twosms_kit.cli import main

SPEC = load_spec()
ACCOUNT = load_account()


class _SenderUnchecked(Behaviour):
    """Breaks one rule: any Sender is taken."""

    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        return None


def _session(tmp_path: Path | None) -> Session:
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=_SenderUnchecked)
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    if tmp_path is not None:
        session.example_db = open_example_db(str(tmp_path))
        session.example_db_name = str(tmp_path)
    return session


def _saved(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def test_a_failing_example_is_kept_and_replays_first(tmp_path: Path) -> None:
    first = one_rule_broken(_session(tmp_path), max_examples=200, seed_value=1)
    assert first.violations, "the fault was not found"
    assert _saved(tmp_path) > 0  # the shrunk failing example is in the database
    # Another run, another seed: the kept example replays first and fails at once.
    again = one_rule_broken(_session(tmp_path), max_examples=200, seed_value=2)
    assert again.violations
    assert again.cases <= first.cases


def test_without_a_database_nothing_is_kept(tmp_path: Path) -> None:
    outcome = one_rule_broken(_session(None), max_examples=200, seed_value=1)
    assert outcome.violations
    assert _saved(tmp_path) == 0


def test_the_report_says_which_database_the_run_used(tmp_path: Path) -> None:
    session = _session(tmp_path)
    result = run_suite(session, profile="quick", stages=("properties",), seed=1)
    assert describe(str(tmp_path)) in result.notes
    bare = run_suite(_session(None), profile="quick", stages=("properties",), seed=1)
    assert describe(None) in bare.notes


def test_a_file_is_no_database(tmp_path: Path) -> None:
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(ExampleDbError, match="a file, not a directory"):
        open_example_db(str(afile))


def test_an_unreachable_redis_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--example-db", "redis://127.0.0.1:1/0", "--profile", "quick"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--example-db redis://127.0.0.1:1/0" in err
