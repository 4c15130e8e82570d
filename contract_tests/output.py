"""What a run prints at its end and the reports it writes, for `twosms-contract test` and
`twosms-contract merge-reports` alike."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from twosms_contract.errors import ContractKitError

if TYPE_CHECKING:
    from rich.console import Console

    from contract_tests.runner import SuiteResult


def coverage_verdict(result: SuiteResult, fail_under: float | None, console: Console) -> bool:
    """Print the coverage line; False when it is below `--fail-under`."""
    coverage = result.coverage
    if coverage is None:
        return True
    line = (
        f"Contract coverage: {coverage.exercised} of {len(coverage.items)} items exercised "
        f"({coverage.percent:.1f}%)"
    )
    if fail_under is not None and coverage.percent < fail_under:
        console.print(f"{line}, below --fail-under {fail_under:g}%.", markup=False)
        return False
    console.print(line + ".", markup=False)
    return True


def write_reports(
    result: SuiteResult,
    *,
    junit: Path | None,
    markdown: Path | None,
    html: Path | None = None,
    coverage: Path | None = None,
    json_result: Path | None = None,
) -> None:
    import json

    from contract_tests.html_report import html_report
    from contract_tests.report import junit_xml, markdown_report
    from contract_tests.results import dumps

    def coverage_json(result: SuiteResult) -> str:
        data = result.coverage.to_json() if result.coverage is not None else None
        return json.dumps(data, indent=2) + "\n"

    for path, render in (
        (junit, junit_xml),
        (markdown, markdown_report),
        (html, html_report),
        (coverage, coverage_json),
        (json_result, dumps),
    ):
        if path is None:
            continue
        try:
            path.write_text(render(result), encoding="utf-8")
        except OSError as exc:
            raise ContractKitError(f"cannot write {path}: {exc.strerror}") from None


def print_summary(result: SuiteResult, console: Console) -> None:
    """The end-of-run table: per check and rule, passed or failed, then the totals."""
    from rich.table import Table

    table = Table(title=f"Contract suite against {result.target}", title_justify="left")
    table.add_column("id")
    table.add_column("check")
    table.add_column("rule")
    table.add_column("cases", justify="right")
    table.add_column("result")
    for rule in result.rules:
        verdict = {
            "passed": "[green]passed[/green]",
            "n/a": "[dim]n/a[/dim]",
            "failed": f"[red]FAILED[/red] ({len(rule.violations)} distinct)",
        }[rule.verdict]
        table.add_row(rule.id, rule.check, rule.rule, str(rule.cases), verdict)
    console.print(table)
    for rule in result.failed:
        first = rule.minimal
        assert first is not None
        console.print(
            f"[red]FAILED[/red] {rule.id} {rule.check} / {rule.rule}: ", markup=True, end=""
        )
        console.print(first.message, markup=False)
        console.print(f"    Received: {_short(first.received)}", markup=False)
        console.print(f"    Expected: {_short(first.expected)}", markup=False)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    passed = sum(rule.verdict == "passed" for rule in result.rules)
    stages = ", ".join(
        f"{stage} {result.stage_cases.get(stage, 0)} in {seconds:.1f} s"
        for stage, seconds in result.stage_seconds.items()
    )
    console.print(
        f"{result.cases} cases in {result.seconds:.1f} s ({result.cases_per_second:.0f} cases/s;"
        f" {stages}); {passed} rules passed, {len(result.failed)} failed"
        f" (profile {result.profile}, seed {result.seed if result.seed is not None else 'random'})",
        markup=False,
    )
    verdict = "conforms to the contract" if result.conforms else "BREAKS the contract"
    console.print(f"The server {verdict}.", markup=False)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
