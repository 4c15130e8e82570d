"""The engine's invariants: no changes for equal specs, JSON pointers and values reported,
$refs followed through cycles, the same change reported once, bumps recommended."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from twosms_contract.spec import Spec, load_spec
from twosms_kit.diff import ABSENT, DiffInputError, Level, diff_documents
from twosms_kit.diff.report import build_report, next_version

SPEC: dict[str, Any] = load_spec().document


def _reordered(node: Any) -> Any:
    """The same document with every mapping's keys, and set-like lists, in reverse order."""
    if isinstance(node, dict):
        out = {}
        for key in reversed(list(node)):
            value = _reordered(node[key])
            if key in ("required", "enum") and isinstance(value, list):
                value = list(reversed(value))
            out[key] = value
        return out
    if isinstance(node, list):
        return [_reordered(item) for item in node]
    return node


def _spec(document: dict[str, Any], label: str) -> Spec:
    return Spec(path=__import__("pathlib").Path(label), document=document, sha256=label)


def test_identical_specs_give_no_changes() -> None:
    assert diff_documents(SPEC, copy.deepcopy(SPEC)) == []


def test_reordered_but_equal_spec_gives_no_changes() -> None:
    reordered = _reordered(copy.deepcopy(SPEC))
    assert list(reordered) != list(SPEC)  # the edit really reorders
    assert diff_documents(SPEC, reordered) == []
    assert diff_documents(reordered, SPEC) == []


def test_description_only_change_gives_no_changes_and_a_patch_bump() -> None:
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["MessageV2"]["description"] = "Reworded."
    new["components"]["schemas"]["MessageV2"]["x-source"] = "public"
    assert diff_documents(SPEC, new) == []
    report = build_report(_spec(SPEC, "old"), _spec(new, "new"), generate=None, unavailable="x")
    assert report.bump.spec == "patch"
    assert report.bump.next_version == "1.0.1"


def test_change_reports_pointer_old_and_new_values() -> None:
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["MessageOptionsV2"]["properties"]["Reference"]["maxLength"] = 32
    [change] = diff_documents(SPEC, new)
    assert change.rule.id == "request-property-max-length-decreased"
    assert change.level is Level.ERR
    assert change.pointer == "#/components/schemas/MessageOptionsV2/properties/Reference/maxLength"
    assert (change.old, change.new) == (64, 32)
    assert change.operations == ("sendMessages",)
    assert ("MessageOptionsV2", "Reference") in change.targets


def test_removal_points_into_old() -> None:
    new = copy.deepcopy(SPEC)
    codes = new["x-contract"]["errorCodes"]
    index = next(i for i, c in enumerate(codes) if c["code"] == "InvalidExpiry")
    del codes[index]
    [change] = diff_documents(SPEC, new)
    assert change.pointer == f"#/x-contract/errorCodes/{index}"
    assert change.old == {"code": "InvalidExpiry", "status": 400}
    assert change.new is ABSENT


def test_schema_reached_twice_is_reported_once_with_every_operation() -> None:
    # ErrorResponse is reached from both operations and from application/json and text/json.
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["ContractError"]["properties"]["ErrorCode"]["enum"].append("X")
    [change] = diff_documents(SPEC, new)
    assert change.rule.id == "response-property-enum-value-added"
    assert change.level is Level.WARN
    assert change.operations == ("getToken", "sendMessages")


def test_component_used_by_request_and_response_is_classified_per_side() -> None:
    old = copy.deepcopy(SPEC)
    shared = {"type": "string", "maxLength": 10, "description": "Shared."}
    old["components"]["schemas"]["Shared"] = shared
    ref = {"$ref": "#/components/schemas/Shared"}
    old["components"]["schemas"]["MessageOptionsV2"]["properties"]["Tag"] = ref
    old["components"]["schemas"]["Identification"]["properties"]["Tag"] = ref
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Shared"]["maxLength"] = 5
    found = {(c.rule.id, c.level) for c in diff_documents(old, new)}
    assert found == {
        ("request-property-max-length-decreased", Level.ERR),
        ("response-property-max-length-decreased", Level.INFO),
    }


