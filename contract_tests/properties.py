"""Hypothesis properties over the live target; failures are shrunk to a minimal request.

- `valid-requests-accepted`: every request of `strategies.valid_request` gets 200, and the
  200 satisfies every success invariant (checked by `session.observe`).
- `one-rule-broken`: a valid request with exactly one rule broken gets exactly that
  rule's status and ErrorCode.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, assume, given, seed, settings
from hypothesis import strategies as st
from hypothesis.database import ExampleDatabase
from hypothesis.errors import FlakyFailure, FlakyReplay, HypothesisException

from contract_tests import ids
from contract_tests.core import Outcome, Violation
from contract_tests.oracle import Delivery, Refusal, judge
from contract_tests.probes.base import UNKNOWN_GUID, expect_acceptance, expect_refusal
from contract_tests.session import Session
from contract_tests.strategies import digits, e164, valid_request

PROPERTIES = ids.PROPERTIES


class _Broken(Exception):
    """Raised inside a Hypothesis example so that it shrinks the request."""


@dataclass(frozen=True, slots=True)
class Breaker:
    """Breaks one rule of a valid request; returns the new body, or None if it can't."""

    code: str
    apply: Callable[[st.DrawFn, dict[str, Any], Session], dict[str, Any] | None]


def _no_recipients(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    body["Contacts"] = draw(st.sampled_from([{}, {"QuickRecipients": {}}, {"GroupID": {}}]))
    return body


def _unknown_contact(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    number = draw(digits("9", 8, 12))
    assume(number not in s.account.contacts)
    body["Contacts"].setdefault("ContactID", {})[number] = 0
    return body


def _unknown_group(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    body["Contacts"].setdefault("GroupID", {})[UNKNOWN_GUID] = draw(st.sampled_from([0, 1, 2]))
    return body


def _invalid_recipient(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    number = draw(e164())
    quick = body["Contacts"].setdefault("QuickRecipients", {})
    assume(number not in quick)
    quick[number] = draw(st.sampled_from([1, 3]))
    return body


def _no_content(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    body.pop("Template", None)
    if draw(st.booleans()):
        body["Content"] = ""
    else:
        body.pop("Content", None)
    return body


def _unknown_template(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    body["Template"] = {"ID": UNKNOWN_GUID, "PlaceHolders": {}}
    return body


def _invalid_sender(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    # One past the longest sender of letters and of digits the spec's rule allows.
    rule = s.spec.terms.field("$.Options.Sender")
    letters, numbers = rule.longest("A"), rule.longest("1")
    body["Options"]["Sender"] = draw(
        st.sampled_from(
            [
                "",
                "   ",
                "T" * (letters + 1),
                "Ab_cd",
                "1" * (numbers + 1),
                "+" + "1" * (numbers + 2),
            ]
        )
    )
    return body


def _invalid_reference(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    longest = s.spec.terms.field("$.Options.Reference").max_length
    assume(longest is not None)
    assert longest is not None
    body["Options"]["Reference"] = "r" * draw(st.integers(longest + 1, longest + 136))
    return body


def _missing_recurring(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    body["Type"] = 2
    body["Options"].pop("RecurringOptions", None)
    return body


def _schema(draw: st.DrawFn, body: dict[str, Any], s: Session) -> dict[str, Any]:
    field = s.spec.terms.field
    alert = field("$.Options.ResponseAlert").enum or (0,)
    frequency = field("$.Options.Repeat.Frequency").minimum
    name, value = draw(
        st.sampled_from(
            [
                ("SrcPort", (field("$.Options.SrcPort").maximum or 0) + 1),
                ("DstPort", (field("$.Options.DstPort").minimum or 0) - 1),
                ("Reads", (field("$.Options.Reads").minimum or 0) - 3),
                ("ResponseAlert", max(alert) + 6),
                ("Repeat", {"Frequency": (frequency or 0) - 1}),
                ("Sender", None),
                ("DeliveryReceipt", None),
            ]
        )
    )
    body["Options"][name] = value
    return body


BREAKERS = [
    Breaker("NoRecipients", _no_recipients),
    Breaker("UnknownContact", _unknown_contact),
    Breaker("UnknownGroup", _unknown_group),
    Breaker("InvalidRecipient", _invalid_recipient),
    Breaker("NoContent", _no_content),
    Breaker("UnknownTemplate", _unknown_template),
    Breaker("InvalidSender", _invalid_sender),
    Breaker("InvalidReference", _invalid_reference),
    Breaker("MissingRecurringOptions", _missing_recurring),
    Breaker("ValidationError", _schema),
]


def example_phases(database: ExampleDatabase | None) -> list[Phase]:
    """With an example database, its failing examples replay first (the reuse phase)."""
    reuse = [Phase.reuse] if database is not None else []
    return [Phase.explicit, *reuse, Phase.generate, Phase.shrink]


def _settings(
    max_examples: int, seed_value: int | None, database: ExampleDatabase | None = None
) -> Callable[[Any], Any]:
    def wrap(test: Any) -> Any:
        configured = settings(
            max_examples=max_examples,
            deadline=None,
            database=database,
            derandomize=False,
            phases=example_phases(database),
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
        )(test)
        # Hypothesis keeps no example of a seeded test: with a database, the database is
        # the replay (its failing examples run first), and the draws are not seeded.
        if seed_value is None or database is not None:
            return configured
        return seed(seed_value)(configured)

    return wrap


def _run(test: Callable[[], None], outcome: Outcome, last: list[Violation]) -> None:
    try:
        test()
    except _Broken:
        outcome.violations.extend(last)
    except (FlakyFailure, FlakyReplay):
        # The server's state moved on between the failure and its replay; the failure
        # stands, with the last request that showed it.
        outcome.violations.extend(last)
    except HypothesisException as exc:  # e.g. the strategy could not find enough examples
        if last:
            outcome.violations.extend(last)
        elif outcome.cases == 0:
            raise RuntimeError(f"property {outcome.rule} could not run: {exc}") from exc


def valid_requests_accepted(
    session: Session, *, max_examples: int, seed_value: int | None
) -> Outcome:
    outcome = Outcome(*ids.PROPERTY_VALID_REQUESTS_ACCEPTED)
    last: list[Violation] = []

    @_settings(max_examples, seed_value, session.example_db)
    @given(valid_request(session.account, session.spec))
    def test(body: dict[str, Any]) -> None:
        # The strategies draw within the spec's bounds; the oracle has the last word.
        assume(isinstance(judge(body, session.account, session.spec), Delivery))
        outcome.cases += 1
        exchange, _ = session.send(body, observe=False)
        found = expect_acceptance(
            session, exchange, check=PROPERTIES, rule=ids.PROPERTY_VALID_REQUESTS_ACCEPTED.rule
        )
        if found:
            last[:] = found
            raise _Broken

    _run(test, outcome, last)
    return outcome


def one_rule_broken(session: Session, *, max_examples: int, seed_value: int | None) -> Outcome:
    """A valid request with one rule broken gets that rule's code, for every breaker.

    Each breaker (`BREAKERS`) of a rule the spec has is a Hypothesis run of its own, with
    an equal share of the examples (one at least): drawn from one `sampled_from`, the engine
    keeps mutating the breaker it found first and draws the others a few times in a run, or
    never. A broken
    rule ends its breaker's run, not the others'.
    """
    outcome = Outcome(*ids.PROPERTY_ONE_RULE_BROKEN)
    codes = {check.code for check in session.spec.terms.checks}
    breakers = [breaker for breaker in BREAKERS if breaker.code in codes]  # the spec's rules
    share = max(1, max_examples // max(1, len(breakers)))
    for breaker in breakers:
        last: list[Violation] = []
        _run(_breaking(session, breaker, outcome, last, share, seed_value), outcome, last)
    return outcome


def _breaking(
    session: Session,
    breaker: Breaker,
    outcome: Outcome,
    last: list[Violation],
    max_examples: int,
    seed_value: int | None,
) -> Callable[[], None]:
    """The Hypothesis test of one breaker (its own database key: its code)."""

    @st.composite
    def broken(draw: st.DrawFn) -> dict[str, Any]:
        body = breaker.apply(
            draw, copy.deepcopy(draw(valid_request(session.account, session.spec))), session
        )
        assert body is not None
        verdict = judge(body, session.account, session.spec)
        # The oracle must agree that exactly this rule answers (a break can hide behind an
        # earlier check; such a draw is not the property's business).
        assume(isinstance(verdict, Refusal) and verdict.code == breaker.code)
        return body

    def test(body: dict[str, Any]) -> None:
        outcome.cases += 1
        exchange, _ = session.send(body, observe=False)
        found = expect_refusal(
            session,
            exchange,
            check=PROPERTIES,
            rule=ids.one_rule_broken(breaker.code).rule,
            status=session.spec.terms.status(breaker.code),
            code=breaker.code,
        )
        if found:
            last[:] = found
            raise _Broken

    # One test function serves every breaker: the code tells their examples apart in the
    # database (and their seeds), as Hypothesis's stateful tests tell theirs apart.
    test._hypothesis_internal_add_digest = breaker.code.encode()  # type: ignore[attr-defined]
    wrapped: Callable[[], None] = _settings(max_examples, seed_value, session.example_db)(
        given(broken())(test)
    )
    return wrapped


#: Every property, by name, in run order (a shard of a run takes some of them).
PROPERTY_RUNS: tuple[tuple[str, Callable[..., Outcome]], ...] = (
    (ids.PROPERTY_VALID_REQUESTS_ACCEPTED.rule, valid_requests_accepted),
    (ids.PROPERTY_ONE_RULE_BROKEN.rule, one_rule_broken),
)

#: Every rule the properties can report (`runner.known_rules`).
RULES: tuple[ids.RuleId, ...] = (
    ids.PROPERTY_VALID_REQUESTS_ACCEPTED,
    ids.PROPERTY_ONE_RULE_BROKEN,
    *(ids.one_rule_broken(breaker.code) for breaker in BREAKERS),
)


def run_properties(
    session: Session,
    *,
    max_examples: int,
    seed: int | None = None,
    only: Collection[str] | None = None,
) -> list[Outcome]:
    """Run every property (or those named in `only`) with `max_examples` examples each;
    the outcomes name the rule."""
    return [
        run(session, max_examples=max_examples, seed_value=seed)
        for name, run in PROPERTY_RUNS
        if only is None or name in only
    ]
