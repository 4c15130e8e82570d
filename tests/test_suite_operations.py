"""The suite's own reading of the spec's operations (`contract_tests.operations`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_tests import ids
from contract_tests.core import Exchange, RecordedRequest, RecordedResponse
from contract_tests.operations import (
    judge_response,
    operation_rules,
    path_methods,
    spec_operations,
    unknown_path_below,
)
from contract_tests.probes.operations import build_request
from contract_tests.runner import known_rules
from tests.evolved_spec import EXAMPLE, MESSAGE_ID, NEW_PATH, get_message_item, write_spec
from twosms_contract.spec import Spec, load_spec

PROJECT = load_spec()


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    item = get_message_item()
    item["put"] = {
        "operationId": "renameMessage",
        "security": [],
        "parameters": item["get"]["parameters"][:1],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["Name", "Code"],
                        "properties": {
                            "Name": {"type": "string", "minLength": 2},
                            "Code": {"type": "string", "pattern": "^[A-Z]{2}[0-9]$"},
                        },
                    }
                }
            },
        },
        "responses": {"204": {"description": "Renamed."}},
    }
    return load_spec(write_spec(tmp_path_factory.mktemp("ops"), item=item))


def _exchange(status: int, body: object, headers: tuple[tuple[str, str], ...] = ()) -> Exchange:
    return Exchange(
        request=RecordedRequest("GET", f"http://testserver/api/v2/sms/messages/{MESSAGE_ID}", ()),
        response=RecordedResponse(
            status, (("content-type", "application/json"), *headers), json.dumps(body).encode()
        ),
    )


def test_the_project_spec_has_a_rule_per_operation() -> None:
    assert operation_rules(PROJECT) == [
        ids.operation_security_rule("sendMessages"),
        ids.operation_response_rule("getToken"),
    ]
    assert set(operation_rules(PROJECT)) <= set(known_rules())


def test_rules_name_each_new_operation(evolved: Spec) -> None:
    rules = set(operation_rules(evolved))
    assert ids.operation_response_rule("getMessage") in rules
    assert ids.operation_security_rule("getMessage") in rules
    assert ids.operation_response_rule("renameMessage") in rules
    assert ids.operation_security_rule("renameMessage") not in rules  # security: []
    assert set(known_rules(spec=evolved)) >= rules


def test_paths_match_templates_case_insensitively(evolved: Spec) -> None:
    assert path_methods(PROJECT, "/api/v2/sms/messages") == ["POST"]
    assert path_methods(PROJECT, "/API/V2/SMS/MESSAGES/") == ["POST"]
    assert path_methods(PROJECT, "/api/v2/sms/messages/42") is None
    assert path_methods(evolved, "/api/v2/sms/messages/42") == ["GET", "PUT"]
    assert path_methods(evolved, "/api/v2/sms/messages/42/x") is None
    assert unknown_path_below(PROJECT, "/api/v2/sms/messages") == "/api/v2/sms/messages/42"
    assert unknown_path_below(evolved, "/api/v2/sms/messages") == "/api/v2/sms/messages/42/0"


def test_a_request_is_built_from_examples_and_schemas(evolved: Spec) -> None:
    ops = {op.name: op for op in spec_operations(evolved)}
    get = build_request(evolved, ops["getMessage"])
    assert get.target == f"/api/v2/sms/messages/{MESSAGE_ID}?MinParts=1"
    put = build_request(evolved, ops["renameMessage"])
    assert put.has_json and not put.missing
    schema = (
        f"#/paths/{NEW_PATH.replace('/', '~1')}/put/requestBody/content/application~1json/schema"
    )
    assert list(evolved.validator(schema).iter_errors(put.json_body)) == []


def test_an_answer_is_judged_by_the_operations_documented_responses(evolved: Spec) -> None:
    (get,) = [op for op in spec_operations(evolved) if op.name == "getMessage"]
    assert judge_response(evolved, get, _exchange(200, EXAMPLE)) == []
    broken = judge_response(evolved, get, _exchange(200, {**EXAMPLE, "Parts": 0}))
    assert [v.rule for v in broken] == ["response:getMessage"]
    assert '$["Parts"]' in broken[0].message
    undocumented = judge_response(evolved, get, _exchange(409, {}))
    assert "does not document" in undocumented[0].message
    no_allow = judge_response(evolved, get, _exchange(405, {"Error": None}))
    assert any("without Allow" in v.message for v in no_allow)


def test_the_evolved_spec_is_one_edit(tmp_path: Path) -> None:
    """The copy differs from the project's spec by the new path item only."""
    evolved = load_spec(write_spec(tmp_path))
    document = dict(evolved.document)
    paths = dict(document.pop("paths"))
    assert paths.pop(NEW_PATH) == get_message_item()
    original = dict(PROJECT.document)
    assert paths == original.pop("paths")
    assert document == original
