"""`twosms-contract test` and `pytest contract_tests`, end to end: exit codes and reports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from contract_tests import cli as suite_cli
from contract_tests import ids
from contract_tests.runner import DEFAULT_PROFILE, PROFILES
from contract_tests.verdict import rule_id
from mockserver import Behaviour, Failure, create_app
from mockserver.http import HttpRequest
from tests.repo import ROOT as REPO_ROOT
from twosms_kit.cli import main

FAST = ["--profile", "quick", "--max-examples", "2", "--seed", "1"]


class _NoAuth(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def broken_server() -> Iterator[str]:
    """A mock that does not enforce auth, served over loopback HTTP by uvicorn."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(behaviour=_NoAuth), host="127.0.0.1", port=port, log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_embedded_mock_conforms_and_the_reports_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, junit = tmp_path / "report.md", tmp_path / "junit.xml"
    code = main(["test", *FAST, "--report", str(report), "--junit-xml", str(junit)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "The server conforms to the contract." in out
    assert "cases/s" in out and "schemathesis" in out
    assert "# Contract suite report" in report.read_text()
    assert junit.read_text().startswith("<?xml")


def test_a_broken_live_server_exits_1_and_names_the_rule(
    broken_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.md"
    code = main(["test", "--base-url", broken_server, *FAST, "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"FAILED {rule_id('auth', 'Unauthorized')} auth / Unauthorized" in out
    assert f"### {rule_id('auth', 'Unauthorized')} auth / Unauthorized" in report.read_text()
    assert broken_server in report.read_text()


class _ExpiredAccepted(Behaviour):
    def check_auth(self, request: HttpRequest) -> Failure | None:
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme == "Bearer" and self.state.tokens.lookup(token) is not None:
            return None  # known, expired or not
        return super().check_auth(request)


def test_expired_token_probe_runs_over_http_only_with_expired_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Over HTTP the expiry rule is n/a unless `--expired-token` gives one; with it, a server
    that takes expired tokens is named."""
    from tests.loopback import served

    app = create_app(behaviour=_ExpiredAccepted)
    with served(app) as url:
        assert main(["test", "--base-url", url, *FAST]) == 0
        out = capsys.readouterr().out
        assert ids.AUTH_EXPIRED_TOKEN.rule in out and "n/a" in out
        expired = app.state.mock.mint_expired_token()
        code = main(["test", "--base-url", url, *FAST, "--expired-token", expired])
        out = capsys.readouterr().out
    assert code == 1, out
    assert f"FAILED {rule_id('auth', 'expired-token')} auth / expired-token" in out


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["test", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_an_unreachable_server_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["--base-url", f"http://127.0.0.1:{_free_port()}"], capsys)
    assert "cannot reach" in err


def test_refused_credentials_are_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["--client-id", "demo", "--client-secret", "wrong"], capsys)
    assert "refused the credentials" in err and "invalid_client" in err


def test_a_bad_fixtures_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = tmp_path / "account.yaml"
    fixtures.write_text("client_id: demo\nbalance: -1\n")
    err = _error(["--fixtures", str(fixtures)], capsys)
    assert str(fixtures) in err and "balance" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client-id", "demo"], "go together"),
        (["--token", "t", "--client-id", "a", "--client-secret", "b"], "one or the other"),
        (["--base-url", "127.0.0.1:8080"], "http:// or https://"),
        (["--workers", "0"], "not 1 or more"),
        (["--profile", "fast"], "invalid choice"),
        (["--timeout", "0"], "not more than 0 seconds"),
        (["--timeout", "soon"], "not a number of seconds"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["test", *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_the_cli_default_profile_is_the_runners() -> None:
    assert suite_cli.DEFAULT_PROFILE == DEFAULT_PROFILE
    assert set(suite_cli.PROFILE_NAMES) == set(PROFILES)


def test_pytest_runs_the_suite_one_test_per_rule() -> None:
    env: dict[str, Any] = {
        **os.environ,
        "TWOSMS_PROFILE": "quick",
        "TWOSMS_MAX_EXAMPLES": "2",
        "TWOSMS_SEED": "1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
