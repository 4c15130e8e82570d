"""The HTML report, stable rule ids, and the contract coverage map (`--coverage-json`,
`--fail-under`), without a browser (tests/test_browser.py looks at the pages)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from contract_tests import ids
from contract_tests.core import Exchange, RecordedRequest, RecordedResponse
from contract_tests.coverage import KINDS, CoverageRecorder
from contract_tests.html_report import html_report
from contract_tests.report import junit_xml, markdown_report
from contract_tests.runner import known_rules
from contract_tests.verdict import rule_id
from tests.test_suite_report import _result
from twosms_contract.spec import Spec, load_spec
from twosms_kit.cli import main

SPEC = load_spec()
SEND_PATH = SPEC.terms.operation("sendMessages")[0]


def _send(body: dict[str, object], status: int, answer: dict[str, object]) -> Exchange:
    return Exchange(
        RecordedRequest(
            "POST",
            f"http://testserver{SEND_PATH}",
            (("Content-Type", "application/json"),),
            json.dumps(body).encode(),
            body,
        ),
        RecordedResponse(status, (), json.dumps(answer).encode()),
    )


def _recorder(spec: Spec = SPEC) -> CoverageRecorder:
    return CoverageRecorder(spec, send_path=SEND_PATH)


def test_rule_ids_are_stable_and_distinct() -> None:
    # Pinned: an id printed in last month's report must still name the same rule.
    assert rule_id(*ids.NOT_A_SERVER_ERROR) == "R479275"
    assert rule_id(*ids.AUTH_UNAUTHORIZED) == "R71521F"
    printed = [rule_id(check, rule) for check, rule in known_rules(spec=SPEC)]
    assert len(set(printed)) == len(printed), "two rules share an id"


def test_every_report_shows_every_rule_id() -> None:
    result = _result()
    html, markdown, junit = html_report(result), markdown_report(result), junit_xml(result)
    for rule in result.rules:
        assert rule.id in html and f"`{rule.id}`" in markdown
    cases = ElementTree.fromstring(junit).findall("testcase")
    assert [c.find("properties/property").get("value") for c in cases] == [  # type: ignore[union-attr]
        rule.id for rule in result.rules
    ]


def test_the_html_report_is_self_contained_and_reproduces_the_failure() -> None:
    html = html_report(_result())
    assert "<link" not in html and "@import" not in html
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", html), "fetches something"
    assert not re.search(r"<script[^>]*\bsrc=", html)
    failing = rule_id(*ids.NOT_A_SERVER_ERROR)
    section = html[html.index(f'id="rule-{failing}"') :]
    for shown in (
        "not-a-server-error broken",
        "no 5xx, whatever the request",
        "curl -i -X POST",
        "http://127.0.0.1:8080/api/v2/sms/messages",
        "HTTP 500",
        "{&#34;oops&#34;: 1}",
        "$TWOSMS_TOKEN",
    ):
        assert shown in section, shown
    assert "s3cr3t-t0ken-value" not in html
    assert "GSM-7 single part (160 septets)" in html  # the boundary table
    assert "seed" in html and ">7<" in html


def test_coverage_counts_what_a_request_exercised() -> None:
    """Property checked: an item is exercised exactly when an exchange touched it, and
    the map lists every never-exercised item before any exercised one."""
    recorder = _recorder()
    body = {
        "Contacts": {"QuickRecipients": {"+447700900123": 2}},
        "Content": "a" * (SPEC.terms.parts.gsm7_single + 1),
        "Options": {},
        "Type": 1,
    }
    recorder.record(_send(body, 200, {"Error": None}))
    recorder.record(
        _send({"Contacts": {}}, 400, {"Error": {"ErrorCode": "NoRecipients", "ErrorReason": "x"}})
    )
    snapshot = recorder.snapshot()
    counts = {(i.kind, i.name): i.count for i in snapshot.items}
    assert counts["field", "$.Content"] == 1
    assert counts["field", "$.Contacts"] == 2
    assert counts["field", "$.Contacts.QuickRecipients.*"] == 1
    assert counts["field", "$.Options.Sender"] == 0
    assert counts["enum", "$.Type = 1"] == 1 and counts["enum", "$.Type = 2"] == 0
    assert counts["status", f"POST {SEND_PATH} 200"] == 1
    assert counts["status", f"POST {SEND_PATH} 400"] == 1
    assert counts["error-code", "NoRecipients"] == 1
    assert counts["check", "no-recipients"] == 1 and counts["check", "auth"] == 0
    single = SPEC.terms.parts.gsm7_single
    assert counts["sms-boundary", f"GSM-7 {single + 1} septets"] == 1
    assert counts["sms-boundary", f"GSM-7 {single} septets"] == 0
    seen = [item.exercised for item in snapshot.items]
    assert seen == sorted(seen), "never-exercised items come first"
    assert {i.kind for i in snapshot.items} == set(KINDS)
    assert {i.name for i in snapshot.of_kind("check")} == {c.id for c in SPEC.terms.checks}
    assert {i.name for i in snapshot.of_kind("error-code")} == set(SPEC.terms.statuses)


def test_coverage_items_follow_an_edited_spec(tmp_path: Path) -> None:
    import yaml

    document = yaml.safe_load(Path(SPEC.path).read_text(encoding="utf-8"))
    document["x-contract"]["smsParts"]["gsm7"]["single"] = 140
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    names = {i.name for i in _recorder(load_spec(edited)).snapshot().of_kind("sms-boundary")}
    assert "GSM-7 140 septets" in names and "GSM-7 141 septets" in names
    assert "GSM-7 160 septets" not in names


def test_the_cli_writes_html_and_coverage_json_and_fails_under(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, coverage = tmp_path / "report.html", tmp_path / "coverage.json"
    args = ["test", "--profile", "quick", "--max-examples", "2", "--seed", "1", "--serial"]
    code = main([*args, "--html", str(html), "--coverage-json", str(coverage)])
    assert code == 0
    data = json.loads(coverage.read_text(encoding="utf-8"))
    assert data["total"] == len(data["items"]) > 0
    assert 0 < data["percent"] <= 100
    missed = [item for item in data["items"] if not item["exercised"]]
    assert data["items"][: len(missed)] == missed
    assert "The server conforms to the contract" in html.read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert f"({data['percent']:.1f}%)" in out or "Contract coverage" in out
    if data["percent"] < 100:
        assert main([*args, "--fail-under", "100"]) == 1
        assert "below --fail-under 100%" in capsys.readouterr().out
    assert main([*args, "--fail-under", "0"]) == 0


def test_fail_under_takes_a_percentage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["test", "--fail-under", "120"])
    assert exit_info.value.code == 2
    assert "120.0 is not between 0 and 100" in capsys.readouterr().err


def test_forked_stages_send_their_coverage_back() -> None:
    """What Schemathesis exercised in its forked processes is in the parent's map."""
    from contract_tests.cli import open_session
    from contract_tests.forked import ForkedStage
    from contract_tests.runner import run_suite

    assert ForkedStage.available()
    session = open_session(base_url=None, fixtures=None)
    try:
        result = run_suite(
            session,
            profile="quick",
            max_examples=2,
            seed=1,
            stages=("schemathesis",),
            parallel=True,
        )
    finally:
        session.close()
    assert result.coverage is not None
    counts = {(i.kind, i.name): i.count for i in result.coverage.items}
    # The preflight, the only request of this process, sends no Content.
    assert counts["field", "$.Content"] > 0
    assert counts["status", f"POST {SEND_PATH} 200"] > 0
