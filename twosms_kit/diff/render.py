"""The report in four formats: text (terminals), markdown (PR comments), json, junit (CI)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any, Final

from twosms_kit.diff.codegen import CodeChange
from twosms_kit.diff.model import ABSENT, Level
from twosms_kit.diff.report import Entry, Report

FORMATS: Final = ("text", "markdown", "json", "junit")


def render(report: Report, fmt: str, *, fail_on: Level) -> str:
    if fmt == "text":
        return _text(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "junit":
        return _junit(report, fail_on)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def _short(value: Any, limit: int = 100) -> str:
    text = "(absent)" if value is ABSENT else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _summary(report: Report) -> str:
    counts = ", ".join(f"{report.count(level)} {level.name}" for level in reversed(Level))
    return f"{report.old} → {report.new}: {len(report.entries)} change(s) ({counts})"


def _bump_lines(report: Report) -> list[str]:
    bump = report.bump
    spec = f"spec: {bump.spec}"
    if bump.old_version:
        spec += f" ({bump.old_version} → {bump.next_version or '?'}"
        spec += f"; NEW says {bump.new_version})" if bump.new_version else ")"
    return [spec, f"client: {bump.client} (from {bump.client_basis})"]


def _text(report: Report) -> str:
    lines = [_summary(report)]
    for entry in report.entries:
        change = entry.change
        lines.append(f"{change.level.name:<4} {change.rule.id}  {change.pointer}")
        lines.append(
            f"     {change.message}: {_short(change.old)} → {_short(change.new)}"
            + (f"  [{', '.join(change.operations)}]" if change.operations else "")
        )
        lines.extend(f"     code: {c.render()}" for c in entry.code)
    lines.extend(_code_tail(report, "other generated-code changes:", "  "))
    lines.append("recommended bump: " + "; ".join(_bump_lines(report)))
    return "\n".join(lines) + "\n"


def _code_tail(report: Report, title: str, indent: str) -> list[str]:
    if report.code_status is not None:
        return [f"generated code: not compared ({report.code_status})"]
    if not report.other_code:
        return []
    return [title, *(f"{indent}{c.render()}" for c in report.other_code)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report) -> str:
    lines = ["## Breaking-change report", "", _summary(report), ""]
    if report.entries:
        lines += [
            "| level | rule | pointer | old → new | generated code |",
            "|---|---|---|---|---|",
        ]
        for entry in report.entries:
            change = entry.change
            code = "<br>".join(_cell(c.render()) for c in entry.code) or "–"
            lines.append(
                f"| {change.level.name} | `{change.rule.id}` | `{_cell(change.pointer)}` | "
                f"{_cell(change.message)}: `{_cell(_short(change.old))}` → "
                f"`{_cell(_short(change.new))}` | {code} |"
            )
        lines.append("")
    tail = _code_tail(report, "Other generated-code changes:", "- ")
    if tail:
        lines += [*tail, ""]
    lines += ["**Recommended bump:** " + "; ".join(_bump_lines(report))]
    return "\n".join(lines) + "\n"


def _code_json(change: CodeChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "where": change.where,
        "old": change.old,
        "new": change.new,
        "breaking": change.breaking,
    }


def _entry_json(entry: Entry) -> dict[str, Any]:
    change = entry.change
    data: dict[str, Any] = {
        "id": change.rule.id,
        "level": change.level.name,
        "pointer": change.pointer,
        "message": change.message,
    }
    if change.old is not ABSENT:
        data["old"] = change.old
    if change.new is not ABSENT:
        data["new"] = change.new
    data["operations"] = list(change.operations)
    data["code"] = [_code_json(c) for c in entry.code]
    return data


def to_json(report: Report) -> dict[str, Any]:
    bump = report.bump
    return {
        "old": report.old,
        "new": report.new,
        "summary": {level.name: report.count(level) for level in reversed(Level)},
        "changes": [_entry_json(e) for e in report.entries],
        "codeJoin": "ok" if report.code_status is None else report.code_status,
        "otherCodeChanges": [_code_json(c) for c in report.other_code],
        "bump": {
            "spec": bump.spec,
            "client": bump.client,
            "clientBasis": bump.client_basis,
            "oldVersion": bump.old_version,
            "nextVersion": bump.next_version,
            "newVersion": bump.new_version,
        },
    }


def _junit(report: Report, fail_on: Level) -> str:
    suite = ET.Element(
        "testsuite",
        name="twosms-contract diff",
        tests=str(max(1, len(report.entries))),
        failures=str(sum(1 for e in report.entries if e.change.level >= fail_on)),
        errors="0",
    )
    if not report.entries:
        ET.SubElement(suite, "testcase", classname="diff", name="no changes")
    for entry in report.entries:
        change = entry.change
        case = ET.SubElement(suite, "testcase", classname=change.rule.id, name=change.pointer)
        detail = "\n".join(
            [
                f"{change.message}: {_short(change.old)} → {_short(change.new)}",
                *(f"code: {c.render()}" for c in entry.code),
            ]
        )
        if change.level >= fail_on:
            failure = ET.SubElement(
                case,
                "failure",
                type=change.level.name,
                message=f"{change.rule.id}: {change.message}",
            )
            failure.text = detail
        else:
            ET.SubElement(case, "system-out").text = f"{change.level.name}: {detail}"
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )
