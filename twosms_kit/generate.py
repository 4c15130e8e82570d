"""`twosms-contract generate`: the generator's package and, beside it, the generated pages
under `docs/` (`twosms_kit.docs`). `--check` reports drift in both."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from twosms_contract.paths import default_spec, spec_label

DOCS_DIR_NAME = "docs"


def run_docs(spec: Path, docs: Path, *, check: bool) -> int:
    """Write the pages, or (`check`) exit 1 with a diff when `docs` drifted."""
    from twosms_kit import docs as pages

    label = spec_label(spec)
    if check:
        import hashlib

        from twosms_contract.yamlio import read_text

        sha256 = hashlib.sha256(read_text(spec).encode("utf-8")).hexdigest()
        if pages.unchanged(docs, label=label, spec_sha256=sha256):
            print(f"{docs}: up to date with {label}")
            return 0
        drift = pages.check_pages(pages.render_pages(spec), docs)
        if drift.clean:
            print(f"{docs}: up to date with {label}")
            return 0
        sys.stdout.write(drift.diff)
        summary = ", ".join(
            f"{len(names)} {what}"
            for what, names in (("changed", drift.changed), ("missing", drift.missing))
            if names
        )
        print(
            f"{docs}: the generated pages differ from what {label} gives ({summary}); "
            "run `make generate` (never edit generated pages)",
            file=sys.stderr,
        )
        return 1
    touched = pages.write_pages(pages.render_pages(spec), docs)
    for page in touched:
        print(f"wrote {docs / page}")
    print(f"{docs}: {len(touched)} page(s) changed")
    return 0


def _docs_dir(args: argparse.Namespace) -> Path | None:
    """`--docs`, else `docs/` under the current directory unless `--out` names another
    place for the package (then no pages, unless `--docs` asks for them)."""
    if args.docs is not None:
        return Path(args.docs)
    if args.out is not None:
        return None
    return Path.cwd() / DOCS_DIR_NAME


def _handler(args: argparse.Namespace) -> int:
    status: int = args.generate_package(args)
    docs = _docs_dir(args)
    if docs is None:
        return status
    spec = args.spec if args.spec is not None else default_spec()
    return max(status, run_docs(spec, docs, check=args.check))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `generate` subcommand: the generator's, with `--docs`."""
    from generator.cli import register as register_package

    register_package(sub)
    parser = sub.choices["generate"]
    parser.add_argument(
        "--docs",
        metavar="DIR",
        type=Path,
        default=None,
        help="where the generated pages go (contract.md, decisions.md, diff-rules.md; "
        "default: docs/ under the current directory, none when --out is given)",
    )
    parser.set_defaults(handler=_handler, generate_package=parser.get_default("handler"))
