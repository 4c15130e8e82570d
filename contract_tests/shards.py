"""One run split into N shards, for N CI jobs that together run exactly what one run does.

A run is a list of *units*, in run order: each probe (`probe:<id>`), each property
(`property:<name>`), the client stage (`client`), each Schemathesis phase
(`schemathesis:<phase>`). `Shard.split` deals them out: the units that need the whole
account (the ledger probes, and last the exact-balance probe, `Probe.whole_account`) go to
shard 1; every other unit, in run order, to the next shard in turn. The split depends on
nothing but the list, so every job computes the same one, and each writes its result
(`--json`) with the units it ran and the whole run's list, which `merge` checks: every unit
run once, by shards of one run (same seed, spec and profile).

Each shard needs a server of its own (in CI, a service container per job; locally, the
embedded mock of each process): shards that share one account break each other's ledger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from twosms_contract.errors import ContractKitError

_SHARD = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$")


class ShardError(ContractKitError):
    """A shard that cannot be (`--shard 0/3`), or results that are not one run's shards."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One indivisible part of a run."""

    name: str  # e.g. "probe:sms-part-boundaries", "schemathesis:fuzzing"
    whole_account: bool = False  # runs in shard 1 (see the module docstring)


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` of `count` (1-based, as `--shard 2/3` writes it)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.index <= self.count:
            raise ShardError(
                f"shard {self.index}/{self.count}: the index must be from 1 to the count"
            )

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`"2/3"` is the second of three shards."""
        match = _SHARD.match(text)
        if match is None:
            raise ShardError(f"shard {text!r}: write it as I/N, e.g. 2/3")
        return cls(int(match[1]), int(match[2]))

    def split(self, units: Sequence[Unit]) -> list[Unit]:
        """The units of `units` this shard runs, in run order (see the module docstring)."""
        mine: list[Unit] = []
        dealt = 0
        for unit in units:
            if unit.whole_account:
                if self.index == 1:
                    mine.append(unit)
                continue
            if dealt % self.count == self.index - 1:
                mine.append(unit)
            dealt += 1
        return mine


WHOLE_RUN = Shard(1, 1)
