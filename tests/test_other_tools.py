"""Other tools read the spec whole: openapi-python-client generates a typed client from it,
and Spectral's `oas` ruleset finds no error and no warning in it.

Both tools are installed on first use under `.cache/tools/` (gitignored) and reused while
their version is in the range pinned here. An install that fails is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.repo import ROOT as REPO_ROOT
from twosms_contract.spec import load_spec, pointer_escape

SPEC = load_spec()
SPEC_PATH = REPO_ROOT / "spec" / "twosms-v2.yaml"
CACHE = REPO_ROOT / ".cache" / "tools"

# openapi-python-client: the range the spec is kept clean for.
OPC_REQUIREMENT = "openapi-python-client>=0.29,<0.30"
OPC_RANGE = ((0, 29), (0, 30))
# @stoplight/spectral-cli, as npm writes a range.
SPECTRAL_REQUIREMENT = "@stoplight/spectral-cli@^6.16.3"
SPECTRAL_RANGE = ((6, 16), (7, 0))

SEND_PATH = "/api/v2/sms/messages"
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 300

# The seed's help page lists `text/json` as a request format, so the spec keeps it; this
# version of openapi-python-client has no text/json request bodies and says so, then
# generates the application/json body (checked below). No other warning is allowed.
KNOWN_WARNING = (
    "WARNING parsing POST /api/v2/sms/messages within sms.",
    "Unsupported content type text/json",
)


def _run(
    command: list[str], *, cwd: Path, timeout: int, env: dict[str, str] | None = None
) -> tuple[str, str]:
    """Run a command; its stdout and stderr. A failure fails the test with both."""
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"{' '.join(command)}: {error}")
    if done.returncode != 0:
        output = done.stdout + done.stderr
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{output}")
    return done.stdout, done.stderr


def _version(text: str) -> tuple[int, ...]:
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    return tuple(int(part) for part in match.groups() if part is not None) if match else ()


def _in_range(version: tuple[int, ...], bounds: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    low, high = bounds
    return bool(version) and low <= version[:2] < high


# -- openapi-python-client ----------------------------------------------------------------------


_VERSION_PROBE = "import importlib.metadata as m; print(m.version('openapi-python-client'))"


def _opc_venv() -> Path:
    """The venv holding openapi-python-client, made or refreshed when its version is off."""
    venv = CACHE / "openapi-python-client"
    python = venv / "bin" / "python"
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and _in_range(_version(probe.stdout), OPC_RANGE):
            return venv
    CACHE.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "venv", "--clear", str(venv)], cwd=CACHE, timeout=INSTALL_TIMEOUT)
    _run(
        [str(python), "-m", "pip", "install", "--quiet", OPC_REQUIREMENT],
        cwd=CACHE,
        timeout=INSTALL_TIMEOUT,
    )
    return venv


def _unexpected_warnings(output: str) -> list[str]:
    """The output's lines that warn, or say something was left out, bar the known one."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for index in range(len(lines) - 1):
        if (lines[index], lines[index + 1]) == KNOWN_WARNING:
            del lines[index : index + 2]
            break
    else:
        return ["the known text/json warning is gone: drop it from KNOWN_WARNING"]
    header = "Warning(s) encountered while generating. Client was generated, but some pieces"
    alarming = re.compile(
        r"warn|error|unable|cannot|can't|could not|skipping|omitted|removal|not in path|failure",
        re.IGNORECASE,
    )
    return [line for line in lines if alarming.search(line) and not line.startswith(header)]


def _send_examples() -> dict[str, dict[str, Any]]:
    """Status -> the first application/json example of the send operation's answer."""
    operation = SPEC.document["paths"][SEND_PATH]["post"]
    found: dict[str, dict[str, Any]] = {}
    for status, response in operation["responses"].items():
        media = SPEC.deref(response)["content"]["application/json"]
        first = next(iter(media["examples"].values()))
        found[str(status)] = SPEC.deref(first)["value"]
    return found


# Run with the generator's venv (it has httpx and attrs, which the generated client needs):
# each documented status answered through httpx.MockTransport; what `sync_detailed` parsed.
_CHECK_CLIENT = """
import json, sys
import httpx
sys.path.insert(0, sys.argv[1])
from opc_twosms_client import AuthenticatedClient
from opc_twosms_client.api.sms import send_messages
from opc_twosms_client.models import MessageV2

examples, request = json.loads(open(sys.argv[2]).read())
seen = []
result = {}
for status, body in examples.items():
    def handler(req, status=status, body=body):
        seen.append({"content_type": req.headers.get("content-type"),
                     "body": json.loads(req.content)})
        return httpx.Response(int(status), json=body)
    client = AuthenticatedClient(base_url="http://mock", token="t",
                                 httpx_args={"transport": httpx.MockTransport(handler)})
    response = send_messages.sync_detailed(client=client, body=MessageV2.from_dict(request))
    parsed = response.parsed
    result[status] = {"type": type(parsed).__name__,
                      "round_trip": parsed.to_dict() == body if parsed is not None else False}
print(json.dumps({"parsed": result, "requests": seen}))
"""


