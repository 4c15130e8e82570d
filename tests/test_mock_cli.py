"""`twosms-contract mock` serves on loopback and prints how to use it; `mock-sandbox` prints
and clears what it accepted; a bad fixtures file is a one-line error (exit 2)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.cli import render_messages
from mockserver.testing import public_request
from twosms_kit.cli import main

FIXTURES = """\
client_id: acme
client_secret: s3cret
user_id: acme-user
balance: 10
contacts:
  "7": {phone: "+447700900777"}
"""

pytestmark = pytest.mark.slow  # seconds: a server, a subprocess or a fuzzer


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    fixtures = tmp_path_factory.mktemp("fx") / "acme.yaml"
    fixtures.write_text(FIXTURES)
    port = _free_port()
    command = [sys.executable, "-m", "twosms_kit.cli", "mock", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--fixtures", str(fixtures)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/_sandbox/messages", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_mock_serves_the_fixtures_account(served: str) -> None:
    base = served
    token = httpx.post(
        f"{base}/Token",
        data={"grant_type": "client_credentials", "client_id": "acme", "client_secret": "s3cret"},
    ).json()["access_token"]
    body = public_request(Contacts={"ContactID": {"7": 0}}, Content="hello")
    response = httpx.post(
        f"{base}/api/v2/sms/messages", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    data = response.json()["ResponseData"]
    assert data["Identification"]["UserId"] == "acme-user"
    assert data["Detail"]["PreTransaction"] == "10"


def test_mock_sandbox_prints_and_clears(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = served
    assert main(["mock-sandbox", "--url", base]) == 0
    out = capsys.readouterr().out
    assert "1 message(s); balance 9" in out
    assert "+447700900777" in out
    assert "'hello'" in out
    assert main(["mock-sandbox", "--url", base, "--clear"]) == 0
    assert "cleared 1 message(s)" in capsys.readouterr().out
    assert main(["mock-sandbox", "--url", base, "--json"]) == 0
    assert '"messages": []' in capsys.readouterr().out


def test_head_gets_405_over_a_socket(served: str) -> None:
    base = served
    response = httpx.head(f"{base}/api/v2/sms/messages")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_mock_prints_url_and_credentials(served: str) -> None:
    """A second server on the same port prints its banner, then fails: the port is taken."""
    base = served
    port = base.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "twosms_kit.cli", "mock", "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert f"2SMS mock server on {base}" in result.stdout
    assert "client_id=demo  client_secret=demo-secret" in result.stdout
    assert result.returncode != 0  # the port is taken


def test_sandbox_unreachable_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()
    assert main(["mock-sandbox", "--url", f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("twosms-contract mock-sandbox: error: http://127.0.0.1:")
    assert len(err.strip().splitlines()) == 1


def test_bad_fixtures_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("client_id: x\nbalance: -5\n")
    assert main(["mock", "--fixtures", str(bad), "--port", str(_free_port())]) == 2
    err = capsys.readouterr().err
    assert "invalid fixtures" in err
    assert len(err.strip().splitlines()) == 1


def test_render_messages_shows_ids() -> None:
    text = render_messages(
        {
            "balance": 5,
            "messages": [
                {
                    "seq": 1,
                    "received_at": "2030-01-01T00:00:00+00:00",
                    "type": 1,
                    "result": "Sent",
                    "parts": 2,
                    "encoding": "GSM-7",
                    "credits": 2,
                    "sms": ["+447700900001"],
                    "emails": [],
                    "text": "hi",
                    "advanced_message_id": None,
                    "standard_message_ids": {"+447700900001": ["0000000001", "0000000002"]},
                }
            ],
        }
    )
    assert "IDs: +447700900001: 0000000001 0000000002" in text


def test_mock_sandbox_json_writes_a_lone_surrogate_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mockserver import create_app
    from mockserver.testing import MockClient
    from tests.loopback import served as serving

    app = create_app()
    MockClient(app).send(public_request(Content="a\ud800b"))
    with serving(app) as base:
        assert main(["mock-sandbox", "--url", base, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"text": "a\\ud800b"' in out
