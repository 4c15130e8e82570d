"""`twosms-contract diff`: exit codes, formats, git revisions and unreadable input."""

from __future__ import annotations

import copy
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.repo import SPEC as DEFAULT_SPEC
from twosms_contract.spec import load_spec
from twosms_kit.cli import main

SPEC: dict[str, Any] = load_spec().document


def _write(path: Path, document: Any) -> str:
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return str(path)


def _edited(tmp_path: Path, name: str, edit: Any) -> str:
    document = copy.deepcopy(SPEC)
    edit(document)
    return _write(tmp_path / name, document)


def _err_edit(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["MessageOptionsV2"]["properties"]["Reference"]["maxLength"] = 32


def _warn_edit(doc: dict[str, Any]) -> None:
    doc["x-contract"]["errorCodes"].append({"code": "RateLimited", "status": 429})


def _err_and_warn_edit(doc: dict[str, Any]) -> None:
    _err_edit(doc)
    _warn_edit(doc)


def _info_edit(doc: dict[str, Any]) -> None:
    doc["paths"]["/Token"]["post"]["x-note"] = "hello"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_identical_specs_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(DEFAULT_SPEC), str(DEFAULT_SPEC), "--no-code")
    assert code == 0
    assert "0 change(s) (0 ERR, 0 WARN, 0 INFO)" in out
    assert "spec: none" in out


def test_reordered_spec_file_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def reverse(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reverse(node[k]) for k in reversed(list(node))}
        if isinstance(node, list):
            return [reverse(i) for i in node]
        return node

    reordered = _write(tmp_path / "reordered.yaml", reverse(SPEC))
    code, out, _ = run(capsys, str(DEFAULT_SPEC), reordered, "--no-code")
    assert (code, "0 change(s)" in out) == (0, True)


def test_breaking_change_exits_1_and_names_rule_pointer_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    new = _edited(tmp_path, "new.yaml", _err_edit)
    code, out, _ = run(capsys, str(DEFAULT_SPEC), new, "--no-code")
    assert code == 1
    assert (
        "ERR  request-property-max-length-decreased  "
        "#/components/schemas/MessageOptionsV2/properties/Reference/maxLength"
    ) in out
    assert "maxLength changed: 64 → 32  [sendMessages]" in out
    assert "spec: major (1.0.0 → 2.0.0; NEW says 1.0.0)" in out


@pytest.mark.parametrize(
    ("edit", "fail_on", "expected"),
    [
        (_warn_edit, "ERR", 0),
        (_warn_edit, "WARN", 1),
        (_warn_edit, "warn", 1),
        (_info_edit, "WARN", 0),
        (_info_edit, "INFO", 1),
        (_err_edit, "INFO", 1),
    ],
)
def test_fail_on_threshold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: Any, fail_on: str, expected: int
) -> None:
    new = _edited(tmp_path, "new.yaml", edit)
    code, _, _ = run(capsys, str(DEFAULT_SPEC), new, "--no-code", "--fail-on", fail_on)
    assert code == expected


def test_json_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    new = _edited(tmp_path, "new.yaml", _err_and_warn_edit)
    code, out, _ = run(capsys, str(DEFAULT_SPEC), new, "--no-code", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"ERR": 1, "WARN": 1, "INFO": 0}
    first = data["changes"][0]
    assert first["id"] == "request-property-max-length-decreased"
    assert (first["level"], first["old"], first["new"]) == ("ERR", 64, 32)
    added = data["changes"][1]
    assert added["id"] == "contract-error-code-added" and "old" not in added
    assert data["bump"]["spec"] == "major" and data["codeJoin"] == "--no-code given"


def test_junit_format_fails_at_the_threshold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    new = _edited(tmp_path, "new.yaml", _err_and_warn_edit)
    _, out, _ = run(capsys, str(DEFAULT_SPEC), new, "--no-code", "--format", "junit")
    suite = ET.fromstring(out.split("\n", 1)[1])
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failing = suite.find("testcase/failure")
    assert failing is not None and failing.get("type") == "ERR"


def test_markdown_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    new = _edited(tmp_path, "new.yaml", _err_edit)
    _, out, _ = run(capsys, str(DEFAULT_SPEC), new, "--no-code", "--format", "markdown")
    assert "| level | rule | pointer | old → new | generated code |" in out
    assert "| ERR | `request-property-max-length-decreased` |" in out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away git repository with two commits of the spec."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "spec").mkdir()
    _write(tmp_path / "spec" / "api.yaml", SPEC)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "one")
    _edited(tmp_path / "spec", "api.yaml", _err_edit)
    _git(tmp_path, "commit", "-q", "-am", "two")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_revisions(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    code, out, _ = run(capsys, "HEAD~1:spec/api.yaml", "HEAD:spec/api.yaml", "--no-code")
    assert code == 1
    assert "HEAD~1:spec/api.yaml → HEAD:spec/api.yaml: 1 change(s)" in out
    code, _, _ = run(capsys, "HEAD~1:spec/api.yaml", "spec/api.yaml", "--no-code")
    assert code == 1


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("HEAD~7:spec/api.yaml", "HEAD~7:spec/api.yaml: git cannot show revision 'HEAD~7'"),
        ("HEAD:spec/nope.yaml", "path 'spec/nope.yaml' does not exist in 'HEAD'"),
        ("nosuch:spec/api.yaml", "git cannot show revision 'nosuch'"),
    ],
)
def test_bad_revision_or_path_exits_2(
    capsys: pytest.CaptureFixture[str], repo: Path, arg: str, message: str
) -> None:
    code, out, err = run(capsys, arg, "spec/api.yaml", "--no-code")
    assert (code, out) == (2, "")
    assert err.startswith("twosms-contract diff: error: ") and message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "missing.yaml: cannot read the spec: no such file"),
        ("openapi: 3.1.0\npaths: [\n", "invalid YAML"),
        ("openapi: 3.1.0\nopenapi: 3.1.1\n", "duplicate key 'openapi'"),
        ("- a\n- b\n", "the top level is list, not an OpenAPI mapping"),
        ("title: not a spec\n", "not an OpenAPI document (no `openapi` version string"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "missing.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    code, out, err = run(capsys, str(DEFAULT_SPEC), str(path), "--no-code")
    assert (code, out) == (2, "")
    assert message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_dangling_ref_in_new_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["MessageV2"]["properties"]["Type"]["$ref"] = "#/nowhere"

    new = _edited(tmp_path, "new.yaml", edit)
    code, _, err = run(capsys, str(DEFAULT_SPEC), new, "--no-code")
    assert code == 2
    assert (
        "#/components/schemas/MessageV2/properties/Type/$ref: '#/nowhere' does not resolve" in err
    )


@pytest.mark.slow
def test_default_run_joins_the_generated_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    new = _edited(tmp_path, "new.yaml", _err_edit)
    code, out, _ = run(capsys, str(DEFAULT_SPEC), new)
    assert code == 1
    assert "code: field-changed twosms_client/models.py:MessageOptionsV2." in out
    assert "client: major (from the generated code's public surface)" in out


def test_the_cli_lists_every_render_format() -> None:
    from twosms_kit.diff import command, render

    assert command.FORMATS == render.FORMATS
