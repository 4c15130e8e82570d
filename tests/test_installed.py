"""The kit as an installed tool: a wheel built from this tree, installed in a fresh virtual
environment, run from a directory without `spec/` (so every file comes from the package).

The build needs setuptools from the package index (build isolation) and the install the
dependencies; pip's cache makes both fast after the first run (about 30 s then).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from generator.header import read_header
from tests.repo import GENERATED_DIR, ROOT, SPEC, SPEC_DIR
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

pytestmark = pytest.mark.slow

# What the wheel is built from: the tree as it is, less what is not source.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "out",
)


@dataclass(frozen=True)
class Installed:
    bin: Path
    work: Path  # the current directory of every command: no spec/ in it
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "twosms-contract"), *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _pip(python: Path | str, *args: str, cwd: Path) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    source = root / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=_NOT_SOURCE)
    _pip(sys.executable, "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"), ".", cwd=source)
    (wheel,) = (root / "dist").glob("twosms_contract-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=300)
    _pip(root / "venv" / "bin" / "python", "install", "--quiet", str(wheel), cwd=root)
    work = root / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return Installed(bin=root / "venv" / "bin", work=work, env=env)


def test_lint_checks_the_packaged_spec(installed: Installed) -> None:
    done = installed.run("lint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "site-packages/twosms_contract/_spec/twosms-v2.yaml: clean" in done.stdout


def test_the_suite_passes_against_the_embedded_mock(installed: Installed) -> None:
    done = installed.run("test", "--profile", "quick", "--seed", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "The server conforms to the contract." in done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def mock_url(installed: Installed) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(installed.bin / "twosms-contract"), "mock", "--port", str(port)],
        cwd=installed.work,
        env=installed.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/_sandbox/messages", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "the mock did not start in 60 s"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_mock_issues_a_token_and_accepts_a_message(installed: Installed, mock_url: str) -> None:
    account = load_account(SPEC_DIR / "fixtures" / "demo.yaml")
    token = httpx.post(
        f"{mock_url}/Token",
        data={
            "grant_type": "client_credentials",
            "client_id": account.client_id,
            "client_secret": account.client_secret,
        },
    )
    assert token.status_code == 200, token.text
    body = load_spec(SPEC).document["components"]["examples"]["PublicStandardRequest"]["value"]
    sent = httpx.post(
        f"{mock_url}/api/v2/sms/messages",
        json=body,
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert sent.status_code == 200, sent.text
    listed = installed.run("mock-sandbox", "--url", mock_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("1 message(s)"), listed.stdout


def _bodies(root: Path) -> dict[str, tuple[str, str]]:
    """Each generated file's spec label and body (the generator fingerprint left aside: it
    hashes the versions installed, which a fresh environment may resolve anew)."""
    found = {}
    for path in sorted((root / "twosms_client").iterdir()):
        if path.is_file():
            parsed = read_header(path.read_text(encoding="utf-8"))
            assert parsed is not None, path
            header, body = parsed
            found[path.name] = (header.label, body)
    return found


def test_generate_writes_and_checks_the_out_directory(installed: Installed) -> None:
    out = installed.work / "client"
    done = installed.run("generate", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert _bodies(out) == _bodies(GENERATED_DIR)
    assert installed.run("generate", "--check", "--out", str(out)).returncode == 0
    models = out / "twosms_client" / "models.py"
    models.write_text(models.read_text() + "# a hand edit\n")
    drift = installed.run("generate", "--check", "--out", str(out))
    assert drift.returncode == 1
    assert "differs from what spec/twosms-v2.yaml gives (1 changed)" in drift.stderr


def test_spec_option_loads_an_edited_copy(installed: Installed) -> None:
    title = load_spec(SPEC).document["info"]["title"]
    edited = installed.work / "edited.yaml"
    edited.write_text(SPEC.read_text().replace(f"title: {title}\n", "title: Edited copy\n", 1))
    assert load_spec(edited).document["info"]["title"] == "Edited copy"
    done = installed.run("lint", "--spec", str(edited))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{edited}: clean" in done.stdout
    out = installed.work / "edited-client"
    assert installed.run("generate", "--spec", "edited.yaml", "--out", str(out)).returncode == 0
    models = (out / "twosms_client" / "models.py").read_text()
    assert "Edited copy" in models and title not in models
    assert "from edited.yaml" in models
    missing = installed.run("test", "--spec", "nosuchfile.yaml")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "twosms-contract test: error: nosuchfile.yaml: no such file"
    ]