@pytest.mark.slow
def test_openapi_python_client_generates_typed_answers_without_warnings(tmp_path: Path) -> None:
    venv = _opc_venv()
    env = dict(os.environ)
    # Its post hooks format with ruff: ours (pinned) is beside this interpreter.
    env["PATH"] = os.pathsep.join(
        [str(venv / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")]
    )
    package = tmp_path / "opc_twosms_client"
    output = "".join(
        _run(
            [
                str(venv / "bin" / "openapi-python-client"),
                "generate",
                "--path",
                str(SPEC_PATH),
                "--output-path",
                str(package),
                "--meta",
                "none",
            ],
            cwd=tmp_path,
            timeout=RUN_TIMEOUT,
            env=env,
        )
    )
    assert _unexpected_warnings(output) == [], output
    examples = _send_examples()
    assert sorted(examples) == ["200", "400", "401", "402", "404", "405", "413", "415"]
    request = SPEC.deref(
        SPEC.document["paths"][SEND_PATH]["post"]["requestBody"]["content"]["application/json"][
            "examples"
        ]["public-standard"]
    )["value"]
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps([examples, request]))
    script = tmp_path / "check_client.py"
    script.write_text(_CHECK_CLIENT)
    stdout, _ = _run(
        [str(venv / "bin" / "python"), str(script), str(tmp_path), str(inputs)],
        cwd=tmp_path,
        timeout=RUN_TIMEOUT,
    )
    report = json.loads(stdout)
    expected = {
        status: {
            "type": "SendSuccessResponse" if status == "200" else "ErrorResponse",
            "round_trip": True,
        }
        for status in examples
    }
    assert report["parsed"] == expected, report
    # The body goes as application/json, exactly the example.
    assert {r["content_type"] for r in report["requests"]} == {"application/json"}, report
    assert all(r["body"] == request for r in report["requests"]), report


# -- Spectral -----------------------------------------------------------------------------------


def _spectral() -> Path:
    """The spectral binary, installed with npm when missing or its version is off."""
    prefix = CACHE / "spectral"
    binary = prefix / "node_modules" / ".bin" / "spectral"
    manifest = prefix / "node_modules" / "@stoplight" / "spectral-cli" / "package.json"
    if binary.exists() and manifest.exists():
        version = _version(str(json.loads(manifest.read_text()).get("version", "")))
        if _in_range(version, SPECTRAL_RANGE):
            return binary
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not on PATH: Spectral cannot be installed (Node 20 and npm are needed)")
    prefix.mkdir(parents=True, exist_ok=True)
    _run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", SPECTRAL_REQUIREMENT],
        cwd=prefix,
        timeout=INSTALL_TIMEOUT,
    )
    if not binary.exists():
        pytest.fail(f"npm install of {SPECTRAL_REQUIREMENT} left no {binary}")
    return binary


_SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def _finding(finding: dict[str, Any]) -> str:
    severity = finding.get("severity")
    name = _SEVERITIES.get(severity, str(severity)) if isinstance(severity, int) else severity
    pointer = "#" + "".join("/" + pointer_escape(str(p)) for p in finding.get("path", []))
    return f"{name} {finding.get('code')} {pointer}: {finding.get('message')}"


@pytest.mark.slow
def test_spectral_oas_ruleset_finds_no_error_and_no_warning(tmp_path: Path) -> None:
    binary = _spectral()
    ruleset = tmp_path / ".spectral.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n')
    results = tmp_path / "results.json"
    try:
        done = subprocess.run(
            [
                str(binary),
                "lint",
                "--ruleset",
                str(ruleset),
                "--format",
                "json",
                "--output",
                str(results),
                "--fail-severity",
                "error",
                str(SPEC_PATH),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"spectral lint: {error}")
    output = done.stdout + done.stderr
    if not results.exists():
        pytest.fail(f"spectral lint wrote no {results} (exit {done.returncode}):\n{output}")
    findings: list[dict[str, Any]] = json.loads(results.read_text())
    shown = [_finding(f) for f in findings]
    serious = [line for f, line in zip(findings, shown, strict=True) if f.get("severity") in (0, 1)]
    assert serious == [], "\n".join(shown)
    assert done.returncode == 0, output
