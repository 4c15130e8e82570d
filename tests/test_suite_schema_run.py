"""Schemathesis's configuration: what it checks, and nothing that a conforming server fails."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schemathesis.config import SchemathesisConfig

from contract_tests.schema_run import (
    BAD_REQUEST_STATUSES,
    BUILTIN_CHECKS,
    examples_accepted,
    schemathesis_config,
    served,
)
from contract_tests.session import SEND_PATH, TOKEN_PATH, Session
from mockserver import create_app
from twosms_contract.fixtures import Account, load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
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
    assert enabled == (set(BUILTIN_CHECKS) - {"positive_data_acceptance"}) | {"twosms_observe"}


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


def _call(app: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(served(app)({"type": "http", "method": "GET", "path": "/"}, receive, send))
    return sent


def test_an_exception_in_the_app_is_a_500_as_a_real_server_answers() -> None:
    async def crashes(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    sent = _call(crashes)
    assert sent[0]["status"] == 500 and sent[1]["type"] == "http.response.body"


def test_an_exception_after_the_answer_started_leaves_the_answer_alone() -> None:
    async def answers_then_crashes(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"down"})
        raise RuntimeError("boom")

    sent = _call(answers_then_crashes)
    assert [m.get("status") for m in sent] == [503, None] and len(sent) == 2
