"""The stages of a run, as objects with one `run`: the probes, the Hypothesis properties,
the generated client, Schemathesis, and the closing probes (those marked `last`).

`runner.run_suite` makes the plan (`plan`) and runs each stage in turn against one `Run`,
which holds what the stages share: the session, the app, the settings, and what they found.
A stage's cases are the session's requests while it ran, unless it says otherwise (a
Schemathesis stage counts the cases Schemathesis sent, in its own sessions or processes).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from contract_tests import ids
from contract_tests.core import Exchange, Outcome, Progress, Violation
from contract_tests.forked import ForkedResult, ForkedStage
from contract_tests.observer import Span
from contract_tests.probe import Probe
from contract_tests.session import NO_ANSWER, Session, TargetError

FORKED_PHASES = (("coverage",), ("examples", "fuzzing"))


@dataclass(slots=True)
class Run:
    """What the stages of one run share, and what they found."""

    session: Session
    app: Any  # the ASGI app in process, None over HTTP
    seed: int
    workers: int
    progress: Progress
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra_cases: int = 0  # cases sent outside the session (Schemathesis's)

    @property
    def cases(self) -> int:
        """The run's cases so far."""
        return self.session.cases + self.extra_cases


@dataclass(frozen=True, slots=True)
class Tally:
    """What a stage counts itself (None: the session's requests, the stage's wall time)."""

    cases: int | None = None
    seconds: float | None = None


class Stage(Protocol):
    name: str  # the stage's name in the figures (`probes 4321 in 3.8 s`)
    announced: bool  # told to the progress display, and named when it cannot run

    def run(self, run: Run) -> Tally: ...


@dataclass(slots=True)
class ProbeStage:
    """Deterministic probes, in the given order (see `contract_tests.probes.registry`)."""

    probes: Sequence[Probe]
    name: str = "probes"
    announced: bool = True

    def run(self, run: Run) -> Tally:
        # Over HTTP, the probes marked `concurrent` run side by side: the server works on
        # one while this process judges another. In process the app runs in this thread.
        run.outcomes.extend(
            run_probes(
                run.session,
                self.probes,
                run.progress,
                base=run.extra_cases,
                side_by_side=run.app is None,
            )
        )
        return Tally()


def closing_probes(probes: Sequence[Probe]) -> ProbeStage:
    """The probes marked `last`, after every other stage: the exact-balance probe leaves
    the account with no credit (in process, this copy of the mock; the forked ones have
    finished). Their cases and time count as the probes stage's."""
    return ProbeStage(probes, announced=False)


@dataclass(slots=True)
class PropertyStage:
    """The Hypothesis properties (`contract_tests.properties`)."""

    examples: int
    names: tuple[str, ...] | None = None  # those of `properties.PROPERTY_RUNS` (None: all)
    name: str = "properties"
    announced: bool = True

    def run(self, run: Run) -> Tally:
        from contract_tests.properties import run_properties

        run.outcomes.extend(
            run_properties(run.session, max_examples=self.examples, seed=run.seed, only=self.names)
        )
        return Tally()


@dataclass(slots=True)
class ClientStage:
    """The generated client against the server (`contract_tests.client_run`)."""

    examples: int
    name: str = "client"
    announced: bool = True

    def run(self, run: Run) -> Tally:
        from contract_tests.client_run import run_client_property

        outcomes, notes = run_client_property(
            run.session, app=run.app, max_examples=self.examples, seed_value=run.seed
        )
        run.outcomes.extend(outcomes)
        run.notes.extend(notes)
        return Tally()


