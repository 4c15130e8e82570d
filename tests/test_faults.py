"""Proof that the whole suite catches faults: the mock passes, each broken variant fails.

`tests/faults/` breaks the mock in some 390 ways (and holds its conforming variants) and
`test_fault_catalog.py` runs the probes and properties against each. Here the *runner*
(`run_suite`, what `twosms-contract test` runs) is run against:

- the correct mock and every conforming variant of the catalog, every stage (Schemathesis
  included): no violation at all, so no check raises a false alarm;
- the faults ISSUE 5 names (from the catalog): the runner must name their rule;
- catalog faults that Schemathesis alone must catch, with its own checks or through the
  contract's response rules it applies to every send (`Session.observe`); and one fault
  the catalog lacks because only generated data reaches it (a 500 on a port out of range);
- a fault that only the operations' security probes reach (the catalog's in-process run
  leaves those probes out: `contract_tests.probes.all_probes`);
- catalog faults that the generated client, end to end, must catch.

`test_fault_catalog.py` counts the rules these faults expect as expected by a fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from contract_tests import ids
from contract_tests.core import SEND_OPERATION
from contract_tests.runner import run_suite
from contract_tests.session import Session
from contract_tests.verdict import SuiteResult
from mockserver import Behaviour, Failure, MockState, create_app
from mockserver.http import Answer, HttpRequest
from tests.faults import FAULTS, VARIANTS, Variant
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SEED = 20261126
ALL_STAGES = ("probes", "properties", "client", "schemathesis")
SCHEMATHESIS_ONLY = ("schemathesis",)
LEAD_STAGES = ("probes", "properties")
SPEC = load_spec()
ACCOUNT = load_account()


def run_against(
    behaviour: Callable[[MockState], Behaviour] = Behaviour,
    *,
    stages: tuple[str, ...],
    max_examples: int | None = None,
    parallel: bool = False,
) -> SuiteResult:
    app = create_app(account=ACCOUNT, spec=SPEC, behaviour=behaviour)
    session = Session.for_app(app, account=ACCOUNT, spec=SPEC)
    session.expired_token = app.state.mock.mint_expired_token()
    try:
        return run_suite(
            session,
            app=app,
            profile="quick",
            max_examples=max_examples,
            seed=SEED,
            stages=stages,
            parallel=parallel,
        )
    finally:
        session.close()


def failed(result: SuiteResult) -> set[str]:
    return {f"{rule.check}/{rule.rule}" for rule in result.failed}


def explain(result: SuiteResult) -> str:
    lines = []
    for rule in result.failed:
        first = rule.minimal
        assert first is not None
        lines.append(f"{rule.check}/{rule.rule}: {first.message} (Received: {first.received})")
    return "\n".join(lines) or "(nothing failed)"


def test_the_mock_conforms_to_the_whole_suite() -> None:
    result = run_against(stages=ALL_STAGES)
    assert result.conforms, explain(result)
    assert all(result.stage_cases[stage] > 0 for stage in ALL_STAGES), result.stage_cases
    assert result.rule(*ids.schemathesis_rule("negative_data_rejection")) is not None


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_a_conforming_variant_passes_the_whole_suite(variant: Variant) -> None:
    result = run_against(variant.behaviour, stages=ALL_STAGES, max_examples=5)
    assert result.conforms, f"{variant.name}: {explain(result)}"


# -- the faults ISSUE 5 names, from the catalog ------------------------------------------

ISSUE_FAULTS = (
    "parts-160-is-two",  # wrong part counting at 160
    "success-missing-field",  # a missing field
    "server-error-on-nan",  # a 500 on some input
    "auth-not-enforced",
    "unknown-group-wrong-code",  # a wrong error code
    "credits-not-debited",
    "method-without-allow",  # a 405 without Allow
    "auth-no-challenge",  # a 401 without WWW-Authenticate
)
_CATALOG = {fault.name: fault for fault in FAULTS}


@pytest.mark.parametrize("name", ISSUE_FAULTS)
def test_the_runner_names_each_fault_of_the_issue(name: str) -> None:
    fault = _CATALOG[name]
    result = run_against(fault.behaviour, stages=LEAD_STAGES)
    assert failed(result) & fault.expect, (
        f"{name} ({fault.description}) was not named: expected one of {sorted(fault.expect)}, "
        f"the run failed {sorted(failed(result))}"
    )
    assert not result.conforms


# -- faults Schemathesis must catch on its own ---------------------------------------------


class CrashOnPortOutOfRange(Behaviour):
    """An unhandled exception (a 500) instead of `ValidationError` for a port over 65535."""

    def check_schema(self, instance: Any) -> Failure | None:
        options = instance.get("Options") if isinstance(instance, dict) else None
        port = options.get("SrcPort") if isinstance(options, dict) else None
        if isinstance(port, int) and port > 65535:
            raise OverflowError(f"port {port}")
        return super().check_schema(instance)


@dataclass(frozen=True)
class SchemathesisFault:
    name: str
    behaviour: Callable[[MockState], Behaviour]
    expect: frozenset[str]  # every one of these must fail


def _from_catalog(name: str, *expect: str) -> SchemathesisFault:
    return SchemathesisFault(name, _CATALOG[name].behaviour, frozenset(expect))


SCHEMATHESIS_FAULTS = [
    _from_catalog(
        "success-missing-field", ids.schemathesis_rule("response_schema_conformance").key
    ),
    _from_catalog("method-is-404", ids.schemathesis_rule("unsupported_method").key),
    _from_catalog("token-cacheable", ids.schemathesis_rule("response_headers_conformance").key),
    _from_catalog(
        "business-errors-422",
        ids.schemathesis_rule("status_code_conformance").key,
        ids.schemathesis_rule("negative_data_rejection").key,
    ),
    # POST /Token is judged by its documented responses in Schemathesis's run only.
    _from_catalog(
        "token-answer-text-plain",
        ids.schemathesis_rule("content_type_conformance").key,
        ids.operation_response_rule("getToken").key,
    ),
    # The contract's own response rules, applied to Schemathesis's responses (`observe`).
    _from_catalog("credits-not-debited", ids.CREDITS_ARITHMETIC.key),
    SchemathesisFault(
        "500-on-port-out-of-range",
        CrashOnPortOutOfRange,
        frozenset({ids.schemathesis_rule("not_a_server_error").key}),
    ),
]


@pytest.mark.parametrize("fault", SCHEMATHESIS_FAULTS, ids=[f.name for f in SCHEMATHESIS_FAULTS])
def test_schemathesis_alone_catches_the_fault(fault: SchemathesisFault) -> None:
    result = run_against(fault.behaviour, stages=SCHEMATHESIS_ONLY, max_examples=5)
    assert_caught_with_reproduction(fault, result)


def assert_caught_with_reproduction(fault: SchemathesisFault, result: SuiteResult) -> None:
    """Every rule the fault must break failed, each with the exchange that shows it."""
    missed = fault.expect - failed(result)
    assert not missed, (
        f"{fault.name}: {sorted(missed)} did not fail; failed {sorted(failed(result))}"
    )
    for rule in result.failed:
        first = rule.minimal
        assert first is not None and first.response is not None, rule


# -- faults of the operations' security probes, which the catalog's in-process run leaves out


def _first_example(operation_id: str) -> Any:
    """The first example of the operation's JSON request body, as the spec writes it."""
    path, method = SPEC.terms.operation(operation_id)
    body = SPEC.deref(SPEC.document["paths"][path][method.lower()]["requestBody"])
    examples = body["content"]["application/json"]["examples"]
    return SPEC.deref(next(iter(examples.values())))["value"]


