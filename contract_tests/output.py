"""What a run prints at its end and the reports it writes, for `twosms-contract test` and
`twosms-contract merge-reports` alike."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from twosms_contract.errors import ContractKitError

if TYPE_CHECKING:
    from rich.console import Console

    from contract_tests.verdict import SuiteResult


#: The report options, the same for `test` and `merge-reports`: (option, dest, metavar, help).
REPORT_OPTIONS = (
    ("--json", "json", "FILE", "write the whole result as JSON (what `merge-reports` reads)"),
    ("--junit-xml", "junit_xml", "FILE", "write a JUnit XML report"),
    ("--report", "report", "FILE.md", "write a Markdown report"),
    ("--html", "html", "FILE.html", "write a self-contained HTML report"),
    (
        "--coverage-json",
        "coverage_json",
        "FILE",
        "write the contract coverage map (what the run exercised, and how often) as JSON",
    ),
)


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """`--json`, `--junit-xml`, `--report`, `--html`, `--coverage-json`, `--fail-under`."""
    for option, dest, metavar, text in REPORT_OPTIONS:
        parser.add_argument(option, dest=dest, metavar=metavar, type=Path, help=text)
    parser.add_argument(
        "--fail-under",
        metavar="PERCENT",
        type=_percent,
        help="fail (exit 1) when the run's contract coverage is below PERCENT",
    )


def check_report_paths(args: argparse.Namespace) -> None:
    """A usage error (exit 2) for a report whose folder does not exist."""
    parser: argparse.ArgumentParser = args.parser
    for option, dest, _, _ in REPORT_OPTIONS:
        path = getattr(args, dest)
        if path is not None and not path.parent.is_dir():
            parser.error(f"{option} {path}: no such directory {str(path.parent)!r}")


def finish(result: SuiteResult, args: argparse.Namespace) -> int:
    """The end of a run (or a merge): the summary, the reports asked for, the coverage
    line; the exit code (0 conforming and covered enough, else 1)."""
    from rich.console import Console

    console = Console()
    print_summary(result, console)
    write_reports(
        result,
        junit=args.junit_xml,
        markdown=args.report,
        html=args.html,
        coverage=args.coverage_json,
        json_result=args.json,
    )
    covered = coverage_verdict(result, args.fail_under, console)
    return 0 if result.conforms and covered else 1


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 100")
    return value


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
    for note in result.shown_notes:
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
