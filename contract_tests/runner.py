"""One run of the contract suite: probes, domain properties, the generated client, Schemathesis.

`run_suite` drives the three stages against one `Session` and aggregates what they found
per (check, rule): how many cases exercised the rule, and its violations, de-duplicated
and ordered smallest request first (so the first is the minimal reproduction).

The order is deliberate: the probes, the properties and the client need credits on the
account to test acceptance, and Schemathesis's positive fuzzing spends them at random, so
it runs last; then the probes that need the account to themselves (the ledger's), and the
exact-balance probe, which spends every credit, alone at the very end.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from contract_tests.core import Progress
from contract_tests.exampledb import describe as describe_example_db
from contract_tests.forked import ForkedStage
from contract_tests.probe import Probe
from contract_tests.probes import registry
from contract_tests.session import Session, TargetError
from contract_tests.shards import WHOLE_RUN, Shard, Unit
from contract_tests.stages import (
    ClientStage,
    ProbeStage,
    PropertyStage,
    Run,
    SchemathesisStage,
    Stage,
    closing_probes,
    silence,
)
from contract_tests.verdict import SuiteResult, aggregate
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
    shard: Shard = WHOLE_RUN,
) -> SuiteResult:
    """Run the suite against the session's server (see the module docstring).

    `app` is the ASGI app the session reaches in process (default: `session.app`); without
    one, Schemathesis goes over HTTP to the session's base URL. `probes` replaces
    `probes.registry(spec)` (tests narrow it). Without `seed`, one is drawn and reported, so
    that the run can be replayed.

    `parallel` (where the system can fork): the Schemathesis stage runs in forked
    processes beside the other stages (see `ForkedStage`), on copies of the session. In
    process each has its own copy of the app too, and judges its own ledger and message
    IDs. Over HTTP they send to the one account, so the ledger and the IDs are judged over
    every process's sends of that window at once (`Observer.judge_window`), and the
    ledger's probes run after it.

    `spend_balance`: the probes marked `last` (the exact-balance probe, which spends every
    credit of the account) run after every stage; without it (`--keep-balance`) they do
    not run.

    `shard`: run only that shard's units of the run (`contract_tests.shards`); give every
    shard the same `seed`, so that together they run what one run does.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    unknown = [stage for stage in stages if stage not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    if seed is None:  # a random run, but one that can be replayed with --seed
        seed = random.randrange(2**32)
    app = app if app is not None else app_of(session)
    if app is None and session.client.base_url.host == "testserver":
        raise ValueError("the session reaches an app in process: pass it as run_suite(app=...)")
    target = "the embedded mock (in process)" if app is not None else str(session.client.base_url)
    watcher: Progress = progress if progress is not None else _Quiet()
    run = Run(session=session, app=app, seed=seed, workers=workers, progress=watcher)
    if "properties" in stages or "client" in stages:
        run.notes.append(describe_example_db(session.example_db_name))
    chosen = PROFILES[profile]
    plan, units, mine = _plan(session, chosen, max_examples, stages, probes, spend_balance, shard)
    stage_cases: dict[str, int] = {}
    stage_seconds: dict[str, float] = {}
    started = time.perf_counter()
    # A refused or unreachable server, or a token it does not take, is a configuration
    # error (exit 2), not a hundred contract violations.
    session.preflight()
    session.sweep_parts = session.coverage.sweep_parts = chosen.sweep_parts
    forking = [s for s in plan if isinstance(s, SchemathesisStage)]
    if parallel and forking and ForkedStage.available():
        forking[0].fork(run)
    try:
        for stage in plan:
            if session.silent is not None:
                if stage.announced:
                    run.notes.append(f"the {stage.name} stage did not run: {session.silent}")
                continue
            if stage.announced:
                watcher.stage(stage.name)
            before, clock = session.cases, time.perf_counter()
            try:
                tally = stage.run(run)
            except httpx.ConnectError as exc:  # other transport errors are the server's answer
                raise TargetError(f"cannot reach {target}: {exc}") from None
            cases = tally.cases if tally.cases is not None else session.cases - before
            seconds = tally.seconds if tally.seconds is not None else time.perf_counter() - clock
            stage_cases[stage.name] = stage_cases.get(stage.name, 0) + cases
            stage_seconds[stage.name] = stage_seconds.get(stage.name, 0.0) + seconds
            watcher.advance(run.cases)
        if session.silent is not None:
            run.outcomes.append(silence(session))
    finally:
        for stage in forking:
            stage.close()
    return SuiteResult(
        target=target,
        profile=profile,
        seed=seed,
        rules=aggregate(run.outcomes),
        cases=run.cases,
        seconds=time.perf_counter() - started,
        stage_cases=stage_cases,
        stage_seconds=stage_seconds,
        boundaries=list(session.boundaries),
        notes=run.notes,
        coverage=session.coverage.snapshot(),
        spec_sha256=session.spec.sha256,
        shard=shard,
        plan=tuple(unit.name for unit in units),
        units=tuple(unit.name for unit in mine),
    )


def _plan(
    session: Session,
    profile: Profile,
    max_examples: int | None,
    stages: Sequence[str],
    probes: Sequence[Probe] | None,
    spend_balance: bool,
    shard: Shard,
) -> tuple[list[Stage], list[Unit], list[Unit]]:
    """The stages to run, in order (see the module docstring), the closing probes (marked
    `last`) after every other stage; the run's units, and the shard's of them."""
    from contract_tests.properties import PROPERTY_RUNS
    from contract_tests.schema_run import PHASES

    def examples(default: int) -> int:
        return max_examples if max_examples is not None else default

    chosen: list[Probe] = []
    units: list[Unit] = []
    if "probes" in stages:
        chosen = list(probes) if probes is not None else registry(session.spec)
        chosen = [p for p in chosen if spend_balance or not p.last]
        units += [Unit(f"probe:{p.id}", p.whole_account or p.last) for p in chosen]
    if "properties" in stages:
        units += [Unit(f"property:{name}") for name, _ in PROPERTY_RUNS]
    if "client" in stages:
        units.append(Unit("client"))
    if "schemathesis" in stages:
        units += [Unit(f"schemathesis:{phase}") for phase in PHASES]
    mine = shard.split(units)
    taken = {unit.name for unit in mine}
    plan: list[Stage] = []
    mine_probes = [p for p in chosen if f"probe:{p.id}" in taken]
    if "probes" in stages:
        plan.append(ProbeStage([p for p in mine_probes if not p.whole_account and not p.last]))
    names = tuple(name for name, _ in PROPERTY_RUNS if f"property:{name}" in taken)
    if names:
        plan.append(PropertyStage(examples(profile.property_examples), names))
    if "client" in taken:
        plan.append(ClientStage(examples(profile.client_examples)))
    phases = tuple(phase for phase in PHASES if f"schemathesis:{phase}" in taken)
    if phases:
        plan.append(SchemathesisStage(examples(profile.schemathesis_examples), phases))
    # The probes that need the account to themselves, once nothing else sends: the ledger's,
    # then those marked `last` (the exact-balance probe).
    closing = [p for p in mine_probes if p.whole_account and not p.last]
    closing += [p for p in mine_probes if p.last]
    if closing:
        plan.append(closing_probes(closing))
    return plan, units, mine


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
    rules = {(probe.check, probe.rule) for probe in (probes or registry(spec))}
    rules.update(operation_rules(spec))
    rules.update(invariants.RULES)
    rules.update(properties.RULES)
    rules.update(client_run.RULES)
    rules.update((SCHEMATHESIS, name) for name in BUILTIN_CHECKS)
    return sorted(rules)
