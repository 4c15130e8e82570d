"""`--shard I/N` and `merge-reports`: N shards together run what one run does, and reach its
verdict, on a conforming server and on a broken one (`contract_tests.shards`, `results`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.results import from_json, load, merge, to_json
from contract_tests.runner import run_suite
from contract_tests.session import Session
from contract_tests.shards import Shard, ShardError, Unit
from contract_tests.verdict import SuiteResult
from mockserver import Behaviour, create_app
from tests.faults import FAULTS
from tests.faults.base import BehaviourFactory
from tests.loopback import served
from tests.repo import ROOT
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec
from twosms_kit.cli import main

SPEC = load_spec()
ACCOUNT = load_account()
SEED = 20261203


def _run(behaviour: BehaviourFactory, shard: Shard) -> SuiteResult:
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=behaviour)
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    session.expired_token = app.state.mock.mint_expired_token()
    try:
        return run_suite(session, profile="quick", seed=SEED, shard=shard)
    finally:
        session.close()


def _sharded(behaviour: BehaviourFactory, count: int) -> SuiteResult:
    """The run in `count` shards, each against a server of its own, each result written
    to JSON and read back, as CI jobs would, then merged."""
    parts = [_run(behaviour, Shard(i, count)) for i in range(1, count + 1)]
    return merge(
        [(f"shard {p.shard}", from_json(json.loads(json.dumps(to_json(p))))) for p in parts]
    )


def _cases(result: SuiteResult) -> dict[tuple[str, str], int]:
    return {(rule.check, rule.rule): rule.cases for rule in result.rules}


def _failed(result: SuiteResult) -> set[str]:
    return {rule.id for rule in result.failed}


BROKEN = next(fault for fault in FAULTS if fault.name == "business-errors-422")


@pytest.mark.parametrize(
    "behaviour", [Behaviour, BROKEN.behaviour], ids=["conforming", BROKEN.name]
)
def test_shards_together_run_the_same_cases_and_reach_the_same_verdict(
    behaviour: BehaviourFactory,
) -> None:
    whole = _run(behaviour, Shard(1, 1))
    merged = _sharded(behaviour, 3)
    # The same units, each run once, and the same cases of every rule and stage.
    assert merged.units == whole.units == whole.plan
    assert _cases(merged) == _cases(whole)
    assert merged.stage_cases == whole.stage_cases
    # The same verdict, rule by rule.
    assert merged.conforms is whole.conforms is (behaviour is Behaviour)
    assert _failed(merged) == _failed(whole)
    assert {r.id: r.verdict for r in merged.rules} == {r.id: r.verdict for r in whole.rules}
    assert merged.shards == 3
    assert merged.coverage is not None and whole.coverage is not None
    # The same items exercised (each shard's preflight sends are counted too: no fewer).
    merged_counts = {(i.kind, i.name): i.count for i in merged.coverage.items}
    whole_counts = {(i.kind, i.name): i.count for i in whole.coverage.items}
    assert merged_counts.keys() == whole_counts.keys()
    assert all((merged_counts[k] > 0) == (whole_counts[k] > 0) for k in whole_counts)
    assert all(merged_counts[k] >= whole_counts[k] for k in whole_counts)
    assert merged.coverage.percent == whole.coverage.percent


def test_the_split_deals_every_unit_once_and_keeps_the_whole_account_ones_in_shard_1() -> None:
    units = [Unit(f"probe:{n}") for n in range(10)] + [
        Unit("probe:ledger", whole_account=True),
        Unit("schemathesis:fuzzing"),
        Unit("probe:exact-balance", whole_account=True),
    ]
    for count in (1, 2, 3, 5, 20):
        shards = [Shard(i, count).split(units) for i in range(1, count + 1)]
        dealt = [unit for shard in shards for unit in shard]
        assert sorted(u.name for u in dealt) == sorted(u.name for u in units)
        assert [u.name for u in shards[0] if u.whole_account] == [
            "probe:ledger",
            "probe:exact-balance",
        ]
        assert all(not u.whole_account for shard in shards[1:] for u in shard)
        sizes = [len([u for u in shard if not u.whole_account]) for shard in shards]
        assert max(sizes) - min(sizes) <= 1  # dealt in turn
        assert shards == [Shard(i, count).split(units) for i in range(1, count + 1)]


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", ""])
def test_a_shard_that_cannot_be_is_refused_by_name(text: str) -> None:
    with pytest.raises(ShardError, match="shard"):
        Shard.parse(text)


def _write(tmp_path: Path, result: SuiteResult, name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(to_json(result)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shard_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A two-shard run of the conforming mock, probes and properties only, as files."""
    folder = tmp_path_factory.mktemp("shards")
    paths = []
    for index in (1, 2):
        app = create_app(spec=SPEC, account=ACCOUNT)
        session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
        result = run_suite(
            session,
            profile="quick",
            seed=SEED,
            stages=("probes", "properties"),
            shard=Shard(index, 2),
        )
        paths.append(_write(folder, result, f"shard-{index}.json"))
    return paths


