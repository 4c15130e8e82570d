"""The probes and properties catch every fault of the catalog, and pass every conforming
variant of the mock (the in-process part of the proof; `test_faults.py` runs the whole
suite, Schemathesis included)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from contract_tests import ids
from contract_tests.probes import all_probes
from contract_tests.probes.ledger import exact_balance_probe
from contract_tests.properties import BREAKERS, one_rule_broken, run_properties
from contract_tests.session import Session
from mockserver import Behaviour, Failure, MockState, SendContext, create_app
from tests.faults import FAULTS, VARIANTS, Fault, RacyLedger, Variant
from tests.faults.base import Catalog
from tests.faults.fields_base import DELETE, apply_edit
from tests.faults.schema_edits import EDITS
from tests.loopback import served
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
ACCOUNT = load_account()


def _reported(
    behaviour: Callable[[MockState], Behaviour] | None,
    *,
    enough: frozenset[str] = frozenset(),
    sweep: bool = True,
) -> dict[str, str]:
    """Every "check/rule" the probes and properties report against the mock, with a message;
    the properties are skipped when the probes already reported one of `enough`. Without
    `sweep`, the SMS part sweep (two thousand sends) is left out."""
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=behaviour or Behaviour)
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    session.expired_token = app.state.mock.mint_expired_token()
    reported: dict[str, str] = {}
    probes = [p for p in all_probes() if sweep or (p.check, p.rule) != ids.PARTS_SWEEP]
    try:
        for probe in probes:
            for v in probe.run(session):
                reported.setdefault(f"{v.check}/{v.rule}", f"{v.message}: {v.received}")
        if enough & set(reported):
            return reported
        for outcome in run_properties(session, max_examples=25, seed=1):
            for v in outcome.violations:
                reported.setdefault(f"{v.check}/{v.rule}", f"{v.message}: {v.received}")
        # Last, as the runner runs it: it spends every credit.
        for v in exact_balance_probe().run(session):
            reported.setdefault(f"{v.check}/{v.rule}", f"{v.message}: {v.received}")
    finally:
        session.close()
    return reported


def test_the_correct_mock_passes_every_probe_and_property() -> None:
    assert _reported(None) == {}


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_a_conforming_variant_passes(variant: Variant) -> None:
    """Every conforming variant, the open corners among them, gets no violation."""
    assert _reported(variant.behaviour) == {}, f"{variant.name} ({variant.description})"


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_fault_is_caught_and_named(fault: Fault) -> None:
    # The sweep runs for the faults only it is meant to show; the correct mock and the
    # conforming variants get it whole.
    reported = _reported(
        fault.behaviour, enough=fault.expect, sweep=ids.PARTS_SWEEP.key in fault.expect
    )
    assert fault.expect & set(reported), (
        f"{fault.name} ({fault.description}) was not named; the suite reported {sorted(reported)}"
    )


def _account_with_phone_only_group() -> Any:
    from twosms_contract.fixtures import account_from_mapping

    return account_from_mapping(
        {
            "client_id": "c",
            "client_secret": "s",
            "user_id": "u",
            "balance": 1000,
            "contacts": {"1": {"phone": "+447700900001"}, "2": {"phone": "+447700900002"}},
            "groups": {"0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e": ["1", "2"]},
            "templates": {},
        },
        source="test",
    )


class _NobodyLeftAccepted(Behaviour):
    def check_nobody_left(self, ctx: SendContext) -> Failure | None:
        return None


@pytest.mark.parametrize(("behaviour", "caught"), [(Behaviour, False), (_NobodyLeftAccepted, True)])
def test_nobody_left_is_probed_where_the_account_allows_it(
    behaviour: Callable[[MockState], Behaviour], caught: bool
) -> None:
    """With a group whose members all lack e-mail, asking it for e-mail is NoRecipients."""
    account = _account_with_phone_only_group()
    app = create_app(spec=SPEC, account=account, behaviour=behaviour)
    session = Session.for_app(app, account=account, spec=SPEC)
    try:
        (probe,) = [p for p in all_probes() if p.id == "no-recipients-nobody-left"]
        violations = list(probe.run(session))
        assert session.cases >= 1  # the probe applies to this account (and sent its request)
    finally:
        session.close()
    assert bool(violations) is caught, violations


# -- the one-rule-broken property, rule by rule -------------------------------------------
# In the catalog's run the property draws among all its breakers, 25 examples: whether it
# draws a given one is chance, and the rule's own probe names a catalog fault first. Here
# each rule it breaks has a server that skips that rule, and the property alone must name it.


def _unchecked(*methods: str) -> type[Behaviour]:
    """A mock whose checks `methods` (each taking one value) always pass."""

    class Unchecked(Behaviour):
        pass

    for name in methods:
        setattr(Unchecked, name, lambda self, value: None)
    return Unchecked


class _NumberByEmail(Behaviour):
    """A quick number asked for by e-mail (channel 1 or 3) is sent an SMS."""

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        quick = ctx.body["Contacts"].get("QuickRecipients", {})
        ctx.body["Contacts"]["QuickRecipients"] = {
            k: (2 if k.startswith("+") and v in (1, 3) else v) for k, v in quick.items()
        }
        return super().check_invalid_recipient(ctx)


#: For each code the property breaks a rule of, a server that does not check that rule.
PROPERTY_FAULTS: dict[str, Callable[[MockState], Behaviour]] = {
    ids.VALIDATION_ERROR.rule: _unchecked("check_schema"),
    ids.NO_RECIPIENTS.rule: _unchecked("check_no_recipients", "check_nobody_left"),
    ids.UNKNOWN_CONTACT.rule: _unchecked("check_unknown_contact"),
    ids.UNKNOWN_GROUP.rule: _unchecked("check_unknown_group"),
    ids.INVALID_RECIPIENT.rule: _NumberByEmail,
    ids.NO_CONTENT.rule: _unchecked("check_no_content"),
    ids.UNKNOWN_TEMPLATE.rule: _unchecked("check_unknown_template"),
    ids.INVALID_SENDER.rule: _unchecked("check_invalid_sender"),
    ids.INVALID_REFERENCE.rule: _unchecked("check_invalid_reference"),
    ids.MISSING_RECURRING_OPTIONS.rule: _unchecked("check_missing_recurring_options"),
}


def test_every_rule_the_property_breaks_has_a_fault() -> None:
    assert sorted(PROPERTY_FAULTS) == sorted(breaker.code for breaker in BREAKERS)


@pytest.mark.parametrize("code", list(PROPERTY_FAULTS))
def test_the_one_rule_broken_property_names_a_rule_the_server_skips(code: str) -> None:
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=PROPERTY_FAULTS[code])
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    try:
        outcome = one_rule_broken(session, max_examples=200, seed_value=1)
    finally:
        session.close()
    named = {(v.check, v.rule) for v in outcome.violations}
    assert ids.one_rule_broken(code) in named, sorted(named)


@pytest.mark.slow
@pytest.mark.parametrize(("behaviour", "caught"), [(Behaviour, False), (RacyLedger, True)])
def test_concurrent_sends_find_lost_updates_over_a_socket(
    behaviour: Callable[[MockState], Behaviour], caught: bool
) -> None:
    """The ledger-concurrent-sends probe: exact on the mock, a lost update on a racy one."""
    app = create_app(spec=SPEC, account=ACCOUNT, behaviour=behaviour)
    with served(app) as base:
        session = Session.for_url(base, account=ACCOUNT, spec=SPEC)
        try:
            (probe,) = [p for p in all_probes() if p.id == "ledger-concurrent-sends"]
            rules = {(v.check, v.rule) for v in probe.run(session)}
        finally:
            session.close()
    assert (ids.LEDGER_CONCURRENT_SENDS in rules) is caught, rules


def test_every_schema_edit_changes_one_place_of_the_spec() -> None:
    """Each schema-edit row names a place the spec has (or, for a new member, whose parent
    it has) and changes it: a row that no longer applies, or applies as a no-op, fails."""
    for row in EDITS:
        document = copy.deepcopy(SPEC.document)
        apply_edit(document, row.pointer, row.value)
        assert document != SPEC.document, f"{row.name}: {row.pointer} is unchanged"


def test_a_schema_edit_at_a_missing_place_names_the_pointer() -> None:
    document = copy.deepcopy(SPEC.document)
    with pytest.raises(KeyError, match="/components/schemas/NoSuchSchema"):
        apply_edit(document, "/components/schemas/NoSuchSchema/pattern", "x")
    with pytest.raises(KeyError, match="nothing there to delete"):
        apply_edit(document, "/components/schemas/MessageV2/nosuchkeyword", DELETE)


def test_a_fault_names_its_rules_by_constants_of_ids_only() -> None:
    """A rule written as a string (or a bare pair) is refused: the catalog cannot drift
    from the names the suite reports."""
    catalog = Catalog()
    with pytest.raises(TypeError, match=r"contract_tests\.ids constants"):
        catalog.fault("written", "a rule as a string", ids.UNIQUE_IDS.key)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"contract_tests\.ids constants"):
        catalog.fault("paired", "a rule as a pair", ("ledger", "series"))  # type: ignore[arg-type]
    catalog.fault("named", "a rule by its constant", ids.UNIQUE_IDS)(Behaviour)
    assert [f.expect for f in catalog.faults] == [frozenset({ids.UNIQUE_IDS.key})]
