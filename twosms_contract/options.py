"""The `--spec` and `--fixtures` options, the same on every command (defaults: `paths`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from twosms_contract.paths import FIXTURES_FILE, SPEC_DIR_NAME, SPEC_FILE

_RULE = "under the current directory when it exists, else the copy shipped with the package"


def add_spec_option(parser: argparse.ArgumentParser, *, help: str = "the spec") -> None:
    """`--spec FILE`; None when not given, which `load_spec` reads as the default spec."""
    parser.add_argument(
        "--spec",
        metavar="FILE",
        type=Path,
        default=None,
        help=f"{help} (default: {SPEC_DIR_NAME}/{SPEC_FILE} {_RULE})",
    )


def add_fixtures_option(parser: argparse.ArgumentParser) -> None:
    """`--fixtures FILE`; None when not given, which `load_account` reads as the demo account."""
    parser.add_argument(
        "--fixtures",
        metavar="FILE",
        type=Path,
        default=None,
        help=f"the account facts, YAML or JSON (default: {SPEC_DIR_NAME}/{FIXTURES_FILE} {_RULE})",
    )
