"""`twosms-contract diff OLD [NEW]`: the CLI face of the breaking-change report."""

from __future__ import annotations

import argparse
import sys

from twosms_contract.options import add_spec_option
from twosms_contract.paths import default_spec
from twosms_kit.diff.model import Level

# The render module's FORMATS, repeated here so that registering the subcommand loads no
# engine (a test keeps the two equal).
FORMATS = ("text", "markdown", "json", "junit")


def run(args: argparse.Namespace) -> int:
    from twosms_kit.diff.render import render
    from twosms_kit.diff.report import build_report, default_generate
    from twosms_kit.diff.source import DiffInputError, load_source

    try:
        fail_on = Level.parse(args.fail_on)
    except ValueError as exc:
        raise DiffInputError(f"--fail-on: {exc}") from None
    if args.new is not None and args.spec is not None:
        args.parser.error(f"NEW ({args.new}) and --spec ({args.spec}) both name NEW: give one")
    old = load_source(args.old)
    if args.new is not None:
        new = load_source(args.new)
    else:
        new = load_source(str(args.spec if args.spec is not None else default_spec()))
    generate, unavailable = (None, "--no-code given") if args.no_code else default_generate()
    report = build_report(old, new, generate=generate, unavailable=unavailable)
    sys.stdout.write(render(report, args.format, fail_on=fail_on))
    return 1 if report.fails(fail_on) else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `diff` subcommand to the CLI."""
    parser = sub.add_parser(
        "diff",
        help="classify the changes between two versions of the spec (breaking or not)",
        description=(
            "Classify every change from OLD to NEW as ERR (breaks existing clients or"
            " servers), WARN (may break) or INFO, with what it does to the generated client."
            " OLD and NEW are files or git revisions (HEAD~1:spec/twosms-v2.yaml); without"
            " NEW, --spec FILE, else the default spec."
            " Exit 1 when a change at or above --fail-on is found."
        ),
    )
    parser.add_argument("old", metavar="OLD", help="a spec file, or REV:path")
    parser.add_argument(
        "new", metavar="NEW", nargs="?", help="a spec file, or REV:path (default: --spec)"
    )
    add_spec_option(parser, help="NEW, when NEW is not given")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--fail-on",
        default="ERR",
        type=str.upper,
        choices=[level.name for level in Level],
        help="exit 1 when a change at or above this level is found (default ERR)",
    )
    parser.add_argument(
        "--no-code",
        action="store_true",
        help="skip the generated-code join (do not run the generator)",
    )
    parser.set_defaults(handler=run, parser=parser)
