"""One run of the contract suite: probes, domain properties, the generated client, Schemathesis.

`run_suite` drives the three stages against one `Session` and aggregates what they found
per (check, rule): how many cases exercised the rule, and its violations, de-duplicated
and ordered smallest request first (so the first is the minimal reproduction).

The order is deliberate: the probes, the properties and the client need credits on the
account to test acceptance, and Schemathesis's positive fuzzing spends them at random, so
it runs last.
"""

from __future__ import annotations

import functools
import hashlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from contract_tests.core import BoundaryObservation, Outcome, Probe, Violation
from contract_tests.coverage import CoverageMap
from contract_tests.session import NO_ANSWER, Session, TargetError
from twosms_contract.spec import Spec

STAGES = ("probes", "properties", "client", "schemathesis")


@dataclass(frozen=True, slots=True)
class Profile:
    """How hard a run tries: examples per Schemathesis operation and per property."""

    name: str
    schemathesis_examples: int
    property_examples: int
    client_examples: int
    sweep_parts: int  # the SMS part sweep covers every length up to this many parts
    description: str


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("quick", 10, 10, 5, 2, "a smoke run, a few seconds"),
        Profile("ci", 20, 50, 20, 8, "the default: every phase, seconds"),
        Profile("thorough", 400, 300, 100, 10, "many more examples, minutes"),
    )
}
DEFAULT_PROFILE = "ci"


class Progress(Protocol):
    """Told what the run is doing; the CLI draws it."""

    def stage(self, name: str) -> None: ...

    def advance(self, cases: int) -> None:
        """`cases` is the run's total so far."""


@dataclass(slots=True)
class RuleResult:
    """One (check, rule): the cases that exercised it, and its distinct violations."""

    check: str
    rule: str
    cases: int = 0
    violations: list[Violation] = field(default_factory=list)
    occurrences: int = 0  # violations before de-duplication

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

    @property
    def failed(self) -> list[RuleResult]:
        return [rule for rule in self.rules if not rule.passed]

    @property
    def conforms(self) -> bool:
        return not self.failed

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


class _Quiet:
    def stage(self, name: str) -> None:
        pass

    def advance(self, cases: int) -> None:
        pass


