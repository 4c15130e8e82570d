"""Which package may import which (ARCHITECTURE.md): the ground floor imports only itself and
third-party libraries; no stage imports the roof (`twosms_kit`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.repo import ROOT

PROJECT = ("twosms_contract", "twosms_kit", "generator", "mockserver", "contract_tests")
#: What each package may import of the project's own packages.
ALLOWED = {
    "twosms_contract": {"twosms_contract"},
    "generator": {"twosms_contract", "generator"},
    "mockserver": {"twosms_contract", "generator", "mockserver", "twosms_client"},
    "contract_tests": {
        "twosms_contract",
        "generator",
        "mockserver",
        "contract_tests",
        "twosms_client",
    },
}


def imported_packages(path: Path) -> set[str]:
    """The top-level names of every `import` in the file, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_floors_below_it(package: str) -> None:
    own = {*PROJECT, "twosms_client"}
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported_packages(path) & own
        if name not in ALLOWED[package]
    }
    assert sorted(wrong) == []


def test_the_check_sees_an_import_from_above(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f() -> None:\n    from twosms_kit.diff import RULES\n")
    assert imported_packages(module) == {"twosms_kit"}


#: "About 400 lines" a module (ARCHITECTURE.md): a room a newcomer can read in one sitting.
MODULE_LINES = 420


def test_no_module_of_the_packages_is_much_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PROJECT
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert long == {}, f"split these by concern: {long}"
