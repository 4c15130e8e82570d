"""The catalog's two records and their registrar.

A `Fault` breaks the contract in one way and names the rules the suite must report for it
(`expect`: any one of these is enough). `Catalog.fault` takes them as constants of
`contract_tests.ids` (or made by its functions from the spec, `PART_SIZES` for the SMS part
boundaries), never as written strings, and keeps their "check/rule" keys. A `Variant`
differs from the mock where the contract leaves room, so the suite must report nothing for
it. Each module of `tests.faults` keeps its own `Catalog`; `tests/faults/__init__.py` joins
them in a stated order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from contract_tests.ids import RuleId
from mockserver import Behaviour, MockState
from twosms_contract.spec import load_spec

BehaviourFactory = Callable[[MockState], Behaviour]
# The spec's part sizes, which name the SMS part boundaries' rules.
PART_SIZES = load_spec().terms.parts


@dataclass(frozen=True, slots=True)
class Fault:
    """A way to break the mock, and the rules the suite must name for it."""

    name: str
    description: str
    behaviour: BehaviourFactory
    expect: frozenset[str]  # "check/rule" keys


@dataclass(frozen=True, slots=True)
class Variant:
    """A conforming server that differs from the mock: the suite must report nothing."""

    name: str
    description: str
    behaviour: BehaviourFactory


@dataclass
class Catalog:
    """The faults and variants of one module, in the order they are written."""

    faults: list[Fault] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)

    def fault(
        self, name: str, description: str, *expect: RuleId
    ) -> Callable[[type[Behaviour]], type[Behaviour]]:
        """Registers the decorated class as a fault the suite must name by one of `expect`
        (constants of `contract_tests.ids`, never written strings)."""
        if not expect:
            raise ValueError(f"fault {name!r}: no rule named to catch it")
        loose = [rule for rule in expect if not isinstance(rule, RuleId)]
        if loose:
            raise TypeError(f"fault {name!r}: rules must be contract_tests.ids constants: {loose}")
        keys = frozenset(rule.key for rule in expect)

        def register(cls: type[Behaviour]) -> type[Behaviour]:
            self.faults.append(Fault(name, description, cls, keys))
            return cls

        return register

    def variant(self, name: str, description: str) -> Callable[[type[Behaviour]], type[Behaviour]]:
        """Registers the decorated class as a conforming variant."""

        def register(cls: type[Behaviour]) -> type[Behaviour]:
            self.variants.append(Variant(name, description, cls))
            return cls

        return register