@dataclass(slots=True)
class SchemathesisStage:
    """Schemathesis's phases (`contract_tests.schema_run`): in this process, or, once
    `fork` has started them, in forked processes beside the other stages, joined here."""

    examples: int
    phases: tuple[str, ...] | None = None  # those of `schema_run.PHASES` (None: all)
    name: str = "schemathesis"
    announced: bool = True
    forked: list[ForkedStage] = field(default_factory=list)
    window_start: int | None = None  # the balance when the forked processes started

    def fork(self, run: Run) -> None:
        """Start two processes: the coverage phase, and the examples and fuzzing phases,
        which take about as long together (of this stage's phases: one process when they
        are all in one of those groups); this process runs the other stages meanwhile."""
        groups = [
            tuple(p for p in group if self.phases is None or p in self.phases)
            for group in FORKED_PHASES
        ]
        # Over HTTP the processes send to the same account: the ledger is judged over the
        # window in which they run (`Observer.judge_window`), joined in `run`.
        self.window_start = run.session.observer.open_window() if run.app is None else None
        for phases in (group for group in groups if group):
            work = functools.partial(
                _forked_schemathesis,
                run.session,
                app=run.app,
                max_examples=self.examples,
                seed=run.seed,
                workers=run.workers,
                phases=phases,
            )
            self.forked.append(ForkedStage.start(work))

    def run(self, run: Run) -> Tally:
        if not self.forked:
            outcomes, sent, notes = run_schemathesis(
                run.session,
                app=run.app,
                max_examples=self.examples,
                seed=run.seed,
                workers=run.workers,
                progress=run.progress,
                base=run.cases,
                phases=self.phases,
            )
            run.outcomes.extend(outcomes)
            run.notes.extend(notes)
            run.extra_cases += sent
            return Tally(cases=sent)
        sent, seconds = 0, 0.0
        spans: list[Span] = []
        others: dict[str, str] = {}
        for child in self.forked:
            advance = functools.partial(_advance_from, run.progress, run.cases + sent)
            result = child.join(advance)
            run.outcomes.extend(result.outcomes)
            run.notes.extend(result.notes)
            run.session.coverage.merge(result.counts)
            spans += result.spans
            others.update(result.message_ids)
            sent += result.sent
            seconds = max(seconds, result.seconds)
        run.extra_cases += sent
        if run.app is None:  # over HTTP: one account, several senders
            spans += run.session.observer.close_window()
            run.outcomes += _window_outcomes(
                run.session,
                self.window_start,
                spans,
                others,
                (ids.LEDGER_CONTINUITY, ids.UNIQUE_IDS),
            )
        run.notes.append(
            f"Schemathesis ran in {len(self.forked)} forked "
            f"process{'es' if len(self.forked) > 1 else ''} beside the other "
            f"stages ({sent} cases in {seconds:.1f} s)"
        )
        return Tally(cases=sent, seconds=seconds)

    def close(self) -> None:
        for child in self.forked:
            child.close()


def _forked_schemathesis(session: Session, progress: Progress, **kwargs: Any) -> ForkedResult:
    """The stage in a forked process; what it exercised goes back with its outcomes, and
    over HTTP its debits and the message IDs it saw."""
    session.coverage.counts.clear()  # the parent keeps what it counted before the fork
    if kwargs.get("app") is None:
        session.reconnect()  # the parent's connections stay the parent's
    before = set(session.observer.seen.message_ids)
    outcomes, sent, notes = run_schemathesis(session, progress=progress, base=0, **kwargs)
    seen = session.observer.seen
    return ForkedResult(
        outcomes,
        sent,
        notes,
        dict(session.coverage.counts),
        spans=list(seen.spans or []),
        message_ids={
            key: f"a Schemathesis process's {where}"
            for key, where in seen.message_ids.items()
            if key not in before
        },
    )


def _advance_from(watcher: Progress, base: int, cases: int) -> None:
    watcher.advance(base + cases)


# -- the work of the stages -------------------------------------------------------------


def silence(session: Session) -> Outcome:
    """The finding of a server that stopped answering (see `Session.silent`)."""
    last = next((e for e in reversed(session.log) if e.response.status == NO_ANSWER), None)
    return Outcome(
        ids.NO_ANSWER.check,
        ids.NO_ANSWER.rule,
        1,
        [
            Violation(
                check=ids.NO_ANSWER.check,
                rule=ids.NO_ANSWER.rule,
                message=f"{session.silent}; the run stopped there",
                received="no answer",
                expected="an HTTP answer to every request",
                request=last.request if last else None,
                response=last.response if last else None,
            )
        ],
    )


#: How many `concurrent` probes run side by side over HTTP.
PROBE_THREADS = 2


def run_probes(
    session: Session,
    probes: Sequence[Probe],
    progress: Progress,
    *,
    base: int,
    side_by_side: bool = False,
) -> list[Outcome]:
    """Each probe's outcome, in the order given; with `side_by_side`, each run of
    consecutive `concurrent` probes in `PROBE_THREADS` threads (a keep-alive connection
    each, from the session's pool), the others one after the other."""
    outcomes: list[Outcome] = []
    index = 0
    while index < len(probes) and session.silent is None:
        end = index + 1
        if side_by_side and probes[index].concurrent:
            while end < len(probes) and probes[end].concurrent:
                end += 1
        if end - index > 1:
            outcomes += _side_by_side(session, probes[index:end])
        else:
            outcomes.append(_run_probe(session, probes[index]))
        progress.advance(session.cases + base)
        index = end
    return outcomes


def _side_by_side(session: Session, probes: Sequence[Probe]) -> list[Outcome]:
    """The probes in `PROBE_THREADS` threads. Their sends interleave, so the ledger of the
    group is judged over all of them at its end (`Observer.judge_window`), unless a wider
    window is open already (Schemathesis forked beside the probes), which judges them."""
    observer = session.observer
    wider = observer.in_window
    start = None if wider else observer.open_window()
    try:
        with ThreadPoolExecutor(max_workers=PROBE_THREADS) as pool:
            outcomes = list(pool.map(functools.partial(_run_probe, session), probes))
    finally:
        spans = [] if wider else observer.close_window()
    if not wider:
        outcomes += _window_outcomes(session, start, spans, {}, (ids.LEDGER_CONTINUITY,))
    return outcomes


def _window_outcomes(
    session: Session,
    start: int | None,
    spans: list[Span],
    others: dict[str, str],
    rules: tuple[ids.RuleId, ...],
) -> list[Outcome]:
    """One outcome per rule of `rules` for a concurrent window (`Observer.judge_window`:
    its debits, and the IDs other processes saw, `others`)."""
    found = session.observer.judge_window(start, spans, others)
    return [
        Outcome(*rule, cases=len(spans), violations=[v for v in found if (v.check, v.rule) == rule])
        for rule in rules
    ]


def _run_probe(session: Session, probe: Probe) -> Outcome:
    before = session.thread_cases
    try:
        violations = list(probe.run(session))
    except (httpx.ConnectError, TargetError):
        raise
    except Exception as exc:  # the server's answer broke the probe: it cannot pass
        last = session.thread_last
        violations = [
            Violation(
                check=probe.check,
                rule=probe.rule,
                message=f"probe {probe.id} could not judge the answer: {exc!r}",
                received=_answer_text(last),
                expected=probe.description,
                request=last.request if last else None,
                response=last.response if last else None,
            )
        ]
    return Outcome(probe.check, probe.rule, session.thread_cases - before, violations)


def _answer_text(exchange: Exchange | None) -> str:
    if exchange is None:
        return "(no answer)"
    response = exchange.response
    return f"{response.status} {response.body[:200].decode('utf-8', 'replace')}"


def run_schemathesis(
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
    from contract_tests.schema_run import PHASES, run_schemathesis

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
        Outcome(ids.SCHEMATHESIS, name, cases=tally.cases, violations=tally.violations)
        for name, tally in result.checks.items()
    ]
    rules: list[tuple[str, str]] = list(invariants.RULES)
    for violation in result.observed_violations:
        if (violation.check, violation.rule) not in rules:
            rules.append((violation.check, violation.rule))
    for check, rule in rules:
        mine = [v for v in result.observed_violations if (v.check, v.rule) == (check, rule)]
        outcomes.append(Outcome(check, rule, cases=result.observed, violations=mine))
    for rule, tally in result.operations.items():
        outcomes.append(
            Outcome(ids.OPERATION, rule, cases=tally.cases, violations=tally.violations)
        )
    notes = [f"Schemathesis could not test {error}" for error in result.errors]
    return outcomes, result.cases, notes
