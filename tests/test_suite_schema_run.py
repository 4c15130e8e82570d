"""Schemathesis's configuration: what it checks, and nothing that a conforming server fails."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from schemathesis.config import SchemathesisConfig

from contract_tests.core import SEND_OPERATION, TOKEN_OPERATION
from contract_tests.schema_findings import BAD_REQUEST_STATUSES
from contract_tests.schema_run import (
    BUILTIN_CHECKS,
    examples_accepted,
    schemathesis_config,
)
from contract_tests.session import Session
from contract_tests.transport import AppAnswer, ServerCaller, in_process
from mockserver import create_app
from twosms_contract.asgi import ASGICaller
from twosms_contract.fixtures import Account, load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
SEND_PATH, TOKEN_PATH = (SPEC.terms.operation(o)[0] for o in (SEND_OPERATION, TOKEN_OPERATION))
ACCOUNT = load_account()


@contextmanager
def _session(account: Account = ACCOUNT) -> Iterator[Session]:
    session = Session.for_app(create_app(account=ACCOUNT, spec=SPEC), account=account, spec=SPEC)
    try:
        yield session
    finally:
        session.close()


def _config(account: Account = ACCOUNT) -> dict[str, Any]:
    with _session(account) as session:
        return schemathesis_config(
            session, base_url="http://testserver", max_examples=5, seed=1, workers=1
        )


def test_the_configuration_is_valid_for_schemathesis() -> None:
    SchemathesisConfig.from_dict(_config())


def test_negative_data_must_get_exactly_the_contracts_bad_request_statuses() -> None:
    checks = _config()["checks"]
    assert checks["negative_data_rejection"]["expected-statuses"] == [
        "400",
        "401",
        "404",
        "405",
        "413",
        "415",
    ]
    assert tuple(checks["negative_data_rejection"]["expected-statuses"]) == BAD_REQUEST_STATUSES
    assert not any(status.startswith("2") for status in BAD_REQUEST_STATUSES)


def test_only_the_listed_checks_run_and_ignored_auth_is_not_one() -> None:
    checks = _config()["checks"]
    assert checks["enabled"] is False
    assert "ignored_auth" not in checks
    assert checks["positive_data_acceptance"] == {"enabled": False}
    assert checks["response_schema_conformance"]["validate-formats"] is True
    enabled = {
        name for name, value in checks.items() if isinstance(value, dict) and value["enabled"]
    }
    ours = {"twosms_observe", "twosms_operations"}
    assert enabled == (set(BUILTIN_CHECKS) - {"positive_data_acceptance"}) | ours


def test_positive_acceptance_only_for_the_examples_the_account_can_satisfy() -> None:
    operations = {op["include-path"]: op for op in _config()["operations"]}
    assert operations[SEND_PATH]["phases"]["examples"]["checks"]["positive_data_acceptance"][
        "enabled"
    ]
    assert operations[TOKEN_PATH]["checks"]["negative_data_rejection"] == {"enabled": False}
    # Another account: the examples name contacts and templates it lacks.
    stranger = dataclasses.replace(ACCOUNT, contacts=type(ACCOUNT.contacts)({}))
    with _session(ACCOUNT) as demo, _session(stranger) as other:
        assert examples_accepted(demo)
        assert not examples_accepted(other)
    paths = [op["include-path"] for op in _config(stranger)["operations"]]
    assert SEND_PATH not in paths


def test_the_coverage_phase_leaves_out_query_and_head() -> None:
    methods = _config()["phases"]["coverage"]["unexpected-methods"]
    assert "QUERY" not in methods and "HEAD" not in methods
    assert {"GET", "PUT", "DELETE"} <= set(methods)


def _call(app: Any) -> AppAnswer:
    with ServerCaller(app) as caller:
        return caller.call("GET", "http://testserver/", [], [])


async def _crashes(scope: Any, receive: Any, send: Any) -> None:
    raise RuntimeError("boom")


def test_an_exception_in_the_app_is_a_500_as_a_real_server_answers() -> None:
    assert _call(_crashes).status == 500


def test_the_one_caller_lets_an_exception_of_the_app_propagate() -> None:
    """Outside the suite (tests, bench) a bug that would be a 500 fails where it is found."""
    with ASGICaller(_crashes) as caller, pytest.raises(RuntimeError, match="boom"):
        caller.call("GET", "http://testserver/", [], [])


def test_an_exception_after_the_answer_started_leaves_the_answer_alone() -> None:
    async def answers_then_crashes(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"down"})
        raise RuntimeError("boom")

    answer = _call(answers_then_crashes)
    assert (answer.status, bytes(answer.body)) == (503, b"down")


def test_schemathesis_requests_reach_the_app_in_process_as_over_http() -> None:
    """`in_process` serializes a case as the `requests` transport does over a socket."""
    import schemathesis

    seen: list[dict[str, Any]] = []

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        seen.append({**scope, "body": message["body"]})
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b"ok"})

    schema = schemathesis.openapi.from_dict(copy.deepcopy(SPEC.document))
    adapter = in_process(schema, echo)
    case = schema[SEND_PATH]["POST"].Case(body={"Type": 0}, media_type="application/json")
    try:
        response = case.call(base_url="http://testserver")
    finally:
        adapter.close()
    assert (response.status_code, response.content) == (201, b"ok")
    assert response.headers["x-a"] == ["1"]
    assert seen[0]["path"] == SEND_PATH and seen[0]["method"] == "POST"
    assert json.loads(seen[0]["body"]) == {"Type": 0}
    assert (b"content-type", b"application/json") in seen[0]["headers"]
