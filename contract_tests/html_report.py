"""The HTML report: one self-contained file (styles and script inline, nothing fetched).

A pure function of a `SuiteResult`, like the Markdown and JUnit reports (`report`): the
verdict, the run's figures, every failure with its request, answer, Received and Expected,
curl and client-code reproductions, the rules grouped by check (filterable), the boundary
table and the contract coverage map. The template is `templates/report.html.jinja`.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from contract_tests.coverage import KIND_TITLES, KINDS
from contract_tests.report import _http_text, _one_line, curl_command, python_snippet
from contract_tests.verdict import RuleResult, SuiteResult

_MAX_OTHERS = 20
_ANSWER_BYTES = 2000
# A reproduction longer than this (a request of a megabyte, sent to test the size limit) is
# cut in the page; the Markdown report keeps it whole.
_SHOWN_CHARS = 20_000


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("contract_tests", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.jinja")


def html_report(result: SuiteResult) -> str:
    """The report as one HTML document."""
    counts = {
        "passed": sum(rule.verdict == "passed" for rule in result.rules),
        "failed": len(result.failed),
        "na": sum(rule.verdict == "n/a" for rule in result.rules),
    }
    groups: dict[str, list[RuleResult]] = {}
    for rule in result.rules:
        groups.setdefault(rule.check, []).append(rule)
    coverage = result.coverage
    kinds = []
    if coverage is not None:
        for kind in KINDS:
            done, total = coverage.kind_percent(kind)
            if total:
                kinds.append(
                    {
                        "title": KIND_TITLES[kind],
                        "done": done,
                        "total": total,
                        "percent": round(100 * done / total, 1),
                    }
                )
    return _template().render(
        result=result,
        verdict_text="conforms to the contract" if result.conforms else "breaks the contract",
        counts=counts,
        failures=[_failure(rule) for rule in result.failed],
        groups=[
            {
                "check": check,
                "rules": rules,
                "passed": sum(r.verdict == "passed" for r in rules),
                "failed": sum(r.verdict == "failed" for r in rules),
                "na": sum(r.verdict == "n/a" for r in rules),
            }
            for check, rules in groups.items()
        ],
        coverage=coverage,
        kinds=kinds,
        kind_titles=KIND_TITLES,
    )


def _failure(rule: RuleResult) -> dict[str, Any]:
    first = rule.minimal
    assert first is not None
    found: dict[str, Any] = {
        "id": rule.id,
        "check": rule.check,
        "rule": rule.rule,
        "message": _clip(first.message),
        "received": _clip(first.received),
        "expected": _clip(first.expected),
        "request": None,
        "response": None,
        "others": [_one_line(v) for v in rule.violations[1 : 1 + _MAX_OTHERS]],
    }
    if len(rule.violations) > 1 + _MAX_OTHERS:
        found["others"].append(f"... and {len(rule.violations) - 1 - _MAX_OTHERS} more")
    if first.request is not None:
        found["request"] = "\n".join(_http_text(first.request))
        found["curl"] = _clip(curl_command(first.request))
        found["python"] = _clip(python_snippet(first.request))
    if first.response is not None:
        answer = first.response
        head = [f"HTTP {answer.status}"] + [f"{k}: {v}" for k, v in answer.headers]
        body = answer.body[:_ANSWER_BYTES].decode("utf-8", "replace")
        found["response"] = "\n".join(head) + "\n\n" + body
    return found


def _clip(text: str) -> str:
    if len(text) <= _SHOWN_CHARS:
        return text
    cut = len(text) - _SHOWN_CHARS
    return f"{text[:_SHOWN_CHARS]}\n... ({cut} more characters; --report FILE.md has it whole)"
