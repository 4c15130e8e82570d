"""The spec is faithful to the help page and docs/contract.md, and its examples are real."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.repo import SPEC_DIR
from twosms_contract.spec import Spec, load_spec

SPEC = load_spec()
EXAMPLES = SPEC_DIR / "examples"

# The help page's table of MessageV2: name -> (type or component, Required).
HELP_PAGE_FIELDS = {
    "Contacts": ("ContactsIncQuick", True),
    "Content": ("string", False),
    "Options": ("MessageOptionsV2", True),
    "Template": ("TemplateInfo", False),
    "Type": ("MessageRequestType", True),
}
PUBLIC_EXAMPLE = {
    "Contacts": {"QuickRecipients": {"+12345678901": 2}},
    "Content": "Standard Send Test",
    "Options": {},
    "Type": 1,
}


def _without_patterns(node: Any) -> Any:
    """The document with key and string patterns set aside (docs/contract.md, "Request
    fields": the rule for samples)."""
    if isinstance(node, dict):
        return {
            key: _without_patterns(value)
            for key, value in node.items()
            if key not in ("pattern", "propertyNames")
        }
    if isinstance(node, list):
        return [_without_patterns(item) for item in node]
    return node


def _relaxed_validator(spec: Spec, name: str) -> Draft202012Validator:
    document = _without_patterns(copy.deepcopy(spec.document))
    registry: Registry[Any] = Registry().with_resource(
        "urn:relaxed", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:relaxed#/components/schemas/{name}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _errors(validator: Any, instance: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.mark.parametrize(
    ("sample", "schema"),
    [("seed-request.json", "MessageV2"), ("seed-response.json", "ResponseOfSMSTransactionV2")],
)
def test_seed_samples_match_schema_with_patterns_set_aside(sample: str, schema: str) -> None:
    instance = json.loads((EXAMPLES / sample).read_text())
    assert _errors(_relaxed_validator(SPEC, schema), instance) == []


def test_seed_request_sample_is_refused_by_the_key_patterns() -> None:
    # docs/contract.md ("Request fields"): a server refuses the request sample's placeholder keys.
    instance = json.loads((EXAMPLES / "seed-request.json").read_text())
    errors = _errors(SPEC.schema_validator("MessageV2"), instance)
    assert any("sample string 1" in e for e in errors), errors


def test_seed_samples_are_verbatim_from_the_help_page() -> None:
    seed = SPEC_DIR.parent.parent / "shared" / "seed" / "000_3fdec26f24811503.txt"
    if not seed.exists():
        pytest.skip(f"the help page is not beside this checkout ({seed})")
    text = seed.read_text()
    for sample in ("seed-request.json", "seed-response.json"):
        body = (EXAMPLES / sample).read_text().strip()
        assert body in text, sample


def test_public_example_request_is_valid() -> None:
    assert _errors(SPEC.schema_validator("MessageV2"), PUBLIC_EXAMPLE) == []


def test_public_example_is_one_of_the_spec_examples() -> None:
    examples = SPEC.document["components"]["examples"]
    assert any(e["value"] == PUBLIC_EXAMPLE for e in examples.values())


def _media_examples() -> list[tuple[str, str, Any]]:
    found = []
    for path, item in SPEC.document["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(status, r) for status, r in operation.get("responses", {}).items()]
            for where, body in bodies:
                for media, obj in SPEC.deref(body).get("content", {}).items():
                    if "schema" not in obj:
                        continue  # a body the spec does not constrain
                    schema = obj["schema"]["$ref"]
                    for name, example in obj.get("examples", {}).items():
                        value = SPEC.deref(example)["value"]
                        found.append((f"{method} {path} {where} {media} {name}", schema, value))
    return found


@pytest.mark.parametrize(
    ("where", "schema", "value"), _media_examples(), ids=[w for w, _, _ in _media_examples()]
)
def test_every_spec_example_validates(where: str, schema: str, value: Any) -> None:
    assert _errors(SPEC.validator(schema), value) == [], where


def test_help_page_fields_with_types_and_required_marks() -> None:
    message = SPEC.document["components"]["schemas"]["MessageV2"]
    assert set(message["properties"]) == set(HELP_PAGE_FIELDS)
    assert set(message["required"]) == {n for n, (_, req) in HELP_PAGE_FIELDS.items() if req}
    for name, (kind, _required) in HELP_PAGE_FIELDS.items():
        prop = message["properties"][name]
        actual = prop.get("type") or prop["$ref"].rsplit("/", 1)[-1]
        assert actual == kind, name


def test_seed_sample_fields_are_all_in_the_spec() -> None:
    """Every key of the help page's request sample is a property at the same place."""
    sample = json.loads((EXAMPLES / "seed-request.json").read_text())
    maps = {"ContactID", "GroupID", "QuickRecipients", "PlaceHolders"}

    def walk(instance: dict[str, Any], schema: dict[str, Any], where: str) -> None:
        schema = SPEC.deref(schema)
        for key, value in instance.items():
            assert key in schema.get("properties", {}), f"{where}.{key} is not in the spec"
            if isinstance(value, dict) and key not in maps:
                walk(value, schema["properties"][key], f"{where}.{key}")

    walk(sample, {"$ref": "#/components/schemas/MessageV2"}, "$")


def test_nested_types_have_nothing_required_but_the_help_pages_marks() -> None:
    schemas = SPEC.document["components"]["schemas"]
    for name in (
        "ContactsIncQuick",
        "MessageOptionsV2",
        "TemplateInfo",
        "RecurringOptions",
        "RepeatOptions",
        "EmailOptions",
    ):
        assert "required" not in schemas[name], name


@pytest.mark.parametrize(
    ("patch", "valid"),
    [
        ({"Type": 2}, False),
        ({"Type": 2, "Options": {"RecurringOptions": {}}}, True),
        ({"Options": {"SrcPort": 65536}}, False),
        ({"Options": {"Sender": "ABCDEFGHIJK"}}, True),
        ({"Options": {"Sender": "ABCDEFGHIJKL"}}, False),
        ({"Options": {"Sender": "+123456789012345"}}, True),
        ({"Options": {"Sender": "1234567890123456"}}, False),
        ({"Options": {"Reference": "r" * 64}}, True),
        ({"Options": {"Reference": "r" * 65}}, False),
        ({"Options": {"DateToSend": "2025-10-26T11:42:31.4461082+00:00"}}, True),
        ({"Options": {"RecurringOptions": {"PatternScheduleDays": 128}}}, False),
        ({"Contacts": {"QuickRecipients": {"+1234567": 2}}}, False),
        ({"Contacts": {"QuickRecipients": {"ann@example.com": 0}}}, True),
        ({"Contacts": {"GroupID": {"0B7C7B1E-4F5E-4C1A-9D2E-1F6A2B3C4D5E": 0}}}, True),
        ({"Content": None}, False),
    ],
)
def test_schema_says_what_the_contract_says(patch: dict[str, Any], valid: bool) -> None:
    instance = {**PUBLIC_EXAMPLE, **patch}
    assert (_errors(SPEC.schema_validator("MessageV2"), instance) == []) is valid


def test_every_statement_is_marked_with_its_source() -> None:
    for name, schema in SPEC.document["components"]["schemas"].items():
        assert schema.get("x-source") in ("seed", "public", "decided"), name
    for check in SPEC.contract["checks"]:
        assert check["source"] in ("seed", "public", "decided"), check["id"]


# `x-narrows: {$ref: ...}` on a schema says that it accepts a subset of what the referenced
# schema accepts (the 200 and error envelopes narrow the help page's envelope).
NARROWING = {
    name: schema["x-narrows"]["$ref"].rsplit("/", 1)[-1]
    for name, schema in SPEC.document["components"]["schemas"].items()
    if "x-narrows" in schema
}
_ENVELOPE_KEYS = ("Error", "ResponseData")


def _envelope_examples() -> list[dict[str, Any]]:
    values = [example.get("value") for example in SPEC.document["components"]["examples"].values()]
    found = [v for v in values if isinstance(v, dict) and set(_ENVELOPE_KEYS) <= set(v)]
    return [*found, json.loads((EXAMPLES / "seed-response.json").read_text())]


def _field_values() -> dict[str, list[Any]]:
    """What each envelope field holds in any example, with null, absence-like and wrong
    types, and the examples' inner objects with one key dropped or nulled."""
    pool: dict[str, list[Any]] = {key: [None, {}, "x", 0, []] for key in _ENVELOPE_KEYS}
    for example in _envelope_examples():
        for key in _ENVELOPE_KEYS:
            value = example[key]
            pool[key].append(value)
            for inner in value or {}:
                pool[key].append({k: v for k, v in value.items() if k != inner})
                pool[key].append({**value, inner: None})
    return pool


def test_the_narrowing_schemas_are_the_envelopes() -> None:
    assert NARROWING == {
        "SendSuccessResponse": "ResponseOfSMSTransactionV2",
        "ErrorResponse": "ResponseOfSMSTransactionV2",
    }


@pytest.mark.parametrize("narrow", sorted(NARROWING))
def test_a_narrowing_schema_accepts_some_example(narrow: str) -> None:
    # Without an accepted instance the property below could not fail.
    validator = SPEC.schema_validator(narrow)
    assert any(validator.is_valid(example) for example in _envelope_examples()), narrow


@pytest.mark.parametrize("narrow", sorted(NARROWING))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_instance_of_a_narrowing_schema_is_one_of_what_it_narrows(
    narrow: str, data: st.DataObject
) -> None:
    # Property: narrow(x) implies wide(x), for envelopes assembled from the examples' fields
    # (each field present or absent, an extra key or not).
    pool = _field_values()
    instance: dict[str, Any] = {}
    for key in _ENVELOPE_KEYS:
        if data.draw(st.booleans() | st.just(True), label=f"{key} present"):
            instance[key] = data.draw(st.sampled_from(pool[key]), label=key)
    if data.draw(st.booleans(), label="extra key"):
        instance["Extra"] = 1
    narrow_validator = SPEC.schema_validator(narrow)
    wide = NARROWING[narrow]
    if narrow_validator.is_valid(instance):
        errors = _errors(SPEC.schema_validator(wide), instance)
        assert errors == [], f"#/components/schemas/{narrow} accepts what {wide} refuses"
