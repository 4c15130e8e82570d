"""Breaking-change report between two versions of the spec (`twosms-contract diff`).

Pipeline: `source` (a file or `REV:path` → `Spec`) → `engine` (`operations`, `security`, `schemas`,
`contract` emit classified `Change`s, each with a rule of `rules`; `schemas` walks a schema
pair with the keyword comparisons of `schema_values`, `schema_objects` and
`schema_composition` over `schema_base`) → `report` (joins the changes with the generated
code's surface from `codegen`, recommends bumps) → `render`.

Errors: `DiffInputError` (a `ContractKitError`: exit 2) for unreadable OLD or NEW.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twosms_contract.lazy import lazy_attributes

if TYPE_CHECKING:
    from twosms_kit.diff.codegen import CodeChange, Generate, diff_surfaces, surface
    from twosms_kit.diff.engine import diff_documents
    from twosms_kit.diff.model import ABSENT, Change, Level, Rule
    from twosms_kit.diff.report import Report, build_report
    from twosms_kit.diff.rules import RULES
    from twosms_kit.diff.source import DiffInputError, load_source

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
    "CodeChange": "twosms_kit.diff.codegen",
    "Generate": "twosms_kit.diff.codegen",
    "diff_surfaces": "twosms_kit.diff.codegen",
    "surface": "twosms_kit.diff.codegen",
    "diff_documents": "twosms_kit.diff.engine",
    "ABSENT": "twosms_kit.diff.model",
    "Change": "twosms_kit.diff.model",
    "Level": "twosms_kit.diff.model",
    "Rule": "twosms_kit.diff.model",
    "Report": "twosms_kit.diff.report",
    "build_report": "twosms_kit.diff.report",
    "RULES": "twosms_kit.diff.rules",
    "DiffInputError": "twosms_kit.diff.source",
    "load_source": "twosms_kit.diff.source",
}


__getattr__ = lazy_attributes(__name__, _HOMES)