def run_suite(
    session: Session,
    *,
    profile: str = DEFAULT_PROFILE,
    max_examples: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    app: Any = None,
    stages: Sequence[str] = STAGES,
    probes: Sequence[Probe] | None = None,
    parallel: bool = False,
    spend_balance: bool = True,
) -> SuiteResult:
    """Run the suite against the session's server (see the module docstring).

    `app` is the ASGI app the session reaches in process (default: `session.app`); without
    one, Schemathesis goes over HTTP to the session's base URL. `probes` replaces
    `all_probes()` (tests narrow it). Without `seed`, one is drawn and reported, so that
    the run can be replayed.

    `parallel` (in process only, where the system can fork): the Schemathesis stage runs in
    a forked process, on its own copy of the app and the session, beside the other stages
    (see `ForkedStage`). Both copies start from the same state, and each judges its own
    ledger and message IDs, so nothing is judged across the two.

    `spend_balance`: with the probes stage and every probe, the run ends with the
    exact-balance probe, which spends every credit of the account (`--keep-balance` turns
    it off).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    unknown = [stage for stage in stages if stage not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    chosen = PROFILES[profile]
    if seed is None:  # a random run, but one that can be replayed with --seed
        seed = random.randrange(2**32)
    watcher: Progress = progress if progress is not None else _Quiet()
    app = app if app is not None else app_of(session)
    if app is None and session.client.base_url.host == "testserver":
        raise ValueError("the session reaches an app in process: pass it as run_suite(app=...)")
    target = "the embedded mock (in process)" if app is not None else str(session.client.base_url)
    found: list[Outcome] = []
    stage_cases: dict[str, int] = {}
    stage_seconds: dict[str, float] = {}
    notes: list[str] = []
    extra_cases = 0
    started = time.perf_counter()
    # A refused or unreachable server, or a token it does not take, is a configuration
    # error (exit 2), not a hundred contract violations.
    session.preflight()
    session.sweep_parts = session.coverage.sweep_parts = chosen.sweep_parts
    forked: list[ForkedStage] = []
    if parallel and app is not None and "schemathesis" in stages and ForkedStage.available():
        examples = max_examples if max_examples is not None else chosen.schemathesis_examples
        # Two processes: the coverage phase, and the examples and fuzzing phases, which
        # take about as long together; this process runs the other stages meanwhile.
        for phases in FORKED_PHASES:
            forked.append(
                ForkedStage.start(
                    functools.partial(
                        _forked_schemathesis,
                        session,
                        app=app,
                        max_examples=examples,
                        seed=seed,
                        workers=workers,
                        phases=phases,
                    )
                )
            )
    try:
        for stage in STAGES:
            if stage not in stages:
                continue
            if session.silent is not None:
                notes.append(f"the {stage} stage did not run: {session.silent}")
                continue
            watcher.stage(stage)
            before = session.cases
            clock = time.perf_counter()
            try:
                if stage == "probes":
                    chosen_probes = (
                        list(probes) if probes is not None else _all_probes(session.spec)
                    )
                    found.extend(_run_probes(session, chosen_probes, watcher, base=extra_cases))
                elif stage == "properties":
                    examples = (
                        max_examples if max_examples is not None else chosen.property_examples
                    )
                    found.extend(_run_properties(session, max_examples=examples, seed=seed))
                elif stage == "client":
                    from contract_tests.client_run import run_client_property

                    examples = max_examples if max_examples is not None else chosen.client_examples
                    outcomes, stage_notes = run_client_property(
                        session, app=app, max_examples=examples, seed_value=seed
                    )
                    found.extend(outcomes)
                    notes.extend(stage_notes)
                elif forked:
                    sent, seconds = 0, 0.0
                    for child in forked:
                        outcomes, child_sent, stage_notes, child_seconds, counts = child.join(
                            functools.partial(
                                _advance_from, watcher, session.cases + extra_cases + sent
                            )
                        )
                        found.extend(outcomes)
                        notes.extend(stage_notes)
                        session.coverage.merge(counts)
                        sent += child_sent
                        seconds = max(seconds, child_seconds)
                    extra_cases += sent
                    stage_cases[stage] = sent
                    stage_seconds[stage] = seconds
                    notes.append(
                        f"Schemathesis ran in {len(forked)} forked processes beside the other "
                        f"stages ({sent} cases in {seconds:.1f} s)"
                    )
                    continue
                else:
                    examples = (
                        max_examples if max_examples is not None else chosen.schemathesis_examples
                    )
                    outcomes, sent, stage_notes = _run_schemathesis(
                        session,
                        app=app,
                        max_examples=examples,
                        seed=seed,
                        workers=workers,
                        progress=watcher,
                        base=session.cases + extra_cases,
                    )
                    found.extend(outcomes)
                    notes.extend(stage_notes)
                    extra_cases += sent
                    stage_cases[stage] = sent
            except httpx.ConnectError as exc:  # other transport errors are the server's answer
                raise TargetError(f"cannot reach {target}: {exc}") from None

            stage_cases.setdefault(stage, session.cases - before)
            stage_seconds[stage] = time.perf_counter() - clock
            watcher.advance(session.cases + extra_cases)
        if session.silent is not None:
            found.append(_silence(session))
        elif spend_balance and "probes" in stages and probes is None:
            # Last of all: it leaves the account with no credit (in process, this copy of
            # the mock; the forked ones have finished).
            from contract_tests.probes.ledger import exact_balance_probe

            before, clock = session.cases, time.perf_counter()
            found.extend(_run_probes(session, [exact_balance_probe()], watcher, base=extra_cases))
            stage_cases["probes"] = stage_cases.get("probes", 0) + session.cases - before
            stage_seconds["probes"] = stage_seconds.get("probes", 0.0) + time.perf_counter() - clock
    finally:
        for child in forked:
            child.close()
    return SuiteResult(
        target=target,
        profile=profile,
        seed=seed,
        rules=aggregate(found),
        cases=session.cases + extra_cases,
        seconds=time.perf_counter() - started,
        stage_cases=stage_cases,
        stage_seconds=stage_seconds,
        boundaries=list(session.boundaries),
        notes=notes,
        coverage=session.coverage.snapshot(),
    )


FORKED_PHASES = (("coverage",), ("examples", "fuzzing"))


def _forked_schemathesis(
    session: Session, progress: Progress, **kwargs: Any
) -> tuple[list[Outcome], int, list[str], dict[tuple[str, str], int]]:
    """The stage in a forked process; what it exercised goes back with its outcomes."""
    session.coverage.counts.clear()  # the parent keeps what it counted before the fork
    outcomes, sent, notes = _run_schemathesis(session, progress=progress, base=0, **kwargs)
    return outcomes, sent, notes, dict(session.coverage.counts)


def _advance_from(watcher: Progress, base: int, cases: int) -> None:
    watcher.advance(base + cases)


StageWork = Callable[[Progress], tuple[list[Outcome], int, list[str], dict[tuple[str, str], int]]]
"""A stage to run: given a progress watcher, its outcomes, cases sent, notes and the
coverage counts of what it exercised."""


class ForkedStage:
    """A stage run in a forked process; its outcomes come back through a pipe.

    The child inherits the parent's objects as they are at the fork (the app, the session,
    imported modules): nothing is rebuilt, nothing but the result is pickled. It reports
    progress as ("progress", cases), then ("done", result) or ("error", kind, text).
    """

    def __init__(self, process: Any, reader: Any) -> None:
        self.process = process
        self.reader = reader

    @staticmethod
    def available() -> bool:
        import multiprocessing

        return "fork" in multiprocessing.get_all_start_methods()

    @classmethod
    def start(cls, work: StageWork) -> ForkedStage:
        import multiprocessing
        import sys

        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        # What the parent has buffered must not be written again by the child at its exit.
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        process = context.Process(target=_forked_main, args=(work, writer), daemon=True)
        process.start()
        writer.close()
        return cls(process, reader)

    def join(
        self, advance: Callable[[int], None]
    ) -> tuple[list[Outcome], int, list[str], float, dict[tuple[str, str], int]]:
        """Wait for the stage: its outcomes, cases, notes, seconds and coverage counts."""
        while True:
            try:
                message = self.reader.recv()
            except EOFError:
                self.process.join(10)
                raise RuntimeError(
                    f"the forked stage ended without a result (exit code {self.process.exitcode})"
                ) from None
            if message[0] == "progress":
                advance(int(message[1]))
                continue
            if message[0] == "done":
                outcomes, sent, notes, seconds, counts = message[1]
                return outcomes, sent, notes, seconds, counts
            _kind, error, text = message
            if error == "target":
                raise TargetError(text)
            raise RuntimeError(f"the forked stage failed: {text}")

    def close(self) -> None:
        self.reader.close()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class _PipeProgress:
    """The child's progress, sent to the parent (at most every 64 cases)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.sent = 0

    def stage(self, name: str) -> None:
        pass

    def advance(self, cases: int) -> None:
        if cases - self.sent >= 64:
            self.sent = cases
            self.writer.send(("progress", cases))


def _forked_main(work: StageWork, writer: Any) -> None:
    """The child's whole life: the result goes through the pipe, then the process ends at
    once (`os._exit`), without the interpreter's exit handlers or flushing the standard
    streams it inherited, whose locks another thread of the parent may have held at the
    fork."""
    import os
    import traceback

    started = time.perf_counter()
    try:
        outcomes, sent, notes, counts = work(_PipeProgress(writer))
        writer.send(("done", (outcomes, sent, notes, time.perf_counter() - started, counts)))
    except TargetError as exc:
        writer.send(("error", "target", str(exc)))
    except BaseException as exc:  # the parent reports it; the child must not die silently
        writer.send(("error", "other", "".join(traceback.format_exception(exc))[-4000:]))
    finally:
        writer.close()
        os._exit(0)


def app_of(session: Session) -> Any:
    """The ASGI app a `Session.for_app` session reaches, or None for a live server."""
    return session.app


def known_rules(
    probes: Sequence[Probe] | None = None, spec: Spec | None = None
) -> list[tuple[str, str]]:
    """Every (check, rule) a run over `spec` (default: the project's) can report, known
    before it runs (for one test per rule); the operations' rules name each operation."""
    from contract_tests import client_run, invariants, properties
    from contract_tests.operations import operation_rules
    from contract_tests.schema_run import BUILTIN_CHECKS, SCHEMATHESIS
    from twosms_contract.spec import load_spec

    spec = spec if spec is not None else load_spec()
    rules = {(probe.check, probe.rule) for probe in (probes or _all_probes(spec))}
    rules.update(operation_rules(spec))
    rules.update(invariants.RULES)
    rules.update(getattr(properties, "RULES", ()))
    rules.update(client_run.RULES)
    rules.update((SCHEMATHESIS, name) for name in BUILTIN_CHECKS)
    return sorted(rules)


# -- stages -----------------------------------------------------------------------------


def _all_probes(spec: Spec | None = None) -> list[Probe]:
    """Every probe: the send and token endpoints' (`all_probes`), then one security probe
    per operation of `spec` (default: the project's) that declares security."""
    from contract_tests.operations import operation_probes
    from contract_tests.probes import all_probes
    from twosms_contract.spec import load_spec

    return [*all_probes(), *operation_probes(spec if spec is not None else load_spec())]


def _silence(session: Session) -> Outcome:
    """The finding of a server that stopped answering (see `Session.silent`)."""
    last = next((e for e in reversed(session.log) if e.response.status == NO_ANSWER), None)
    return Outcome(
        "response",
        "no-answer",
        1,
        [
            Violation(
                check="response",
                rule="no-answer",
                message=f"{session.silent}; the run stopped there",
                received="no answer",
                expected="an HTTP answer to every request",
                request=last.request if last else None,
                response=last.response if last else None,
            )
        ],
    )


def _run_probes(
    session: Session, probes: Iterable[Probe], progress: Progress, *, base: int
) -> list[Outcome]:
    outcomes = []
    for probe in probes:
        if session.silent is not None:
            break  # every request would go unanswered: the runner names it once
        before = session.cases
        try:
            violations = list(probe.run(session))
        except (httpx.ConnectError, TargetError):
            raise
        except Exception as exc:  # the server's answer broke the probe: it cannot pass
            violations = [
                Violation(
                    check=probe.check,
                    rule=probe.rule,
                    message=f"probe {probe.id} could not judge the answer: {exc!r}",
                    received=_last_answer(session),
                    expected=probe.description,
                    request=session.log[-1].request if session.log else None,
                    response=session.log[-1].response if session.log else None,
                )
            ]
        outcomes.append(
            Outcome(probe.check, probe.rule, cases=session.cases - before, violations=violations)
        )
        progress.advance(session.cases + base)
    return outcomes


def _last_answer(session: Session) -> str:
    if not session.log:
        return "(no answer)"
    response = session.log[-1].response
    return f"{response.status} {response.body[:200].decode('utf-8', 'replace')}"


def _run_properties(session: Session, *, max_examples: int, seed: int | None) -> list[Outcome]:
    from contract_tests.properties import run_properties

    return list(run_properties(session, max_examples=max_examples, seed=seed))


def _run_schemathesis(
    session: Session,
    *,
    app: Any,
    max_examples: int,
    seed: int | None,
    workers: int,
    progress: Progress,
    base: int,
    phases: Sequence[str] | None = None,
) -> tuple[list[Outcome], int, list[str]]:
    from contract_tests import invariants
    from contract_tests.schema_run import PHASES, SCHEMATHESIS, run_schemathesis

    series = session.series
    session.series = workers == 1  # parallel sends have no "previous" PostTransaction
    try:
        result = run_schemathesis(
            session,
            app=app,
            base_url=None if app is not None else str(session.client.base_url),
            max_examples=max_examples,
            seed=seed,
            workers=workers,
            progress=lambda _phase, cases: progress.advance(base + cases),
            phases=PHASES if phases is None else phases,
        )
    finally:
        session.series = series
    outcomes = [
        Outcome(SCHEMATHESIS, name, cases=tally.cases, violations=tally.violations)
        for name, tally in result.checks.items()
    ]
    rules: list[tuple[str, str]] = list(getattr(invariants, "RULES", ()))
    for violation in result.observed_violations:
        if (violation.check, violation.rule) not in rules:
            rules.append((violation.check, violation.rule))
    for check, rule in rules:
        mine = [v for v in result.observed_violations if (v.check, v.rule) == (check, rule)]
        outcomes.append(Outcome(check, rule, cases=result.observed, violations=mine))
    from contract_tests.operations import CHECK as OPERATION_CHECK

    for rule, tally in result.operations.items():
        outcomes.append(
            Outcome(OPERATION_CHECK, rule, cases=tally.cases, violations=tally.violations)
        )
    notes = [f"Schemathesis could not test {error}" for error in result.errors]
    return outcomes, result.cases, notes


# -- aggregation ------------------------------------------------------------------------


def aggregate(outcomes: Iterable[Outcome]) -> list[RuleResult]:
    """Merge outcomes per (check, rule); de-duplicate violations, smallest request first."""
    merged: dict[tuple[str, str], RuleResult] = {}
    seen: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for outcome in outcomes:
        key = (outcome.check, outcome.rule)
        result = merged.setdefault(key, RuleResult(outcome.check, outcome.rule))
        result.cases += outcome.cases
        for violation in outcome.violations:
            vkey = (violation.check, violation.rule)
            if vkey != key:  # a probe may find a violation of another rule on its way
                other = merged.setdefault(vkey, RuleResult(*vkey))
                _add(other, violation, seen.setdefault(vkey, set()))
                continue
            _add(result, violation, seen.setdefault(key, set()))
    for result in merged.values():
        result.violations.sort(key=_request_size)
        result.cases = max(result.cases, result.occurrences)
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