def test_recursive_schemas_terminate_and_report_their_change() -> None:
    old = copy.deepcopy(SPEC)
    old["components"]["schemas"]["Node"] = {
        "type": "object",
        "description": "A tree.",
        "properties": {
            "name": {"type": "string", "maxLength": 10},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
    node = {"$ref": "#/components/schemas/Node"}
    old["components"]["schemas"]["MessageOptionsV2"]["properties"]["Tree"] = node
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Node"]["properties"]["name"]["maxLength"] = 5
    [change] = diff_documents(old, new)
    assert change.pointer == "#/components/schemas/Node/properties/name/maxLength"


def test_null_in_one_of_is_nullability_not_a_branch() -> None:
    new = copy.deepcopy(SPEC)
    advanced = new["components"]["schemas"]["MessageIDs"]["properties"]["AdvancedMessageID"]
    [uuid] = [branch for branch in advanced.pop("oneOf") if branch.get("type") != "null"]
    advanced.update(type=uuid["type"], format=uuid["format"])
    found = {(c.rule.id, c.pointer) for c in diff_documents(SPEC, new)}
    assert found == {
        (
            "response-property-became-not-nullable",
            "#/components/schemas/MessageIDs/properties/AdvancedMessageID",
        )
    }


def test_type_change_of_a_property_through_ref() -> None:
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["CountString"]["type"] = "integer"
    del new["components"]["schemas"]["CountString"]["pattern"]
    found = {(c.rule.id, c.level) for c in diff_documents(SPEC, new)}
    assert found == {
        ("response-property-type-changed", Level.ERR),
        ("response-property-pattern-removed", Level.ERR),
    }


def test_dangling_ref_is_an_input_error_naming_the_pointer() -> None:
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["MessageV2"]["properties"]["Type"]["$ref"] = "#/nowhere"
    with pytest.raises(DiffInputError, match=r"MessageV2/properties/Type/\$ref: '#/nowhere'"):
        diff_documents(SPEC, new)


def test_ref_loop_is_an_input_error() -> None:
    old = copy.deepcopy(SPEC)
    old["components"]["schemas"]["MessageV2"]["properties"]["Loop"] = {"type": "string"}
    new = copy.deepcopy(old)
    new["components"]["schemas"]["A"] = {"$ref": "#/components/schemas/B"}
    new["components"]["schemas"]["B"] = {"$ref": "#/components/schemas/A"}
    new["components"]["schemas"]["MessageV2"]["properties"]["Loop"] = {
        "$ref": "#/components/schemas/A"
    }
    with pytest.raises(DiffInputError, match="loops back"):
        diff_documents(old, new)


def test_changes_are_sorted_worst_first() -> None:
    new = copy.deepcopy(SPEC)
    new["components"]["schemas"]["DeliveryChannel"]["enum"].append(4)  # INFO (request)
    new["x-contract"]["limits"]["maxBodyBytes"] = 1  # ERR
    new["x-contract"]["errorCodes"].append({"code": "New", "status": 400})  # WARN
    levels = [c.level for c in diff_documents(SPEC, new)]
    assert levels == sorted(levels, reverse=True)
    assert set(levels) == {Level.ERR, Level.WARN, Level.INFO}


@pytest.mark.parametrize(
    ("edit", "spec_bump", "version"),
    [
        (lambda d: d["x-contract"]["limits"].__setitem__("maxBodyBytes", 1), "major", "2.0.0"),
        (
            lambda d: d["x-contract"]["errorCodes"].append({"code": "N", "status": 400}),
            "minor",
            "1.1.0",
        ),
        (lambda d: d["paths"]["/Token"]["post"].__setitem__("x-note", 1), "minor", "1.1.0"),
        (lambda d: None, "none", "1.0.0"),
    ],
)
def test_spec_bump_follows_the_worst_level(edit: Any, spec_bump: str, version: str) -> None:
    new = copy.deepcopy(SPEC)
    edit(new)
    report = build_report(_spec(SPEC, "old"), _spec(new, "new"), generate=None, unavailable="off")
    assert (report.bump.spec, report.bump.next_version) == (spec_bump, version)
    assert report.bump.client == spec_bump  # without the generator, the client follows the spec
    assert "off" in report.bump.client_basis


@pytest.mark.parametrize(
    ("version", "bump", "expected"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "none", "1.2.3"),
        ("v1", "major", None),
    ],
)
def test_next_version(version: str, bump: str, expected: str | None) -> None:
    assert next_version(version, bump) == expected


def test_required_kept_by_another_all_of_conjunct_is_no_change() -> None:
    old = copy.deepcopy(SPEC)
    schemas = old["components"]["schemas"]
    # SendSuccessResponse = allOf [ResponseOfSMSTransactionV2, SuccessEnvelope]: both require
    # Error, so dropping it from one conjunct leaves the 200 body's requirement as it was.
    schemas["SuccessEnvelope"] = schemas["SendSuccessResponse"]
    schemas["SendSuccessResponse"] = {
        "description": "A 200 envelope.",
        "allOf": [
            {"$ref": "#/components/schemas/ResponseOfSMSTransactionV2"},
            {"$ref": "#/components/schemas/SuccessEnvelope"},
        ],
    }
    new = copy.deepcopy(old)
    new["components"]["schemas"]["SuccessEnvelope"]["required"].remove("Error")
    assert diff_documents(old, new) == []
    # Dropping it from both is still a change.
    new["components"]["schemas"]["ResponseOfSMSTransactionV2"]["required"].remove("Error")
    assert {c.rule.id for c in diff_documents(old, new)} == {"response-property-became-optional"}


def test_property_moved_between_all_of_conjuncts_is_no_change() -> None:
    old = copy.deepcopy(SPEC)
    schemas = old["components"]["schemas"]
    schemas["P"] = {"type": "object", "properties": {"a": {"type": "string"}}}
    schemas["Q"] = {"type": "object", "properties": {"b": {"type": "string"}}}
    schemas["MessageOptionsV2"]["properties"]["Probe"] = {
        "allOf": [{"$ref": "#/components/schemas/P"}, {"$ref": "#/components/schemas/Q"}]
    }
    new = copy.deepcopy(old)
    new["components"]["schemas"]["P"]["properties"]["b"] = {"type": "string"}
    del new["components"]["schemas"]["Q"]["properties"]["b"]
    assert diff_documents(old, new) == []
    # Removing it from the whole is still a change.
    del new["components"]["schemas"]["P"]["properties"]["b"]
    assert [c.rule.id for c in diff_documents(old, new)] == ["request-property-removed"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["components"]["schemas"]["MessageV2"]["then"]["properties"]["Options"][
                "required"
            ].append("Sender"),
            (
                "request-property-became-required",
                Level.ERR,
                "#/components/schemas/MessageV2/then/properties/Options/required",
            ),
        ),
        (
            lambda d: d["components"]["schemas"]["MessageV2"]["if"]["properties"]["Type"].update(
                const=0
            ),
            ("request-property-condition-changed", Level.WARN, "#/components/schemas/MessageV2/if"),
        ),
        (
            lambda d: d["components"]["schemas"]["ContactIdMap"]["propertyNames"].update(
                pattern="^[1-9][0-9]*$"
            ),
            (
                "request-property-pattern-changed",
                Level.WARN,
                "#/components/schemas/ContactIdMap/propertyNames/pattern",
            ),
        ),
        (
            lambda d: d["components"]["headers"]["AllowPost"]["schema"].update(pattern="^POST$"),
            (
                "response-header-pattern-changed",
                Level.WARN,
                "#/components/headers/AllowPost/schema/pattern",
            ),
        ),
        (
            lambda d: d["components"]["schemas"]["TokenResponse"]["properties"][
                "expires_in"
            ].update(maximum=30000),
            (
                "response-property-max-increased",
                Level.ERR,
                "#/components/schemas/TokenResponse/properties/expires_in/maximum",
            ),
        ),
        (
            lambda d: d["components"]["schemas"]["TokenResponse"]["properties"][
                "token_type"
            ].update(const="bearer"),
            (
                "response-property-const-added",
                Level.INFO,
                "#/components/schemas/TokenResponse/properties/token_type/const",
            ),
        ),
        (
            lambda d: d["components"]["schemas"]["SenderId"].update({"x-business-rule": "X"}),
            (
                "request-property-business-rule-changed",
                Level.WARN,
                "#/components/schemas/SenderId/x-business-rule",
            ),
        ),
    ],
)
def test_our_specs_constructs(edit: Any, expected: tuple[str, Level, str]) -> None:
    new = copy.deepcopy(SPEC)
    edit(new)
    assert [(c.rule.id, c.level, c.pointer) for c in diff_documents(SPEC, new)] == [expected]
