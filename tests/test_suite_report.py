"""The reports: Markdown and JUnit XML, with every secret redacted."""

from __future__ import annotations

from xml.etree import ElementTree

from contract_tests import ids
from contract_tests.core import BoundaryObservation, RecordedRequest, RecordedResponse, Violation
from contract_tests.report import (
    curl_command,
    junit_xml,
    markdown_report,
    python_snippet,
    redact_body,
)
from contract_tests.verdict import RuleResult, SuiteResult, rule_id

TOKEN = "s3cr3t-t0ken-value"
SEND = RecordedRequest(
    method="POST",
    url="http://testserver/api/v2/sms/messages",
    headers=(
        ("Accept", "application/json"),
        ("Authorization", f"Bearer {TOKEN}"),
        ("Content-Type", "application/json"),
        ("User-Agent", "python-httpx"),
    ),
    body=b'{"Contacts":{"QuickRecipients":{"+447700900123":2}},"Content":"Hi","Options":{},"Type":1}',
)
ANSWER = RecordedResponse(
    status=500, headers=(("content-type", "application/json"),), body=b'{"oops": 1}'
)


def _violation(rule: str, request: RecordedRequest | None = SEND) -> Violation:
    return Violation(
        check=ids.RESPONSE,
        rule=rule,
        message=f"{rule} broken",
        received="500",
        expected="no 5xx, whatever the request",
        request=request,
        response=ANSWER,
    )


def _result() -> SuiteResult:
    failing = RuleResult(*ids.NOT_A_SERVER_ERROR, cases=3)
    failing.violations = [_violation(ids.NOT_A_SERVER_ERROR.rule)]
    return SuiteResult(
        target="the embedded mock (in process)",
        profile="quick",
        seed=7,
        rules=[
            failing,
            RuleResult(*ids.AUTH_UNAUTHORIZED, cases=5),
            RuleResult(*ids.ACCEPT_GUID_CASE, cases=0),
        ],
        cases=8,
        seconds=2.0,
        stage_cases={"probes": 8},
        stage_seconds={"probes": 2.0},
        boundaries=[
            BoundaryObservation(
                "GSM-7 single part (160 septets)", "at", "160 septets", "1 part", "2 parts", False
            )
        ],
        notes=[],
    )


def test_markdown_report_lists_every_rule_and_reproduces_each_failure() -> None:
    text = markdown_report(_result())
    failing_id = rule_id(*ids.NOT_A_SERVER_ERROR)
    assert f"| `{failing_id}` | response | not-a-server-error | 3 | **FAIL** (1 distinct) |" in text
    assert f"| `{rule_id('auth', 'Unauthorized')}` | auth | Unauthorized | 5 | pass |" in text
    assert f"| `{rule_id('acceptance', 'guid-case')}` | acceptance | guid-case | 0 | n/a |" in text
    assert f"### {failing_id} response / not-a-server-error" in text
    assert "Received: 500" in text and "Expected: no 5xx, whatever the request" in text
    assert "curl -i -X POST" in text and "http://127.0.0.1:8080/api/v2/sms/messages" in text
    assert "```python" in text
    assert "| GSM-7 single part (160 septets) | at | 160 septets | 1 part | 2 parts | **no** |" in (
        text
    )
    assert "4 cases/s" in text
    assert TOKEN not in text
    assert "User-Agent" not in text  # transport noise is left out of reproductions


def test_junit_has_one_testcase_per_rule_with_failures_and_skips() -> None:
    root = ElementTree.fromstring(junit_xml(_result()))
    cases = root.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ids.NOT_A_SERVER_ERROR,
        ids.AUTH_UNAUTHORIZED,
        ids.ACCEPT_GUID_CASE,
    ]
    assert root.get("failures") == "1" and root.get("skipped") == "1"
    failure = cases[0].find("failure")
    assert failure is not None and "Received: 500" in (failure.text or "")
    assert cases[1].find("failure") is None and cases[2].find("skipped") is not None
    assert TOKEN not in junit_xml(_result())


def test_curl_reads_the_token_from_the_environment() -> None:
    command = curl_command(SEND)
    assert '"Authorization: Bearer $TWOSMS_TOKEN"' in command
    assert TOKEN not in command
    assert command.endswith("http://127.0.0.1:8080/api/v2/sms/messages")


def test_python_uses_the_generated_client_for_a_model_it_can_send() -> None:
    code = python_snippet(SEND)
    assert "from twosms_client import ApiError, Client, models" in code
    assert "os.environ['TWOSMS_CLIENT_SECRET']" in code and TOKEN not in code
    compile(code, "<snippet>", "exec")


def test_python_falls_back_to_httpx_for_bytes_no_model_can_express() -> None:
    raw = RecordedRequest(
        method="POST",
        url=SEND.url,
        headers=SEND.headers,
        body=b'{"Contacts": {}, "Type": NaN}',
    )
    code = python_snippet(raw)
    assert "import httpx" in code and "os.environ['TWOSMS_TOKEN']" in code
    assert TOKEN not in code and "NaN" in code
    compile(code, "<snippet>", "exec")


def test_a_client_secret_in_a_token_request_is_redacted() -> None:
    body = b"grant_type=client_credentials&client_id=demo&client_secret=demo-secret"
    redacted = redact_body(body)
    assert redacted is not None and b"demo-secret" not in redacted
    assert b"client_id=demo" in redacted
    token_request = RecordedRequest("POST", "http://testserver/Token", (), body)
    assert "demo-secret" not in curl_command(token_request)
    assert "demo-secret" not in python_snippet(token_request)