class _WithToken:
    """The request, its body already read, as if it carried `token`."""

    def __init__(self, request: HttpRequest, body: bytes, token: str) -> None:
        self._request, self._body, self._token = request, body, token

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def header(self, name: str) -> str | None:
        if name == "authorization":
            return f"Bearer {self._token}"
        return self._request.header(name)

    async def read_body(self, cap: int, declared: int | None) -> bytes:
        return self._body


class ExampleWithoutToken(Behaviour):
    """The request the spec documents as the send's example is a demo answered without a
    token (a sandbox shortcut for the docs' test number left on in production); every
    other request without a token is 401, so only the security probe sends it."""

    example = _first_example(SEND_OPERATION)

    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        refused = self.check_auth(request)
        if refused is None or self.check_media_type(request) is not None:
            return await super().handle_send(request, media_type)
        body = await self.read_body(request)
        if body is None:
            return None
        try:
            demo = isinstance(body, bytes) and json.loads(body) == self.example
        except ValueError:
            demo = False
        if not demo:
            return self.error_answer(refused, media_type)
        token = self.state.tokens.issue(self.state.account.client_id).value
        return await super().handle_send(_WithToken(request, body, token), media_type)  # type: ignore[arg-type]


OPERATION_FAULTS = [
    ("example-without-token", ExampleWithoutToken, ids.operation_security_rule(SEND_OPERATION)),
]


@pytest.mark.parametrize(
    ("name", "behaviour", "rule"), OPERATION_FAULTS, ids=[n for n, _, _ in OPERATION_FAULTS]
)
def test_the_operations_security_probe_catches_the_fault(
    name: str, behaviour: Callable[[MockState], Behaviour], rule: ids.RuleId
) -> None:
    result = run_against(behaviour, stages=("probes",))
    assert rule.key in failed(result), f"{name}: the run failed {sorted(failed(result))}"


# -- faults the generated client end to end must catch ------------------------------------

CLIENT_FAULTS = [
    ("success-counts-as-integers", ids.CLIENT_RESPONSE_PARSES.key),
    ("e164-needs-10-digits", ids.CLIENT_VALID_REQUEST_ACCEPTED.key),
]


@pytest.mark.parametrize(("name", "rule"), CLIENT_FAULTS)
def test_the_generated_client_end_to_end_catches_the_fault(name: str, rule: str) -> None:
    result = run_against(_CATALOG[name].behaviour, stages=("client",), max_examples=25)
    assert rule in failed(result), f"{name}: the run failed {sorted(failed(result))}"


# -- Schemathesis in a forked process, beside the other stages ------------------------------

needs_fork = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="the parallel stage forks",
)


@needs_fork
def test_in_parallel_the_mock_conforms_and_every_stage_runs() -> None:
    result = run_against(stages=ALL_STAGES, parallel=True)
    assert result.conforms, explain(result)
    assert all(result.stage_cases[stage] > 0 for stage in ALL_STAGES), result.stage_cases
    assert any("forked process" in note for note in result.notes), result.notes
    assert result.rule(*ids.schemathesis_rule("negative_data_rejection")) is not None


@needs_fork
@pytest.mark.parametrize(
    "fault", SCHEMATHESIS_FAULTS[-2:], ids=[f.name for f in SCHEMATHESIS_FAULTS[-2:]]
)
def test_in_parallel_what_schemathesis_finds_comes_back_named(fault: SchemathesisFault) -> None:
    result = run_against(fault.behaviour, stages=SCHEMATHESIS_ONLY, max_examples=5, parallel=True)
    assert_caught_with_reproduction(fault, result)
