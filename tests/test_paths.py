"""Where the commands find their files: `spec/` under the current directory when it is
there, else the copy shipped in the package; `--spec` on every command; `generate` writes
and checks under the current directory; a missing or broken spec is a one-line exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contract_tests.cli import open_session
from tests.repo import GENERATED_DIR, SPEC, SPEC_DIR
from twosms_contract.fixtures import load_account
from twosms_contract.paths import (
    default_fixtures,
    default_generated_dir,
    default_spec,
    packaged_spec_dir,
    spec_label,
)
from twosms_contract.spec import load_spec
from twosms_kit.cli import main


def test_the_packaged_spec_is_the_repository_spec() -> None:
    packaged = packaged_spec_dir()
    for relative in ("twosms-v2.yaml", "fixtures/demo.yaml", "examples/seed-request.json"):
        assert (packaged / relative).read_bytes() == (SPEC_DIR / relative).read_bytes()


def test_without_spec_here_the_defaults_are_the_packaged_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_spec() == packaged_spec_dir() / "twosms-v2.yaml"
    assert default_fixtures() == packaged_spec_dir() / "fixtures" / "demo.yaml"
    assert default_generated_dir() == tmp_path / "generated"
    assert load_spec().path == default_spec()
    assert load_account().client_id == load_account(SPEC_DIR / "fixtures" / "demo.yaml").client_id


def test_spec_here_wins_over_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spec" / "fixtures").mkdir(parents=True)
    (tmp_path / "spec" / "twosms-v2.yaml").write_text("openapi: 3.1.0\n")
    (tmp_path / "spec" / "fixtures" / "demo.yaml").write_text("client_id: here\n")
    monkeypatch.chdir(tmp_path)
    assert default_spec() == tmp_path / "spec" / "twosms-v2.yaml"
    assert default_fixtures() == tmp_path / "spec" / "fixtures" / "demo.yaml"
    assert load_spec().document == {"openapi": "3.1.0"}


def test_generated_headers_name_the_packaged_spec_as_the_repository_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert spec_label(packaged_spec_dir() / "twosms-v2.yaml") == "spec/twosms-v2.yaml"
    (tmp_path / "mine").mkdir()
    assert spec_label(tmp_path / "mine" / "edited.yaml") == "mine/edited.yaml"


def test_lint_takes_the_spec_positionally_or_as_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SPEC)]) == 0
    assert main(["lint", "--spec", str(SPEC)]) == 0
    assert f"{SPEC}: clean" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["lint", str(SPEC), "--spec", "other.yaml"])
    assert exc.value.code == 2
    assert "two specs given" in capsys.readouterr().err


COMMANDS = [
    ["lint"],
    ["mock", "--port", "1"],
    ["test", "--profile", "quick"],
    ["generate"],
    ["generate", "--check"],
    ["diff", str(SPEC), "--no-code"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_spec_is_one_line_naming_the_file(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nosuchfile.yaml"
    assert main([*command, "--spec", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert str(missing) in err and "no such file" in err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_spec_that_is_not_yaml_names_file_and_line(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: {title: [x\npaths: {}\n")
    assert main([*command, "--spec", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"{broken}:3: invalid YAML" in err


def test_diff_compares_old_with_spec_when_new_is_not_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "edited.yaml"
    edited.write_text(SPEC.read_text().replace("\n  version: ", "\n  version: 9", 1))
    assert main(["diff", str(SPEC), "--spec", str(edited), "--no-code", "--format", "json"]) == 0
    assert str(edited) in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["diff", str(SPEC), str(edited), "--spec", str(edited)])
    assert exc.value.code == 2


def test_the_suite_session_and_its_embedded_mock_load_the_given_spec(tmp_path: Path) -> None:
    edited = tmp_path / "edited.yaml"
    edited.write_text(SPEC.read_text())
    session = open_session(base_url=None, fixtures=None, spec=edited)
    try:
        assert session.spec.path == edited
        assert session.app is not None
        assert session.app.state.mock.spec is session.spec
    finally:
        session.close()


def test_generate_check_looks_at_the_checkout_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second checkout: its own spec/, generated/ and docs/, not those of the installed
    package."""
    shutil.copytree(SPEC_DIR, tmp_path / "spec")
    shutil.copytree(SPEC_DIR.parent / "docs", tmp_path / "docs")
    shutil.copytree(
        GENERATED_DIR, tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--check"]) == 0
    models = tmp_path / "generated" / "twosms_client" / "models.py"
    models.write_text(models.read_text() + "# a hand edit\n")
    assert main(["generate", "--check"]) == 1
    assert "-# a hand edit" in capsys.readouterr().out
    assert main(["generate"]) == 0
    assert "# a hand edit" not in models.read_text()
    assert (GENERATED_DIR / "twosms_client" / "models.py").read_text() == models.read_text()
