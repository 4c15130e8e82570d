"""The run's reports: Markdown for people, JUnit XML for CI.

Both are pure functions of a `SuiteResult`. Every reproduction has its bearer token (and a
client secret in a token request) redacted: a curl command reads the token from
`$TWOSMS_TOKEN`, a Python snippet from the environment.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.etree import ElementTree

from contract_tests.core import BoundaryObservation, RecordedRequest, Violation
from contract_tests.coverage import KIND_TITLES, KINDS, CoverageMap
from contract_tests.verdict import RuleResult, SuiteResult

REDACTED = "<redacted>"
IN_PROCESS_HOST = "http://testserver"
# Where `twosms-contract mock` listens: an in-process reproduction replays there.
MOCK_BASE_URL = "http://127.0.0.1:8080"
_HEADERS_KEPT = {"accept", "authorization", "content-type"}
_MAX_LISTED = 5


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers a reproduction sends: the token hidden, transport noise dropped."""
    kept = []
    for key, value in headers:
        lowered = key.lower()
        if lowered.startswith("x-schemathesis-") or (
            lowered not in _HEADERS_KEPT and not lowered.startswith("x-")
        ):
            continue
        kept.append((key, redact_authorization(value) if lowered == "authorization" else value))
    return kept


def redact_authorization(value: str) -> str:
    """An Authorization header's value with its credentials hidden (`Bearer <redacted>`)."""
    scheme, _, credentials = value.partition(" ")
    return f"{scheme} {REDACTED}" if credentials else value


def redact_body(body: bytes | None) -> bytes | None:
    """A form body with its `client_secret` hidden; any other body as it was."""
    if not body or b"client_secret=" not in body:
        return body
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
    except UnicodeDecodeError:
        return body
    return urlencode(
        [(k, REDACTED if k == "client_secret" else v) for k, v in pairs], safe="<>"
    ).encode()


def replay_url(url: str) -> str:
    return MOCK_BASE_URL + url[len(IN_PROCESS_HOST) :] if url.startswith(IN_PROCESS_HOST) else url


def curl_command(request: RecordedRequest) -> str:
    """A curl command that sends the same request (token from `$TWOSMS_TOKEN`)."""
    parts = ["curl", "-i", "-X", request.method]
    for key, value in redact_headers(request.headers):
        if key.lower() == "authorization" and REDACTED in value:
            parts += ["-H", f'"{key}: {value.split(" ")[0]} $TWOSMS_TOKEN"']
            continue
        parts += ["-H", shlex.quote(f"{key}: {value}")]
    body = redact_body(request.body)
    if body:
        text = body.decode("utf-8", "replace")
        parts += ["--data-binary", shlex.quote(text)]
    parts.append(shlex.quote(replay_url(request.url)))
    return " ".join(parts)


@functools.cache
def _client_send_path() -> str:
    """The path the committed generated client sends to: the project's spec's send path."""
    from contract_tests.core import SEND_OPERATION
    from twosms_contract.spec import load_spec

    return load_spec().terms.operation(SEND_OPERATION)[0]


def python_snippet(request: RecordedRequest) -> str:
    """Python that sends the same request: the generated client when it can express it.

    The generated client sends a JSON model it validated; a request it cannot express
    exactly (other bytes, headers or methods, a body its model changes) is sent with httpx,
    byte for byte. Credentials and the token come from the environment.
    """
    url = replay_url(request.url)
    split = urlsplit(url)
    body = _json_object(request.body)
    if (
        request.method == "POST"
        and split.path == _client_send_path()
        and body is not None
        and (_header(request.headers, "content-type") or "").split(";")[0].strip()
        == "application/json"
        and (_header(request.headers, "authorization") or "").lower().startswith("bearer ")
        and _client_round_trips(body)
    ):
        return "\n".join(
            [
                "import os",
                "",
                "from twosms_client import ApiError, Client, models",
                "",
                "with Client(",
                f"    {split.scheme + '://' + split.netloc!r},",
                "    client_id=os.environ['TWOSMS_CLIENT_ID'],",
                "    client_secret=os.environ['TWOSMS_CLIENT_SECRET'],",
                ") as client:",
                f"    message = models.MessageV2.from_wire({body!r})",
                "    try:",
                "        print(client.send_messages(message).to_wire())",
                "    except ApiError as error:",
                "        print(error)",
            ]
        )
    headers = dict(redact_headers(request.headers))
    lines = ["import os", "", "import httpx", ""]
    auth_key = next((k for k in headers if k.lower() == "authorization"), None)
    if auth_key is not None and REDACTED in headers[auth_key]:
        scheme = headers.pop(auth_key).split(" ")[0]
        lines.append(f"headers = {headers!r}")
        lines.append(f"headers[{auth_key!r}] = {scheme + ' '!r} + os.environ['TWOSMS_TOKEN']")
    else:
        lines.append(f"headers = {headers!r}")
    lines += [
        "response = httpx.request(",
        f"    {request.method!r},",
        f"    {url!r},",
        "    headers=headers,",
        f"    content={redact_body(request.body)!r},",
        ")",
        "print(response.status_code, response.text)",
    ]
    return "\n".join(lines)


