"""The generated pages under docs/ (twosms_kit.docs): read from the spec, deterministic,
kept in step by `generate --check`, and never touching the hand-written pages beside them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.repo import ROOT, SPEC
from twosms_contract.spec import load_spec
from twosms_kit.cli import main
from twosms_kit.docs import PAGES, render_pages

DOCS = ROOT / "docs"


def test_the_committed_pages_are_what_the_spec_gives() -> None:
    pages = render_pages(SPEC)
    assert sorted(pages) == sorted(PAGES)
    for page, text in pages.items():
        assert (DOCS / page).read_text(encoding="utf-8") == text, f"docs/{page}: run make generate"


def test_pages_are_deterministic_and_name_the_spec_and_its_hash() -> None:
    first, second = render_pages(SPEC), render_pages(load_spec(SPEC))
    assert first == second
    sha256 = hashlib.sha256(SPEC.read_bytes()).hexdigest()
    for text in first.values():
        head = text.split("-->", 1)[0]
        assert "spec/twosms-v2.yaml" in head and sha256 in head and "DO NOT EDIT" in head


def test_the_contract_page_states_what_the_model_reads() -> None:
    spec = load_spec(SPEC)
    terms, text = spec.terms, render_pages(spec)["contract.md"]
    for index, check in enumerate(terms.checks, start=1):
        assert f"| {index} | `{check.id}` | {check.status} | `{check.code}` |" in text
    for code, status in terms.statuses.items():
        assert f"| `{code}` | {status} |" in text
    reference = terms.field("$.Options.Reference")
    assert f"| `$.Options.Reference` | string | length 0..{reference.max_length} |" in text
    assert f"| `maxBodyBytes` | {terms.limits.max_body_bytes} |" in text
    assert f"| GSM-7 (septets) | {terms.parts.gsm7_single} | {terms.parts.gsm7_multi} |" in text
    for invariant in terms.invariants:
        assert f"| `{invariant.id}` |" in text
    decisions = render_pages(spec)["decisions.md"]
    assert terms.decisions and all(f"| `{d.id}` |" in decisions for d in terms.decisions)


def _edited_spec(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace(old, new), encoding="utf-8")
    return edited


def test_a_limit_edited_in_the_spec_is_followed_and_the_old_page_is_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = _edited_spec(tmp_path, "maxBodyBytes: 1048576", "maxBodyBytes: 2097152")
    page = render_pages(edited)["contract.md"]
    assert "| `maxBodyBytes` | 2097152 |" in page and "1048576" not in page.split("-->", 1)[1]

    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    (docs / "handwritten.md").write_text("# mine\n", encoding="utf-8")
    command = ["generate", "--spec", str(edited), "--out", str(tmp_path / "gen"), "--docs"]
    main(["generate", "--out", str(tmp_path / "gen")])  # the package, up to date
    capsys.readouterr()
    assert main([*command[:-1], "--check", "--docs", str(docs)]) == 1
    captured = capsys.readouterr()
    assert "-| `maxBodyBytes` | 1048576 |" in captured.out
    assert "+| `maxBodyBytes` | 2097152 |" in captured.out
    assert f"{docs}: the generated pages differ" in captured.err

    assert main([*command, str(docs)]) == 0
    assert (docs / "contract.md").read_text(encoding="utf-8") == page
    assert (docs / "handwritten.md").read_text(encoding="utf-8") == "# mine\n"
    assert main([*command[:-1], "--check", "--docs", str(docs)]) == 0


@pytest.mark.parametrize("edit", ["hand-edit", "missing"])
def test_check_reports_an_edited_or_missing_page_and_writes_nothing(
    edit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "decisions.md"
    if edit == "hand-edit":
        page.write_text(page.read_text(encoding="utf-8") + "a hand edit\n", encoding="utf-8")
    else:
        page.unlink()
    before = {p.name: p.read_bytes() for p in docs.iterdir()}
    assert main(["generate", "--check", "--out", str(ROOT / "generated"), "--docs", str(docs)]) == 1
    assert {p.name: p.read_bytes() for p in docs.iterdir()} == before
    assert ("1 changed" if edit == "hand-edit" else "1 missing") in capsys.readouterr().err


def test_without_docs_a_package_written_elsewhere_writes_no_pages(tmp_path: Path) -> None:
    assert main(["generate", "--out", str(tmp_path / "gen")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen"]
