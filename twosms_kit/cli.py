"""`twosms-contract`: one entry point, one subcommand per stage.

Exit codes: 0 success, 1 findings (lint, contract violations, drift, breaking changes),
2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from twosms_contract.errors import ContractKitError
from twosms_contract.options import add_spec_option

Handler = Callable[[argparse.Namespace], int]


def _lint(args: argparse.Namespace) -> int:
    from twosms_contract.lint import lint_document
    from twosms_contract.spec import load_spec

    if args.spec is not None and args.spec_file is not None and args.spec != args.spec_file:
        args.parser.error(f"two specs given ({args.spec_file} and --spec {args.spec}): give one")
    spec = load_spec(args.spec if args.spec is not None else args.spec_file)
    findings = lint_document(spec)
    for finding in findings:
        print(finding.render())
    if findings:
        print(f"{spec.path}: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"{spec.path}: clean (OpenAPI 3.1 valid, examples valid, project rules hold)")
    return 0


def _add_lint(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("lint", help="validate the OpenAPI document and the project's rules")
    parser.add_argument(
        "spec_file", nargs="?", type=Path, metavar="SPEC", help="the spec file (same as --spec)"
    )
    add_spec_option(parser)
    parser.set_defaults(handler=_lint, parser=parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twosms-contract",
        description="Contract kit for the 2SMS messaging API v2.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_lint(sub)
    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands() -> list[
    Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]
]:
    """Subcommands of the other stages, each registered by its own module."""
    registrars: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []
    from mockserver.cli import register as register_mock

    registrars.append(register_mock)
    from contract_tests.cli import register as register_test

    registrars.append(register_test)
    from contract_tests.merge_cli import register as register_merge

    registrars.append(register_merge)
    from twosms_kit.diff.command import register as register_diff

    registrars.append(register_diff)
    from twosms_kit.generate import register as register_generate

    registrars.append(register_generate)
    return registrars


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ContractKitError as exc:
        print(f"twosms-contract {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