def _client_round_trips(body: dict[str, Any]) -> bool:
    """Whether the generated model reads `body` and writes it back unchanged."""
    try:
        from twosms_client import models

        return models.MessageV2.from_wire(body).to_wire() == body
    except Exception:  # not a valid model, or no generated client: httpx it is
        return False


def _json_object(body: bytes | None) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


# -- Markdown ---------------------------------------------------------------------------


def markdown_report(result: SuiteResult) -> str:
    """The Markdown report: summary, per-rule table, each failure reproduced, boundaries."""
    verdict = "conforms to the contract" if result.conforms else "**breaks the contract**"
    passed = sum(rule.verdict == "passed" for rule in result.rules)
    not_applicable = sum(rule.verdict == "n/a" for rule in result.rules)
    lines = [
        "# Contract suite report",
        "",
        f"- Target: {result.target}",
        f"- Verdict: the server {verdict}",
        f"- Rules: {passed} passed, {len(result.failed)} failed, {not_applicable} n/a"
        " (nothing on the account to exercise them)",
        f"- Cases: {result.cases} in {result.seconds:.1f} s"
        f" ({result.cases_per_second:.0f} cases/s)",
        f"- Profile: {result.profile}; seed: "
        + (str(result.seed) if result.seed is not None else "random"),
        "- Stages: "
        + ", ".join(
            f"{stage} {result.stage_cases.get(stage, 0)} cases in {seconds:.1f} s"
            for stage, seconds in result.stage_seconds.items()
        ),
        "",
        "## Per check and rule",
        "",
        "| id | check | rule | cases | result |",
        "|---|---|---|---:|---|",
    ]
    for rule in result.rules:
        status = {
            "passed": "pass",
            "n/a": "n/a",
            "failed": f"**FAIL** ({len(rule.violations)} distinct)",
        }[rule.verdict]
        lines.append(
            f"| `{rule.id}` | {_cell(rule.check)} | {_cell(rule.rule)} | {rule.cases} | {status} |"
        )
    if result.failed:
        lines += ["", "## Failures", ""]
        for rule in result.failed:
            lines += _failure_section(rule)
    lines += ["", "## Boundaries", ""]
    lines += _boundary_table(result.boundaries)
    if result.coverage is not None:
        lines += ["", *coverage_markdown(result.coverage)]
    if result.shown_notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in result.shown_notes]
    return "\n".join(lines) + "\n"


def _failure_section(rule: RuleResult) -> list[str]:
    first = rule.minimal
    assert first is not None
    lines = [f"### {rule.id} {rule.check} / {rule.rule}", "", first.message, ""]
    lines += [
        "```",
        f"Received: {first.received}",
        f"Expected: {first.expected}",
        "```",
        "",
    ]
    if first.request is not None:
        lines += ["Minimal request:", "", "```http", *_http_text(first.request), "```", ""]
        if first.response is not None:
            head = f"{first.response.status}"
            body = first.response.body[:600].decode("utf-8", "replace")
            lines += ["Its answer:", "", "```", f"{head} {body}", "```", ""]
        lines += ["Reproduce with curl:", "", "```sh", curl_command(first.request), "```", ""]
        lines += ["Or in Python:", "", "```python", python_snippet(first.request), "```", ""]
    others = rule.violations[1:]
    if others:
        lines.append(f"{len(others)} other distinct violation(s) of this rule:")
        lines.append("")
        for violation in others[:_MAX_LISTED]:
            lines.append(f"- {_one_line(violation)}")
        if len(others) > _MAX_LISTED:
            lines.append(f"- ... and {len(others) - _MAX_LISTED} more")
        lines.append("")
    return lines


