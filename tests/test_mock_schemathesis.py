"""Schemathesis (positive and negative) runs the spec against the mock in process: no 5xx,
every status, media type, header and body as documented, negative data refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mockserver import create_app
from twosms_contract.spec import load_spec

SPEC = load_spec()
APP = create_app(spec=SPEC)
TOKEN = APP.state.mock.issue_token()
# Every check but positive-data acceptance: a schema-valid send is refused by the business
# rules (an unknown contact, no recipient) far more often than not, and that is the contract.
EXCLUDED = [positive_data_acceptance]

pytestmark = pytest.mark.slow  # seconds: a server, a subprocess or a fuzzer


def _schema(mode: str) -> Any:
    config = SchemathesisConfig.from_dict(
        {"generation": {"mode": mode, "database": "none"}, "checks": {"enabled": True}}
    )
    schema = schemathesis.openapi.from_dict(SPEC.document, config=config)
    schema.app = APP
    return schema


CaseTest = Callable[[Any], None]
POSITIVE = _schema("positive")
# One test per operation of the spec, each with an id of its own (Schemathesis's own
# parametrization names them all alike, and pytest-xdist would run only one of them).
OPERATIONS = [
    (method.upper(), path)
    for path, item in SPEC.document["paths"].items()
    for method in item
    if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
]
# /Token's form schema has no required field and only strings: no negative case exists.
negative_cases: Callable[[CaseTest], CaseTest] = (
    _schema("negative").include(path="/api/v2/sms/messages").parametrize()
)
_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _headers(case: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"} if case.path != "/Token" else {}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_positive_cases_conform(method: str, path: str) -> None:
    @_SETTINGS
    @given(case=POSITIVE[path][method].as_strategy())
    def conforms(case: Any) -> None:
        response = case.call(headers=_headers(case))
        case.validate_response(response, excluded_checks=EXCLUDED)
        assert response.status_code < 500

    conforms()


@negative_cases
@_SETTINGS
def test_negative_cases_are_refused_and_conform(case: Any) -> None:
    response = case.call(headers=_headers(case))
    case.validate_response(response, excluded_checks=EXCLUDED)
    assert response.status_code < 500


def test_the_ledger_stayed_exact_under_schemathesis() -> None:
    state = APP.state.mock
    spent = sum(m.credits for m in state.sandbox.messages())
    assert state.ledger.balance == state.account.balance - spent
