"""Spec to pydantic models and httpx clients: load -> ir -> models -> render -> format -> write.

`generate()` is pure: it returns `{path: text}` and touches no disk. `write` and `check` (in
`generator.write`) are its two consumers; the CLI calls the same functions.

The stages are imported inside `generate()`, so that `--check`'s fast path (headers and
hashes only) starts without datamodel-code-generator, jinja2 or jsonschema.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import FormatterError, GeneratorError, UnsupportedConstruct, invalid_package

if TYPE_CHECKING:
    from generator.load import Source
    from twosms_contract.spec import Spec

__all__ = [
    "DEFAULT_PACKAGE",
    "MODULES",
    "FormatterError",
    "GeneratorError",
    "UnsupportedConstruct",
    "expected_paths",
    "generate",
]

DEFAULT_PACKAGE = "twosms_client"

# Every module of the generated package (one template each, and `models.py`).
MODULES = (
    "__init__.py",
    "_base.py",
    "_core.py",
    "_formats.py",
    "_rules.py",
    "_types.py",
    "client.py",
    "errors.py",
    "models.py",
)


# PEP 561: the package ships its types (the marker's content, a header, is ignored).
MARKERS = ("py.typed",)


def expected_paths(*, package: str = DEFAULT_PACKAGE) -> tuple[str, ...]:
    """The files `generate` returns, relative to the output directory."""
    return tuple(sorted(f"{package}/{module}" for module in (*MODULES, *MARKERS)))


def generate(spec: Source | Spec | Path | str, *, package: str = DEFAULT_PACKAGE) -> dict[str, str]:
    """`{path relative to the output directory: text}` of the generated package."""
    from generator import format as formatting
    from generator import ir, load, models, render
    from generator.header import generator_fingerprint, with_header

    problem = invalid_package(package)
    if problem is not None:
        raise GeneratorError(f"package: {problem}")
    source = load.source_of(spec)
    project = ir.build(source, package=package)
    modules = render.render(project, models.render_models(project))
    formatted = formatting.format_all(modules, package=package)
    for marker in MARKERS:
        formatted[marker] = ""
    fingerprint = generator_fingerprint()
    return {
        f"{package}/{module}": with_header(
            text, label=source.label, spec_sha256=source.sha256, generator=fingerprint
        )
        for module, text in sorted(formatted.items())
    }