def _http_text(request: RecordedRequest) -> list[str]:
    split = urlsplit(replay_url(request.url))
    target = split.path + (f"?{split.query}" if split.query else "")
    lines = [f"{request.method} {target}"]
    lines += [f"{key}: {value}" for key, value in redact_headers(request.headers)]
    body = redact_body(request.body)
    if body:
        lines.append("")
        lines.append(body[:2000].decode("utf-8", "replace"))
    return lines


def _one_line(violation: Violation) -> str:
    return (
        f"{violation.message} (Received: {_clip(violation.received)}; "
        f"Expected: {_clip(violation.expected)})"
    )


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def coverage_markdown(coverage: CoverageMap) -> list[str]:
    """The coverage map: a line per kind, what was never exercised, then every item."""
    lines = [
        f"## Contract coverage: {coverage.exercised} of {len(coverage.items)}"
        f" ({coverage.percent:.1f}%)",
        "",
        "| what | exercised |",
        "|---|---:|",
    ]
    for kind in KINDS:
        done, total = coverage.kind_percent(kind)
        if total:
            lines.append(f"| {KIND_TITLES[kind]} | {done} / {total} |")
    lines += ["", f"Never exercised ({len(coverage.missed)}):", ""]
    lines += [f"- {KIND_TITLES[i.kind]}: `{i.name}`" for i in coverage.missed] or ["- nothing"]
    lines += ["", "| kind | item | requests |", "|---|---|---:|"]
    lines += [f"| {i.kind} | `{_cell(i.name)}` | {i.count} |" for i in coverage.items]
    return lines


def _boundary_table(rows: list[BoundaryObservation]) -> list[str]:
    if not rows:
        return ["No limit was probed in this run."]
    lines = ["| limit | side | sent | expected | observed | ok |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {_cell(row.limit)} | {row.side} | {_cell(row.value)} | {_cell(row.expected)}"
            f" | {_cell(row.observed)} | {'yes' if row.ok else '**no**'} |"
        )
    return lines


# -- JUnit XML --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def junit_xml(result: SuiteResult) -> str:
    """One testcase per (check, rule); a failure carries every distinct violation."""
    suite = ElementTree.Element(
        "testsuite",
        name="twosms-contract",
        tests=str(len(result.rules)),
        failures=str(len(result.failed)),
        skipped=str(sum(not rule.applicable for rule in result.rules)),
        errors="0",
        time=f"{result.seconds:.3f}",
    )
    for rule in result.rules:
        case = ElementTree.SubElement(
            suite, "testcase", classname=rule.check, name=rule.rule, time="0"
        )
        properties = ElementTree.SubElement(case, "properties")
        ElementTree.SubElement(properties, "property", name="rule-id", value=rule.id)
        ElementTree.SubElement(case, "system-out").text = f"{rule.id}: {rule.cases} cases"
        if not rule.applicable:
            ElementTree.SubElement(case, "skipped", message="nothing exercised this rule")
            continue
        first = rule.minimal
        if first is None:
            continue
        failure = ElementTree.SubElement(
            case,
            "failure",
            message=_xml(f"[{rule.id}] {first.message}"),
            type=f"{rule.check}/{rule.rule}",
        )
        texts = []
        for violation in rule.violations:
            text = (
                f"{violation.message}\n"
                f"Received: {violation.received}\nExpected: {violation.expected}"
            )
            if violation.request is not None:
                text += "\n" + curl_command(violation.request)
            texts.append(text)
        failure.text = _xml("\n\n".join(texts))
    ElementTree.indent(suite)
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)
