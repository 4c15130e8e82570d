"""A probe: a deterministic, targeted test of one rule (`contract_tests.probes` holds the
registry of them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from contract_tests.core import Violation
from contract_tests.session import Session


@dataclass(frozen=True, slots=True, kw_only=True)
class Probe:
    """A deterministic, targeted test of one rule, declared by keyword: one
    `Probe(id=..., check=..., rule=..., description=..., run=...)` row of its family's
    table (or `probes.base.refusal` / `acceptance`, which make one from a request).

    `run` gets the session (see `contract_tests.session.Session`) and yields violations;
    it must make at least one request, and count them in `session.cases`. A `last` probe
    runs after every stage of a run (the exact-balance probe, which spends every credit).
    A `whole_account` probe (the ledger's) needs the account to itself: a sharded run runs
    it in shard 1 only (`contract_tests.shards`); a `last` probe is one too. `concurrent`
    probes (those that judge only their own answers, whatever is sent beside them) may run
    side by side over HTTP, each on a connection of its own (`stages.ProbeStage`).
    """

    id: str
    check: str
    rule: str
    description: str
    run: Callable[[Session], Iterable[Violation]]
    last: bool = False
    whole_account: bool = False
    concurrent: bool = False
