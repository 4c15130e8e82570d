"""A run's result as JSON (`--json`), read back, and the results of one run's shards joined
into one (`twosms-contract merge-reports`).

The JSON keeps everything the reports show: every rule with its cases and distinct
violations (request and answer included, the bearer token and client secret hidden), the
boundary table, the notes, the coverage map, the figures, and what `contract_tests.shards`
needs to check a merge: the spec's SHA-256, the seed, the profile, the shard, the whole
run's units and this shard's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from contract_tests.core import (
    BoundaryObservation,
    RecordedRequest,
    RecordedResponse,
    Violation,
)
from contract_tests.coverage import CoverageMap
from contract_tests.report import redact_authorization, redact_body
from contract_tests.shards import WHOLE_RUN, Shard, ShardError
from contract_tests.verdict import SuiteResult, join

FORMAT = "twosms-contract-result/1"


# -- writing --------------------------------------------------------------------------------


def to_json(result: SuiteResult) -> dict[str, Any]:
    """The result as a JSON value (see the module docstring)."""
    return {
        "format": FORMAT,
        "target": result.target,
        "profile": result.profile,
        "seed": result.seed,
        "spec_sha256": result.spec_sha256,
        "shard": str(result.shard),
        "shards": result.shards,
        "conforms": result.conforms,
        "cases": result.cases,
        "seconds": round(result.seconds, 3),
        "stage_cases": result.stage_cases,
        "stage_seconds": {k: round(v, 3) for k, v in result.stage_seconds.items()},
        "plan": list(result.plan),
        "units": list(result.units),
        "rules": [
            {
                "id": rule.id,
                "check": rule.check,
                "rule": rule.rule,
                "verdict": rule.verdict,
                "cases": rule.cases,
                "occurrences": rule.occurrences,
                "counted": rule.counted,
                "violations": [_violation(v) for v in rule.violations],
            }
            for rule in result.rules
        ],
        "boundaries": [asdict(row) for row in result.boundaries],
        "notes": result.notes,
        "coverage": result.coverage.to_json() if result.coverage is not None else None,
    }


def dumps(result: SuiteResult) -> str:
    return json.dumps(to_json(result), indent=1, ensure_ascii=False) + "\n"


def _violation(violation: Violation) -> dict[str, Any]:
    request, response = violation.request, violation.response
    return {
        "check": violation.check,
        "rule": violation.rule,
        "message": violation.message,
        "received": violation.received,
        "expected": violation.expected,
        "request": None
        if request is None
        else {
            "method": request.method,
            "url": request.url,
            "headers": [
                [k, redact_authorization(v) if k.lower() == "authorization" else v]
                for k, v in request.headers
            ],
            **_body(redact_body(request.body)),
        },
        "response": None
        if response is None
        else {
            "status": response.status,
            "headers": [list(pair) for pair in response.headers],
            **_body(response.body),
        },
    }


def _body(body: bytes | None) -> dict[str, Any]:
    if body is None:
        return {"body": None}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


# -- reading --------------------------------------------------------------------------------


def load(path: Path) -> SuiteResult:
    """A result written by `--json`; ShardError naming the file and the key when it is not
    one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ShardError(f"{path}: cannot read it ({exc.strerror})") from None
    except ValueError as exc:
        raise ShardError(f"{path}: not JSON ({exc})") from None
    try:
        return from_json(data)
    except KeyError as exc:
        raise ShardError(
            f"{path}: not a result of `twosms-contract test --json` (no {exc} in it)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise ShardError(f"{path}: not a result of `twosms-contract test --json` ({exc})") from None


def from_json(data: Any) -> SuiteResult:
    """The result `to_json` wrote (KeyError, TypeError or ValueError naming what is wrong)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"format is {found!r}, expected {FORMAT!r}")
    from contract_tests.verdict import RuleResult

    rules = []
    for item in data["rules"]:
        rule = RuleResult(str(item["check"]), str(item["rule"]), cases=int(item["cases"]))
        rule.violations = [_read_violation(v) for v in item["violations"]]
        rule.occurrences = int(item["occurrences"])
        rule.counted = int(item["counted"])
        rules.append(rule)
    coverage = data["coverage"]
    return SuiteResult(
        target=str(data["target"]),
        profile=str(data["profile"]),
        seed=None if data["seed"] is None else int(data["seed"]),
        rules=rules,
        cases=int(data["cases"]),
        seconds=float(data["seconds"]),
        stage_cases={str(k): int(v) for k, v in data["stage_cases"].items()},
        stage_seconds={str(k): float(v) for k, v in data["stage_seconds"].items()},
        boundaries=[BoundaryObservation(**row) for row in data["boundaries"]],
        notes=[str(note) for note in data["notes"]],
        coverage=None if coverage is None else CoverageMap.from_json(coverage),
        spec_sha256=str(data["spec_sha256"]),
        shard=Shard.parse(str(data["shard"])),
        plan=tuple(str(unit) for unit in data["plan"]),
        units=tuple(str(unit) for unit in data["units"]),
        shards=int(data["shards"]),
    )


def _read_violation(item: Mapping[str, Any]) -> Violation:
    request, response = item["request"], item["response"]
    return Violation(
        check=str(item["check"]),
        rule=str(item["rule"]),
        message=str(item["message"]),
        received=str(item["received"]),
        expected=str(item["expected"]),
        request=None
        if request is None
        else RecordedRequest(
            method=str(request["method"]),
            url=str(request["url"]),
            headers=tuple((str(k), str(v)) for k, v in request["headers"]),
            body=_read_body(request),
        ),
        response=None
        if response is None
        else RecordedResponse(
            status=int(response["status"]),
            headers=tuple((str(k), str(v)) for k, v in response["headers"]),
            body=_read_body(response) or b"",
        ),
    )


def _read_body(item: Mapping[str, Any]) -> bytes | None:
    if "body_base64" in item:
        return base64.b64decode(item["body_base64"])
    body = item["body"]
    return None if body is None else str(body).encode("utf-8")


# -- merging --------------------------------------------------------------------------------


def merge(results: Sequence[tuple[str, SuiteResult]]) -> SuiteResult:
    """The shards of one run (each named by where it came from) joined into the run's
    result; ShardError when they are not exactly the shards of one run."""
    if not results:
        raise ShardError("no results to merge")
    _check_one_run(results)
    first = results[0][1]
    ordered = sorted((result for _, result in results), key=lambda r: r.shard.index)
    stage_cases: dict[str, int] = {}
    stage_seconds: dict[str, float] = {}
    for result in ordered:
        for stage, cases in result.stage_cases.items():
            stage_cases[stage] = stage_cases.get(stage, 0) + cases
        for stage, seconds in result.stage_seconds.items():
            stage_seconds[stage] = max(stage_seconds.get(stage, 0.0), seconds)
    slowest = max(result.seconds for result in ordered)
    total = sum(result.seconds for result in ordered)
    notes = [
        f"{len(ordered)} shards of one run (seed {first.seed}) merged: the wall time is the "
        f"slowest shard's ({slowest:.1f} s; {total:.1f} s in all), a stage's the longest"
    ]
    for result in ordered:
        for note in result.notes:
            if note not in notes:
                notes.append(note)
    boundaries: list[BoundaryObservation] = []
    for result in ordered:
        boundaries += [row for row in result.boundaries if row not in boundaries]
    targets = list(dict.fromkeys(result.target for result in ordered))
    maps = [result.coverage for result in ordered if result.coverage is not None]
    return SuiteResult(
        target=", ".join(targets),
        profile=first.profile,
        seed=first.seed,
        rules=join(rule for result in ordered for rule in result.rules),
        cases=sum(result.cases for result in ordered),
        seconds=slowest,
        stage_cases=stage_cases,
        stage_seconds=stage_seconds,
        boundaries=boundaries,
        notes=notes,
        coverage=CoverageMap.merged(maps) if maps else None,
        spec_sha256=first.spec_sha256,
        shard=WHOLE_RUN,
        plan=first.plan,
        units=first.plan,
        shards=len(ordered),
    )


def _check_one_run(results: Sequence[tuple[str, SuiteResult]]) -> None:
    name, first = results[0]
    for other_name, other in results[1:]:
        for what, mine, theirs in (
            ("spec (SHA-256)", first.spec_sha256, other.spec_sha256),
            ("seed", first.seed, other.seed),
            ("profile", first.profile, other.profile),
            ("number of shards", first.shard.count, other.shard.count),
            ("list of units", first.plan, other.plan),
        ):
            if mine != theirs:
                shown = (mine, theirs) if what != "list of units" else ("one", "another")
                raise ShardError(
                    f"{other_name} is not a shard of the run of {name}: its {what} is "
                    f"{shown[1]}, not {shown[0]}"
                )
    count = first.shard.count
    where: dict[int, str] = {}
    for result_name, result in results:
        if result.shard.index in where:
            raise ShardError(
                f"shard {result.shard} twice: {where[result.shard.index]} and {result_name}"
            )
        where[result.shard.index] = result_name
    missing = [str(Shard(i, count)) for i in range(1, count + 1) if i not in where]
    if missing:
        raise ShardError(f"shard(s) {', '.join(missing)} missing: give all {count} results")
    ran: dict[str, str] = {}
    for result_name, result in results:
        for unit in result.units:
            if unit in ran:
                raise ShardError(f"{unit} ran in {ran[unit]} and in {result_name}")
            ran[unit] = result_name
    left = [unit for unit in first.plan if unit not in ran]
    extra = [unit for unit in ran if unit not in first.plan]
    if left or extra:
        raise ShardError(
            f"the shards did not run the run's units: {len(left)} not run "
            f"({', '.join(left[:3])}), {len(extra)} not in it ({', '.join(extra[:3])})"
        )
