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
    from contract_tests.output import add_report_options

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
    add_report_options(parser)
    parser.set_defaults(handler=_merge, parser=parser)


def _merge(args: argparse.Namespace) -> int:
    from contract_tests.output import check_report_paths, finish
    from contract_tests.results import load, merge

    check_report_paths(args)
    return finish(merge([(str(path), load(path)) for path in args.results]), args)
