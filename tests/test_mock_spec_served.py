"""Spec evolution: an operation added to a copy of the spec is served by the mock from the
spec alone (Prism's way), in process and over a real uvicorn server, and the suite judges
it. Each spec below is the project's with one change: a new path item."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests import ids
from contract_tests.cli import open_session
from contract_tests.runner import run_suite
from contract_tests.verdict import SuiteResult
from mockserver import Behaviour, Failure, MockState, create_app
from mockserver.http import Answer, HttpRequest
from mockserver.instances import instance_for
from mockserver.routes import Operation
from mockserver.testing import SyncASGIClient
from tests.evolved_spec import EXAMPLE, MESSAGE_ID, NEW_PATH, get_message_item, write_spec
from tests.loopback import served
from twosms_contract.fixtures import load_account
from twosms_contract.spec import Spec, load_spec, pointer_escape

ACCOUNT = load_account()
MESSAGE = f"/api/v2/sms/messages/{MESSAGE_ID}"
SCHEMA_POINTER = (
    f"#/paths/{pointer_escape(NEW_PATH)}/get/responses/200/content/application~1json/schema"
)


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load_spec(write_spec(tmp_path_factory.mktemp("with-example")))


@pytest.fixture(scope="module")
def spec_without_example(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load_spec(write_spec(tmp_path_factory.mktemp("without-example"), example=False))


Client = Callable[..., httpx.Response]


@pytest.fixture(params=["in-process", "loopback"])
def client(request: pytest.FixtureRequest, spec: Spec) -> Iterator[tuple[Client, str]]:
    """A request function on the mock with the evolved spec, and a valid token."""
    app = create_app(spec=spec, account=ACCOUNT)
    token = app.state.mock.issue_token()
    if request.param == "in-process":
        http = SyncASGIClient(app)
        yield http.request, token
        return
    with served(app) as base, httpx.Client(base_url=base) as live:
        yield live.request, token


def _error(response: httpx.Response) -> tuple[str, str]:
    error = response.json()["Error"]
    return error["ErrorCode"], error["ErrorReason"]


def test_the_new_operation_needs_a_token(client: tuple[Client, str]) -> None:
    request, _token = client
    response = request("GET", MESSAGE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert _error(response)[0] == "Unauthorized"
    unknown = request("GET", MESSAGE, headers={"Authorization": "Bearer not-issued"})
    assert unknown.status_code == 401


def test_with_a_token_the_example_is_answered(client: tuple[Client, str]) -> None:
    request, token = client
    bearer = {"Authorization": f"Bearer {token}"}
    for path in (MESSAGE, MESSAGE.upper().replace(MESSAGE_ID.upper(), MESSAGE_ID) + "/"):
        response = request("GET", path, params={"MinParts": "2"}, headers=bearer)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == EXAMPLE


def test_a_bad_query_value_is_a_validation_error_naming_it(client: tuple[Client, str]) -> None:
    request, token = client
    bearer = {"Authorization": f"Bearer {token}"}
    response = request("GET", MESSAGE, params={"MinParts": "x"}, headers=bearer)
    assert response.status_code == 400
    assert _error(response) == ("ValidationError", 'query.MinParts: "x" is not of type integer')
    below = request("GET", MESSAGE, params={"MinParts": "0"}, headers=bearer)
    assert _error(below) == ("ValidationError", "query.MinParts: 0 is less than the minimum 1")
    bad_id = request("GET", "/api/v2/sms/messages/not-a-uuid", headers=bearer)
    code, reason = _error(bad_id)
    assert (bad_id.status_code, code) == (400, "ValidationError")
    assert reason.startswith('path.MessageID: "not-a-uuid"'), reason


def test_another_method_is_405_with_the_path_items_methods(client: tuple[Client, str]) -> None:
    request, token = client
    response = request("DELETE", MESSAGE, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert _error(response)[0] == "MethodNotAllowed"
    # The send path and /Token keep theirs, read from the spec too.
    assert request("GET", "/api/v2/sms/messages").headers["allow"] == "POST"
    assert request("GET", "/Token").headers["allow"] == "POST"
    # Below the new template is still nothing: 404.
    assert request("GET", MESSAGE + "/parts").status_code == 404


def test_without_an_example_the_body_is_made_from_the_schema(spec_without_example: Spec) -> None:
    app = create_app(spec=spec_without_example, account=ACCOUNT)
    http = SyncASGIClient(app)
    bearer = {"Authorization": f"Bearer {app.state.mock.issue_token()}"}
    first = http.request("GET", MESSAGE, headers=bearer)
    assert first.status_code == 200
    body = first.json()
    assert body != EXAMPLE
    validator = spec_without_example.validator(SCHEMA_POINTER)
    assert list(validator.iter_errors(body)) == []
    assert http.request("GET", MESSAGE, headers=bearer).json() == body  # deterministic


def _one_edit(tmp_path: Path, item: dict[str, Any]) -> Spec:
    return load_spec(write_spec(tmp_path, item=item))


def test_accept_picks_among_the_media_types_and_declared_headers_are_sent(
    tmp_path: Path,
) -> None:
    item = get_message_item()
    ok = item["get"]["responses"]["200"]
    ok["content"]["text/plain"] = {"schema": {"type": "string", "minLength": 3}}
    ok["headers"] = {
        "X-Rate-Limit": {"schema": {"type": "integer", "minimum": 10}},
        "X-Request-Id": {"example": "req-1", "schema": {"type": "string"}},
    }
    spec = _one_edit(tmp_path, item)
    app = create_app(spec=spec, account=ACCOUNT)
    http = SyncASGIClient(app)
    bearer = {"Authorization": f"Bearer {app.state.mock.issue_token()}"}
    plain = http.request("GET", MESSAGE, headers={**bearer, "Accept": "text/plain"})
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "text/plain"
    assert len(plain.text) >= 3
    assert plain.headers["x-rate-limit"] == "10"
    assert plain.headers["x-request-id"] == "req-1"
    default = http.request("GET", MESSAGE, headers=bearer)
    assert default.headers["content-type"] == "application/json"
    preferred = http.request(
        "GET", MESSAGE, headers={**bearer, "Accept": "text/plain;q=0.5, application/json"}
    )
    assert preferred.json() == EXAMPLE


def test_security_empty_means_none_and_a_pattern_schema_still_gets_a_valid_body(
    tmp_path: Path,
) -> None:
    item = get_message_item(example=False)
    item["get"]["security"] = []
    schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["Code"] = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"}
    schema["required"].append("Code")
    spec = _one_edit(tmp_path, item)
    response = SyncASGIClient(create_app(spec=spec, account=ACCOUNT)).request("GET", MESSAGE)
    assert response.status_code == 200, response.text
    assert list(spec.validator(SCHEMA_POINTER).iter_errors(response.json())) == []


def test_an_unsatisfiable_schema_is_answered_without_a_body_and_never_a_5xx(
    tmp_path: Path,
) -> None:
    item = get_message_item(example=False)
    item["get"]["security"] = []
    media = item["get"]["responses"]["200"]["content"]["application/json"]
    media["schema"] = {"type": "integer", "minimum": 5, "maximum": 1}
    spec = _one_edit(tmp_path, item)
    assert instance_for(spec, SCHEMA_POINTER) == (False, None)
    response = SyncASGIClient(create_app(spec=spec, account=ACCOUNT)).request("GET", MESSAGE)
    assert response.status_code == 200
    assert response.content == b""
    assert SCHEMA_POINTER in response.headers["warning"]


def test_a_json_body_is_validated_against_its_schema(tmp_path: Path) -> None:
    item = get_message_item()
    item["put"] = copy.deepcopy(item["get"])
    item["put"]["operationId"] = "renameMessage"
    item["put"]["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["Name"],
                    "properties": {"Name": {"type": "string", "maxLength": 4}},
                }
            }
        },
    }
    spec = _one_edit(tmp_path, item)
    app = create_app(spec=spec, account=ACCOUNT)
    http = SyncASGIClient(app)
    bearer = {"Authorization": f"Bearer {app.state.mock.issue_token()}"}
    good = http.request("PUT", MESSAGE, json={"Name": "abc"}, headers=bearer)
    assert good.status_code == 200, good.text
    long = http.request("PUT", MESSAGE, json={"Name": "abcdef"}, headers=bearer)
    assert _error(long) == ("ValidationError", '$.Name: "abcdef" has 6 characters, at most 4')
    missing = http.request("PUT", MESSAGE, headers=bearer)
    assert _error(missing) == ("ValidationError", "body: is required but missing")
    xml = http.request(
        "PUT", MESSAGE, content=b"<a/>", headers={**bearer, "Content-Type": "application/xml"}
    )
    assert (xml.status_code, _error(xml)[0]) == (415, "UnsupportedMediaType")
    broken = http.request(
        "PUT", MESSAGE, content=b"{", headers={**bearer, "Content-Type": "application/json"}
    )
    assert (broken.status_code, _error(broken)[0]) == (400, "InvalidJson")
    assert http.request("GET", MESSAGE).headers.get("allow") is None  # GET is served: 401
    assert http.request("POST", MESSAGE, headers=bearer).headers["allow"] == "GET, PUT"


# -- the suite on the evolved spec ----------------------------------------------------------


class _BodyBreaksSchema(Behaviour):
    """The new operation answers 200 with a body its schema refuses."""

    def spec_answer(self, request: HttpRequest, operation: Operation) -> Answer:
        answer = super().spec_answer(request, operation)
        if operation.operation_id != "getMessage":
            return answer
        return Answer(200, {**EXAMPLE, "Parts": "two"}, "application/json")


class _NoAuthOnNewOperation(Behaviour):
    """The new operation answers without a token."""

    def check_security(self, request: HttpRequest, operation: Operation) -> Failure | None:
        if operation.operation_id == "getMessage":
            return None
        return super().check_security(request, operation)


def _suite(spec: Spec, behaviour: Callable[[MockState], Behaviour] | None) -> SuiteResult:
    session = open_session(base_url=None, fixtures=None, spec=spec)
    if behaviour is not None:
        session.app.state.mock.behaviour = behaviour(session.app.state.mock)
    try:
        return run_suite(session, profile="quick", seed=7, parallel=True)
    finally:
        session.close()


@pytest.mark.slow
def test_the_suite_passes_on_the_mock_and_exercises_the_new_operation(spec: Spec) -> None:
    result = _suite(spec, None)
    assert result.conforms, [(r.check, r.rule, r.minimal) for r in result.failed]
    response = result.rule(*ids.operation_response_rule("getMessage"))
    security = result.rule(*ids.operation_security_rule("getMessage"))
    assert response is not None and response.cases > 0 and response.passed
    assert security is not None and security.cases >= 2 and security.passed


@pytest.mark.slow
@pytest.mark.parametrize(
    ("behaviour", "rules"),
    [
        (
            _BodyBreaksSchema,
            {
                ids.operation_response_rule("getMessage"),
                ids.schemathesis_rule("response_schema_conformance"),
            },
        ),
        (_NoAuthOnNewOperation, {ids.operation_security_rule("getMessage")}),
    ],
    ids=["body-breaks-schema", "200-without-token"],
)
def test_the_suite_fails_a_mock_whose_new_operation_breaks_the_spec(
    spec: Spec, behaviour: Callable[[MockState], Behaviour], rules: set[tuple[str, str]]
) -> None:
    result = _suite(spec, behaviour)
    failed = {(r.check, r.rule) for r in result.failed}
    assert rules <= failed, sorted(failed)
    # Nothing of the send and token endpoints is blamed for it.
    assert all(c == "operation" or c == "schemathesis" for c, _ in failed), sorted(failed)
