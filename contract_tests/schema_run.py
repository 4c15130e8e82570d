"""Schemathesis over the spec: examples, coverage and fuzzing, positive and negative.

The engine (`schemathesis.engine`) runs against the ASGI app in process or a base URL over
HTTP. Its configuration is one declarative table (`schemathesis_config`), the same shape as
a `schemathesis.toml`, and every choice in it is there so that a server that follows
docs/contract.md gets no failure:

- `positive_data_acceptance` is off for generated data: a schema-valid request that names
  an unknown contact, group or template, or expires before it is sent, is rightly refused.
  The lead's domain properties test acceptance with data that really is valid. It is on in
  the examples phase only, for the examples that the run's account can satisfy (the spec's
  examples are real requests on the demo account) - see `examples_accepted`.
- `negative_data_rejection` accepts exactly the statuses the contract gives a bad request
  (400, 401, 404, 405, 413, 415), never a 2xx. It is off for `POST /Token`: the contract
  fixes the token endpoint's answers to credentials, not to bodies that are not forms, and
  every form value is a string, so no schema mutation of its body is invalid on the wire.
- `ignored_auth` is off: it only probes `apiKey` and `http` schemes, not oauth2; the auth
  probes (`contract_tests.probes`) send no, malformed, unknown and expired tokens instead.
- The coverage phase's unexpected methods leave out `QUERY` (a draft method an HTTP
  server may refuse before the application sees it) and `HEAD` (no body to judge).
- Stateful testing is off: the spec has no links. No cache, no example database on disk.

Every response of the send endpoint also goes through `Session.observe`, the contract's
response rules (the `twosms_observe` check, registered once per process); its violations
are kept as structured `Violation`s. In process, the requests reach the app through
`transport.in_process`, as a real ASGI server would serve it: an exception instead of a response
becomes a 500, not a crash of the run.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from contract_tests import ids
from contract_tests.core import Violation
from contract_tests.operations import SpecOperation, is_send, judge_response, spec_operations
from contract_tests.schema_findings import (
    BAD_REQUEST_STATUSES,
    CheckTally,
    exchange_from,
    is_unreachable,
    no_answer_violation,
    tally_checks,
)
from contract_tests.session import Session, TargetError
from contract_tests.transport import bearer_provider, in_process

SCHEMATHESIS = ids.SCHEMATHESIS
OBSERVE_CHECK = "twosms_observe"
OPERATIONS_CHECK = "twosms_operations"
BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
)
PHASES = ("examples", "coverage", "fuzzing")
UNEXPECTED_METHODS = ("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
_RUN_KEY = "x-twosms-run"

Progress = Callable[[str, int], None]
"""Called with the phase name and the number of cases sent so far."""


@dataclass(slots=True)
class SchemaRunResult:
    """What the Schemathesis phases found."""

    cases: int
    seconds: float
    checks: dict[str, CheckTally]  # Schemathesis check name -> tally
    observed: int  # send-endpoint responses that went through `Session.observe`
    observed_violations: list[Violation]
    # `response:<operation>` of every other operation (`contract_tests.operations`)
    operations: dict[str, CheckTally] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # engine errors: what could not be tested
    phases: dict[str, int] = field(default_factory=dict)  # phase -> cases
    phase_seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall time


@dataclass(slots=True)
class _Run:
    """The state the process-wide check reaches through the schema it was given."""

    session: Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    observed: int = 0
    violations: list[Violation] = field(default_factory=list)
    # (METHOD, path template) -> the operation, for every operation but the send
    operations: dict[tuple[str, str], SpecOperation] = field(default_factory=dict)
    operation_tallies: dict[str, CheckTally] = field(default_factory=dict)


_RUNS: dict[str, _Run] = {}
_REGISTERED = threading.Lock()
_registered = False


def examples_accepted(session: Session) -> bool:
    """Whether the contract's oracle says every request example of the send endpoint must
    get 200 on the run's account.

    The spec's examples name the demo account's contacts, groups and templates; on another
    account they are rightly refused, so `positive_data_acceptance` would be a false alarm.
    """
    from contract_tests.oracle import Delivery, judge

    operation = session.spec.document["paths"][session.send_path]["post"]
    credits = 0
    for media in operation["requestBody"]["content"].values():
        for example in media.get("examples", {}).values():
            value = session.spec.deref(example).get("value")
            verdict = judge(value, session.account, session.spec)
            if not isinstance(verdict, Delivery):
                return False
            credits += verdict.sms_parts
    # Schemathesis may replay an example while it shrinks: leave room for several rounds.
    return session.account.balance >= 10 * credits


def _token_example_accepted(session: Session) -> bool:
    operation = session.spec.document["paths"][session.token_path]["post"]
    for media in operation["requestBody"]["content"].values():
        for example in media.get("examples", {}).values():
            value = session.spec.deref(example).get("value", {})
            if (value.get("client_id"), value.get("client_secret")) != (
                session.client_id,
                session.client_secret,
            ):
                return False
    return True


def schemathesis_config(
    session: Session,
    *,
    base_url: str,
    max_examples: int,
    seed: int | None,
    workers: int,
    phases: Sequence[str] = PHASES,
) -> dict[str, Any]:
    """The run's configuration, in `schemathesis.toml`'s shape (see the module docstring);
    `phases` are those of `PHASES` to run."""
    checks: dict[str, Any] = {name: {"enabled": True} for name in BUILTIN_CHECKS}
    checks["enabled"] = False  # nothing but what is listed here
    checks["positive_data_acceptance"] = {"enabled": False}
    checks["negative_data_rejection"] = {
        "enabled": True,
        "expected-statuses": list(BAD_REQUEST_STATUSES),
    }
    checks["response_schema_conformance"] = {"enabled": True, "validate-formats": True}
    checks[OBSERVE_CHECK] = {"enabled": True}
    checks[OPERATIONS_CHECK] = {"enabled": True}
    acceptance = {"positive_data_acceptance": {"enabled": True, "expected-statuses": ["200"]}}
    operations: list[dict[str, Any]] = [
        {
            "include-path": session.token_path,
            "checks": {"negative_data_rejection": {"enabled": False}},
        },
    ]
    if examples_accepted(session):
        operations.append(
            {"include-path": session.send_path, "phases": {"examples": {"checks": acceptance}}}
        )
    if _token_example_accepted(session):
        operations[0]["phases"] = {"examples": {"checks": acceptance}}
    config: dict[str, Any] = {
        "base-url": base_url,
        "workers": workers,
        "continue-on-failure": True,
        # A server that hangs costs the session's timeout a request, not forever.
        "request-timeout": session.client.timeout.read or 10.0,
        "cache": {"enabled": False},
        "suppress-health-check": ["all"],
        "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": "examples" in phases},
            "coverage": {
                "enabled": "coverage" in phases,
                "unexpected-methods": list(UNEXPECTED_METHODS),
            },
            "fuzzing": {"enabled": "fuzzing" in phases},
            "stateful": {"enabled": False},
        },
        "checks": checks,
        "operations": operations,
    }
    if seed is not None:
        config["seed"] = seed
    return config


def run_schemathesis(
    session: Session,
    *,
    app: Any = None,
    base_url: str | None = None,
    max_examples: int,
    seed: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    phases: Sequence[str] = PHASES,
) -> SchemaRunResult:
    """Run the examples, coverage and fuzzing phases (or those of `phases`) against `app`
    (in process) or `base_url`."""
    import requests
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema

    if (app is None) == (base_url is None):
        raise ValueError("run_schemathesis needs exactly one of app= and base_url=")
    _register_observe_check()
    token = session.token  # fails early (TargetError) when the server refuses the credentials
    run_id = uuid.uuid4().hex
    document = copy.deepcopy(session.spec.document)
    document[_RUN_KEY] = run_id
    target = "http://testserver" if app is not None else str(base_url).rstrip("/")
    config = SchemathesisConfig.from_dict(
        schemathesis_config(
            session,
            base_url=target,
            max_examples=max_examples,
            seed=seed,
            workers=workers,
            phases=phases,
        )
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    adapter = in_process(schema, app) if app is not None else None
    operations = spec_operations(session.spec)
    unsecured = {(op.method, op.path) for op in operations if not op.secured}
    schema.auth(refresh_interval=None)(bearer_provider(token, unsecured))

    run = _RUNS[run_id] = _Run(session=session)
    for op in operations:
        if not is_send(op):
            run.operations[(op.method, op.path)] = op
            run.operation_tallies[op.response_rule] = CheckTally()
    tallies: dict[str, CheckTally] = {name: CheckTally() for name in BUILTIN_CHECKS}
    phase_cases: Counter[str] = Counter()
    phase_started: dict[str, float] = {}
    phase_seconds: dict[str, float] = {}
    errors: list[str] = []
    no_answer: list[Violation] = []
    cases = 0
    started = time.perf_counter()
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                count = len(event.recorder.interactions)
                cases += count
                phase_cases[event.phase.value] += count
                tally_checks(event.recorder, tallies)
                if progress is not None:
                    progress(event.phase.value, cases)
            elif isinstance(event, events.PhaseStarted):
                phase_started[event.phase.name.value] = time.perf_counter()
            elif (
                isinstance(event, events.PhaseFinished) and event.phase.name.value in phase_started
            ):
                name = event.phase.name.value
                phase_seconds[name] = time.perf_counter() - phase_started[name]
            elif isinstance(event, events.NonFatalError):
                if is_unreachable(event.value):
                    raise TargetError(f"cannot reach {target}: {event.value}")
                if isinstance(event.value, requests.RequestException):
                    no_answer.append(no_answer_violation(event))
                else:
                    errors.append(f"{event.label}: {type(event.value).__name__}: {event.value}")
            elif isinstance(event, events.FatalError):
                raise _fatal(event.exception, target) from event.exception
    finally:
        del _RUNS[run_id]
        if adapter is not None:
            adapter.close()
    return SchemaRunResult(
        cases=cases,
        seconds=time.perf_counter() - started,
        checks={
            name: tally
            for name, tally in tallies.items()
            if name != "positive_data_acceptance" or tally.cases
        },
        observed=run.observed,
        observed_violations=[*run.violations, *no_answer],
        operations=run.operation_tallies,
        errors=errors,
        phases=dict(phase_cases),
        phase_seconds=phase_seconds,
    )


def _fatal(exc: BaseException, target: str) -> TargetError:
    return TargetError(f"Schemathesis could not run against {target}: {exc}")


# -- the observe check ------------------------------------------------------------------


def _register_observe_check() -> None:
    """Register `twosms_observe` with Schemathesis once per process (its registry is global)."""
    global _registered
    with _REGISTERED:
        if _registered:
            return
        import schemathesis

        def twosms_observe(ctx: Any, response: Any, case: Any) -> bool | None:
            """The contract's response rules (`Session.observe`) on the send endpoint."""
            run = _RUNS.get(str(case.operation.schema.raw_schema.get(_RUN_KEY)))
            if run is None or case.operation.path != run.session.send_path:
                return None
            request = response.request
            if (request.method or "").upper() == "HEAD":
                return None
            exchange = exchange_from(response)
            found = run.session.observe(exchange)
            with run.lock:
                run.observed += 1
                run.violations.extend(found)
            if found:
                first = found[0]
                raise AssertionError(
                    f"[{first.check}/{first.rule}] {first.message}\n"
                    f"Received: {first.received}\nExpected: {first.expected}"
                )
            return None

        def twosms_operations(ctx: Any, response: Any, case: Any) -> bool | None:
            """Every operation but the send: the answer is one its spec documents
            (`contract_tests.operations.judge_response`)."""
            run = _RUNS.get(str(case.operation.schema.raw_schema.get(_RUN_KEY)))
            if run is None:
                return None
            operation = run.operations.get(
                (str(case.operation.method).upper(), case.operation.path)
            )
            if operation is None:
                return None
            found = judge_response(run.session.spec, operation, exchange_from(response))
            with run.lock:
                tally = run.operation_tallies[operation.response_rule]
                tally.cases += 1
                tally.violations.extend(found)
            if found:
                first = found[0]
                raise AssertionError(
                    f"[{first.check}/{first.rule}] {first.message}\n"
                    f"Received: {first.received}\nExpected: {first.expected}"
                )
            return None

        schemathesis.check(twosms_observe)
        schemathesis.check(twosms_operations)
        _registered = True


# -- reading the engine's results -------------------------------------------------------