def test_merge_reports_joins_the_shards_into_one_verdict_and_reports(
    shard_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "merged.json"
    html, junit = tmp_path / "merged.html", tmp_path / "merged.xml"
    files = [str(path) for path in reversed(shard_files)]
    reports = ["--json", str(out), "--html", str(html), "--junit-xml", str(junit)]
    code = main(["merge-reports", *files, *reports])
    assert code == 0
    printed = capsys.readouterr().out
    assert "2 shards of one run" in printed and "conforms to the contract" in printed
    merged = load(out)
    assert merged.shards == 2 and merged.units == merged.plan
    # Each shard's report says which shard it is, from its data; the merged one says none.
    for index, path in enumerate(shard_files, start=1):
        shard = load(path)
        assert shard.shown_notes[0].startswith(f"shard {index}/2 of the run (seed {SEED}): ")
        assert f"of its {len(shard.plan)} units" in shard.shown_notes[0]
        assert not any(note.startswith("shard ") for note in shard.notes)
    assert not any(note.startswith("shard ") for note in merged.shown_notes)
    assert "<testsuite" in junit.read_text() and "<html" in html.read_text().lower()


def test_merge_reports_refuses_what_is_not_every_shard_of_one_run(
    shard_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = shard_files
    assert main(["merge-reports", str(first)]) == 2
    assert "shard(s) 2/2 missing" in capsys.readouterr().err
    assert main(["merge-reports", str(first), str(first)]) == 2
    assert "shard 1/2 twice" in capsys.readouterr().err
    other = json.loads(second.read_text())
    other["seed"] = SEED + 1
    changed = tmp_path / "other-seed.json"
    changed.write_text(json.dumps(other))
    assert main(["merge-reports", str(first), str(changed)]) == 2
    assert f"its seed is {SEED + 1}, not {SEED}" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    assert main(["merge-reports", str(first), str(broken)]) == 2
    assert f"{broken}: not a result" in capsys.readouterr().err


def test_a_sharded_run_needs_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["test", "--shard", "1/2"])
    assert stopped.value.code == 2
    assert "--shard 1/2 needs --seed" in capsys.readouterr().err


def test_the_json_result_keeps_every_violation_with_its_request_and_hides_the_token(
    tmp_path: Path,
) -> None:
    result = _run(BROKEN.behaviour, Shard(1, 1))
    path = _write(tmp_path, result, "result.json")
    text = path.read_text()
    assert result.failed and result.failed[0].violations[0].request is not None
    assert "Bearer <redacted>" in text and ACCOUNT.client_secret not in text
    again = load(path)
    assert [(r.id, r.cases, len(r.violations)) for r in again.rules] == [
        (r.id, r.cases, len(r.violations)) for r in result.rules
    ]
    first, copy = result.failed[0].violations[0], again.failed[0].violations[0]
    assert (copy.message, copy.received, copy.expected) == (
        first.message,
        first.received,
        first.expected,
    )
    assert copy.request is not None and first.request is not None
    assert copy.request.body == first.request.body


def _make_shards(out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`make shards` as a user runs it, with the virtual environment running these tests."""
    return subprocess.run(
        ["make", "-s", "shards", "SHARDS=2", f"SEED={SEED}", f"OUT={out}"],
        cwd=ROOT,
        env={**os.environ, "BIN": str(Path(sys.executable).parent), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_shards_runs_the_shards_in_parallel_and_merges_them(tmp_path: Path) -> None:
    out = tmp_path / "shards"
    done = _make_shards(out, TEST_ARGS="--profile quick")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"2 shards of one run, seed {SEED}" in done.stdout
    assert "conforms to the contract" in done.stdout
    merged = load(out / "merged.json")
    assert merged.shards == 2 and merged.units == merged.plan
    for name in ("junit.xml", "report.md", "report.html", "shard-1.xml", "shard-2.xml"):
        assert (out / name).stat().st_size > 0


def test_make_shards_over_http_names_the_broken_rule(tmp_path: Path) -> None:
    """Two live servers on loopback, one per shard, both keeping the broken rule."""
    apps = [create_app(spec=SPEC, account=ACCOUNT, behaviour=BROKEN.behaviour) for _ in "ab"]
    with served(apps[0]) as first, served(apps[1]) as second:
        done = _make_shards(
            tmp_path / "shards",
            BASE_URLS=f"{first} {second}",
            TEST_ARGS="--profile quick --keep-balance",
        )
    # make fails (2) on the recipe's exit 1: the merged verdict of a broken server.
    assert done.returncode == 2 and "Error 1" in done.stderr, done.stdout + done.stderr
    assert "BREAKS the contract" in done.stdout
    failed = {f"{r.check}/{r.rule}" for r in load(tmp_path / "shards" / "merged.json").failed}
    assert failed & BROKEN.expect


def test_make_shards_says_which_shard_could_not_run(tmp_path: Path) -> None:
    done = _make_shards(tmp_path / "shards", BASE_URLS="http://127.0.0.1:9 http://127.0.0.1:9")
    assert done.returncode == 2 and "Error 2" in done.stderr  # the recipe's exit 2
    assert "shard 1/2 could not run" in done.stderr and "cannot reach" in done.stderr
