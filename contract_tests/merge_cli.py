"""`twosms-contract merge-reports`: the `--json` results of one run's shards joined into
one verdict and one set of reports (`contract_tests.results.merge`).

Exit codes: 0 the server conforms, 1 it breaks the contract (or the coverage is below
`--fail-under`), 2 when the files are not all the shards of one run, each one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `merge-reports` subcommand to the `twosms-contract` parser."""
    from contract_tests.cli import _percent

    parser = sub.add_parser(
        "merge-reports",
        help="join the --json results of a sharded run into one verdict and report",
        description=(
            "Join the --json results of `twosms-contract test --shard I/N` (every shard of "
            "one run, in any order) into one verdict and one set of reports. Exit 0 "
            "conforming, 1 violations, 2 when the files are not the shards of one run."
        ),
    )
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULT.json")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the merged result")
    parser.add_argument("--junit-xml", metavar="FILE", type=Path, help="write a JUnit XML report")
    parser.add_argument("--report", metavar="FILE.md", type=Path, help="write a Markdown report")
    parser.add_argument(
        "--html", metavar="FILE.html", type=Path, help="write a self-contained HTML report"
    )
    parser.add_argument(
        "--coverage-json", metavar="FILE", type=Path, help="write the merged coverage map"
    )
    parser.add_argument(
        "--fail-under",
        metavar="PERCENT",
        type=_percent,
        help="fail (exit 1) when the merged contract coverage is below PERCENT",
    )
    parser.set_defaults(handler=_merge, parser=parser)


def _merge(args: argparse.Namespace) -> int:
    from rich.console import Console

    from contract_tests.output import coverage_verdict, print_summary, write_reports
    from contract_tests.results import load, merge

    parser: argparse.ArgumentParser = args.parser
    for option, path in (
        ("--json", args.json),
        ("--junit-xml", args.junit_xml),
        ("--report", args.report),
        ("--html", args.html),
        ("--coverage-json", args.coverage_json),
    ):
        if path is not None and not path.parent.is_dir():
            parser.error(f"{option} {path}: no such directory {str(path.parent)!r}")
    result = merge([(str(path), load(path)) for path in args.results])
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
