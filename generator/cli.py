"""`twosms-contract generate [--spec FILE] [--out DIR] [--package NAME] [--check]`."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from twosms_contract.options import add_spec_option
from twosms_contract.paths import default_generated_dir, default_spec, spec_label

DEFAULT_PACKAGE = "twosms_client"


def run(spec: Path, out: Path, *, check: bool, package: str) -> int:
    """Write the generated package, or (`check`) exit 1 with a diff when `out` drifted."""
    from generator import expected_paths, generate
    from generator.header import generator_fingerprint
    from generator.write import check as drift_of
    from generator.write import unchanged, write
    from twosms_contract.yamlio import read_text

    if check:
        text = read_text(spec)
        if unchanged(
            out,
            expected_paths(package=package),
            label=spec_label(spec),
            spec_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            generator=generator_fingerprint(),
        ):
            print(f"{out}: up to date with {spec_label(spec)}")
            return 0
        drift = drift_of(generate(spec, package=package), out)
        if drift.clean:
            print(f"{out}: up to date with {spec_label(spec)}")
            return 0
        sys.stdout.write(drift.diff)
        summary = ", ".join(
            f"{len(paths)} {what}"
            for what, paths in (
                ("changed", drift.changed),
                ("missing", drift.missing),
                ("extra", drift.extra),
            )
            if paths
        )
        print(
            f"{out}: differs from what {spec_label(spec)} gives ({summary}); "
            "run `make generate` (never edit generated files)",
            file=sys.stderr,
        )
        return 1
    touched = write(generate(spec, package=package), out)
    for path in touched:
        print(f"wrote {out / path}")
    print(f"{out}: {len(touched)} file(s) changed")
    return 0


def _package_name(value: str) -> str:
    from generator.errors import invalid_package

    problem = invalid_package(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def _handler(args: argparse.Namespace) -> int:
    spec = args.spec if args.spec is not None else default_spec()
    out = args.out if args.out is not None else default_generated_dir()
    return run(spec, out, check=args.check, package=args.package)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `generate` subcommand."""
    parser = sub.add_parser(
        "generate", help="generate the pydantic models and httpx clients from the spec"
    )
    add_spec_option(parser, help="the OpenAPI document")
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=None,
        help="the directory that holds the package (default: generated/ under the current "
        "directory)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a unified diff when the files differ from the spec's",
    )
    parser.add_argument(
        "--package",
        type=_package_name,
        default=DEFAULT_PACKAGE,
        metavar="NAME",
        help=f"the name of the generated package, a Python identifier (default: {DEFAULT_PACKAGE})",
    )
    parser.set_defaults(handler=_handler)
