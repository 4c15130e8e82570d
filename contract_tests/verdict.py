"""A run's verdict: each rule's cases and distinct violations (`RuleResult`), the whole
run's (`SuiteResult`), and how the outcomes of the stages, or the results of a run's
shards, are merged per rule (`aggregate`, `join`), smallest reproduction first."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from contract_tests.core import BoundaryObservation, Outcome, Violation
from contract_tests.coverage import CoverageMap
from contract_tests.shards import WHOLE_RUN, Shard


@dataclass(slots=True)
class RuleResult:
    """One (check, rule): the cases that exercised it, and its distinct violations."""

    check: str
    rule: str
    cases: int = 0
    violations: list[Violation] = field(default_factory=list)
    occurrences: int = 0  # violations before de-duplication
    counted: int = 0  # the cases the outcomes counted (`cases` is at least `occurrences`)

    @property
    def id(self) -> str:
        """The rule's stable id, shown in every report so that a failure can be looked up."""
        return rule_id(self.check, self.rule)

    @property
    def passed(self) -> bool:
        return not self.violations

    @property
    def applicable(self) -> bool:
        """False when nothing exercised the rule (a probe that does not fit the account)."""
        return self.cases > 0 or bool(self.violations)

    @property
    def verdict(self) -> str:
        if self.violations:
            return "failed"
        return "passed" if self.applicable else "n/a"

    @property
    def minimal(self) -> Violation | None:
        return self.violations[0] if self.violations else None


@dataclass(slots=True)
class SuiteResult:
    """Everything a report needs from one run."""

    target: str
    profile: str
    seed: int | None
    rules: list[RuleResult]
    cases: int
    seconds: float
    stage_cases: dict[str, int]
    stage_seconds: dict[str, float]
    boundaries: list[BoundaryObservation]
    notes: list[str]  # what could not be tested, and why
    coverage: CoverageMap | None = None  # what of the contract the run exercised
    spec_sha256: str = ""  # of the spec the run judged by
    shard: Shard = WHOLE_RUN  # which part of the run this is (`--shard`)
    plan: tuple[str, ...] = ()  # the whole run's units (`contract_tests.shards`), in order
    units: tuple[str, ...] = ()  # the units this run ran (all of `plan` unless sharded)
    shards: int = 1  # how many shard results this one joins (`merge`)

    @property
    def failed(self) -> list[RuleResult]:
        return [rule for rule in self.rules if not rule.passed]

    @property
    def conforms(self) -> bool:
        return not self.failed

    @property
    def shown_notes(self) -> list[str]:
        """The notes as the reports show them: a shard's own line first, read from `shard`,
        `units` and `plan` (it is not a stored note, so that merging has none to drop)."""
        if self.shard.count <= 1:
            return list(self.notes)
        line = f"shard {self.shard} of the run (seed {self.seed}): {len(self.units)} of its"
        return [f"{line} {len(self.plan)} units", *self.notes]

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    def rule(self, check: str, rule: str) -> RuleResult | None:
        for result in self.rules:
            if (result.check, result.rule) == (check, rule):
                return result
        return None


def rule_id(check: str, rule: str) -> str:
    """`R` and six hex digits of the SHA-256 of "check/rule": the same in every run and
    report, whatever else the run found."""
    return "R" + hashlib.sha256(f"{check}/{rule}".encode()).hexdigest()[:6].upper()


# -- aggregation ------------------------------------------------------------------------


def aggregate(outcomes: Iterable[Outcome]) -> list[RuleResult]:
    """Merge outcomes per (check, rule); de-duplicate violations, smallest request first."""
    merged: dict[tuple[str, str], RuleResult] = {}
    seen: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for outcome in outcomes:
        key = (outcome.check, outcome.rule)
        result = merged.setdefault(key, RuleResult(outcome.check, outcome.rule))
        result.counted += outcome.cases
        for violation in outcome.violations:
            vkey = (violation.check, violation.rule)
            if vkey != key:  # a probe may find a violation of another rule on its way
                other = merged.setdefault(vkey, RuleResult(*vkey))
                _add(other, violation, seen.setdefault(vkey, set()))
                continue
            _add(result, violation, seen.setdefault(key, set()))
    return _finished(merged)


def join(results: Iterable[RuleResult]) -> list[RuleResult]:
    """Rule results of the shards of one run, merged per (check, rule) as `aggregate` would
    have merged the whole run's outcomes."""
    merged: dict[tuple[str, str], RuleResult] = {}
    seen: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for part in results:
        key = (part.check, part.rule)
        result = merged.setdefault(key, RuleResult(part.check, part.rule))
        occurrences = result.occurrences + part.occurrences
        for violation in part.violations:
            _add(result, violation, seen.setdefault(key, set()))
        result.occurrences = occurrences
        result.counted += part.counted
    return _finished(merged)


def _finished(merged: dict[tuple[str, str], RuleResult]) -> list[RuleResult]:
    """The merged results by check and rule, each's violations smallest request first, its
    cases at least its violations."""
    for result in merged.values():
        result.violations.sort(key=_request_size)
        result.cases = max(result.counted, result.occurrences)
    return sorted(merged.values(), key=lambda r: (r.check, r.rule))


def _add(result: RuleResult, violation: Violation, seen: set[tuple[str, str, str]]) -> None:
    result.occurrences += 1
    identity = (violation.message, violation.received, violation.expected)
    if identity in seen:
        # keep the smaller reproduction of the same finding
        for index, kept in enumerate(result.violations):
            if (kept.message, kept.received, kept.expected) == identity:
                if _request_size(violation) < _request_size(kept):
                    result.violations[index] = violation
                break
        return
    seen.add(identity)
    result.violations.append(violation)


def _request_size(violation: Violation) -> tuple[int, int]:
    request = violation.request
    if request is None:
        return (1, 0)
    return (0, len(request.body or b"") + len(request.url))
