"""Breaking-change report between two versions of the spec (`twosms-contract diff`).

Pipeline: `source` (a file or `REV:path` → `Spec`) → `engine` (`operations`, `security`, `schemas`,
`contract` emit classified `Change`s, each with a rule of `rules`) → `report` (joins the
changes with the generated code's surface from `codegen`, recommends bumps) → `render`.

Errors: `DiffInputError` (a `ContractKitError`: exit 2) for unreadable OLD or NEW.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twosms_contract.diff.codegen import CodeChange, Generate, diff_surfaces, surface
    from twosms_contract.diff.engine import diff_documents
    from twosms_contract.diff.model import ABSENT, Change, Level, Rule
    from twosms_contract.diff.report import Report, build_report
    from twosms_contract.diff.rules import RULES
    from twosms_contract.diff.source import DiffInputError, load_source

__all__ = [
    "ABSENT",
    "RULES",
    "Change",
    "CodeChange",
    "DiffInputError",
    "Generate",
    "Level",
    "Report",
    "Rule",
    "build_report",
    "diff_documents",
    "diff_surfaces",
    "load_source",
    "surface",
]

# Imported on first use: the CLI registers `diff` without loading the engine.
_HOMES = {
    "CodeChange": "codegen",
    "Generate": "codegen",
    "diff_surfaces": "codegen",
    "surface": "codegen",
    "diff_documents": "engine",
    "ABSENT": "model",
    "Change": "model",
    "Level": "model",
    "Rule": "model",
    "Report": "report",
    "build_report": "report",
    "RULES": "rules",
    "DiffInputError": "source",
    "load_source": "source",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'twosms_contract.diff' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"twosms_contract.diff.{home}"), name)
