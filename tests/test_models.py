"""The generated models on the cases where pydantic's defaults and the spec part ways."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pydantic
import pytest
import twosms_client
from pydantic import MISSING
from twosms_client import models

from twosms_contract.spec import load_spec

SPEC = load_spec()
PUBLIC = {
    "Contacts": {"QuickRecipients": {"+12345678901": 2}},
    "Content": "Standard Send Test",
    "Options": {},
    "Type": 1,
}


def _agree(name: str, payload: Any) -> bool:
    """The model's verdict, asserted equal to the spec validator's."""
    expected = SPEC.schema_validator(name).is_valid(payload)
    try:
        getattr(models, name).model_validate(payload)
        accepted = True
    except pydantic.ValidationError:
        accepted = False
    assert accepted == expected, payload
    return accepted


def _with(path: tuple[str, ...], value: Any, base: dict[str, Any] | None = None) -> Any:
    payload = json.loads(json.dumps(base or PUBLIC))
    node = payload
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value
    return payload


def test_the_public_request_roundtrips() -> None:
    message = models.MessageV2.model_validate(PUBLIC)
    assert message.type is models.MessageRequestType.Standard
    assert message.to_wire() == PUBLIC


def test_enum_members_are_named_from_x_enum_varnames() -> None:
    assert [m.name for m in models.MessageRequestType] == ["Advanced", "Standard", "Recurring"]
    assert models.DeliveryChannel.EmailAndSms.value == 3
    assert models.RecurrenceRange.EndByDate.value == 2
    assert models.ResponseAlertType.NoAlert.value == 0


@pytest.mark.parametrize(
    "path",
    [
        ("Content",),
        ("Template",),
        ("Contacts", "QuickRecipients"),
        ("Options", "Sender"),
        ("Options", "DateToSend"),
        ("Options", "SrcPort"),
        ("Options", "RecurringOptions"),
        ("Options", "Repeat", "Frequency"),
        ("Options", "EmailOptions", "FromAddress"),
    ],
)
def test_null_is_not_absent_in_a_request(path: tuple[str, ...]) -> None:
    assert not _agree("MessageV2", _with(path, None))


def test_absent_optional_fields_are_never_sent() -> None:
    options = models.MessageOptionsV2(reference="r-1")
    assert options.sender is MISSING
    message = models.MessageV2(
        contacts=models.ContactsIncQuick(quick_recipients={"+12345678901": 2}),
        options=options,
        type=models.MessageRequestType.Standard,
    )
    assert message.to_wire() == {
        "Contacts": {"QuickRecipients": {"+12345678901": 2}},
        "Options": {"Reference": "r-1"},
        "Type": 1,
    }


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-10-26T11:42:31.4461082+00:00", True),  # the help page's seven digits
        ("2030-01-07T09:00:00Z", True),
        ("2030-01-07t09:00:00z", True),
        ("2024-02-29T00:00:00+01:00", True),
        ("2023-02-29T00:00:00+01:00", False),
        ("2030-01-07T09:00:00", False),  # no offset
        ("2030-01-07", False),
        ("0000-01-01T00:00:00Z", False),
    ],
)
def test_date_times_are_checked_as_the_spec_checks_them(value: str, valid: bool) -> None:
    payload = _with(("Options", "DateToSend"), value)
    assert _agree("MessageV2", payload) is valid
    if valid:
        assert models.MessageV2.model_validate(payload).to_wire() == payload


def test_parse_date_time_keeps_microseconds_of_seven_digits() -> None:
    moment = twosms_client.parse_date_time("2025-10-26T11:42:31.4461082+00:00")
    assert (moment.microsecond, moment.utcoffset()) == (446108, timedelta(0))
    assert moment.isoformat() == "2025-10-26T11:42:31.446108+00:00"
    with pytest.raises(ValueError, match="not an RFC 3339 date-time"):
        twosms_client.parse_date_time("yesterday")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (1.0, True),  # JSON Schema: an integer
        (True, False),
        ("1", False),
        (1.5, False),
        (7, False),
    ],
)
def test_integers_and_integer_enums_are_json_integers(value: Any, valid: bool) -> None:
    assert _agree("MessageV2", _with(("Type",), value)) is valid
    assert _agree("MessageV2", _with(("Contacts", "QuickRecipients", "+12345678901"), value)) is (
        valid
    )
    port = value if value != 7 else 70000
    assert _agree("MessageV2", _with(("Options", "SrcPort"), port)) is valid


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("+447700900123", True),
        ("ann@example.com", True),
        ("447700900123", False),
        ("+447700900123\n", False),  # the spec's `(?!\n)$`: no final newline in any reading
        ("a\x1f@b", False),  # U+001F is `\s` to Python's `re`
        ("a b@c", False),
    ],
)
def test_map_keys_follow_propertynames_as_the_validator_reads_them(key: str, valid: bool) -> None:
    assert _agree("MessageV2", _with(("Contacts", "QuickRecipients"), {key: 2})) is valid


@pytest.mark.parametrize(
    ("sender", "valid"),
    [("Clinic", True), ("12345", True), ("+447700900123", True), ("TwelveLetter", False)],
)
def test_the_sender_pattern(sender: str, valid: bool) -> None:
    assert _agree("MessageV2", _with(("Options", "Sender"), sender)) is valid


def test_type_2_needs_recurring_options() -> None:
    recurring = _with(("Type",), 2)
    assert not _agree("MessageV2", recurring)
    with pytest.raises(pydantic.ValidationError, match=r"\$\.Options\.RecurringOptions"):
        models.MessageV2.model_validate(recurring)
    assert _agree("MessageV2", _with(("Options", "RecurringOptions"), {}, recurring))


def test_unknown_properties_are_ignored_and_kept() -> None:
    payload = {**PUBLIC, "Unknown": None, "content": None}
    assert _agree("MessageV2", payload)
    message = models.MessageV2.model_validate(payload)
    assert message.content == "Standard Send Test"
    assert message.to_wire() == payload


def test_uuids_are_checked_and_kept_as_written() -> None:
    template = {"ID": "86DC152B-CCBB-4BE8-B283-FDD250329113"}
    payload = _with(("Template",), template)
    assert _agree("MessageV2", payload)
    assert models.MessageV2.model_validate(payload).to_wire() == payload
    assert not _agree("MessageV2", _with(("Template",), {"ID": "86dc152bccbb4be8b283fdd250329113"}))


def test_envelopes_are_intersections_of_their_all_of() -> None:
    examples = SPEC.document["components"]["examples"]
    ok = examples["PublicStandardResponse"]["value"]
    error = examples["InvalidJsonError"]["value"]
    assert _agree("SendSuccessResponse", ok)
    assert _agree("ErrorResponse", error)
    assert not _agree("SendSuccessResponse", error)
    assert not _agree("ErrorResponse", ok)
    assert not _agree("ErrorResponse", {**error, "Error": {**error["Error"], "ErrorCode": "Nope"}})
    parsed = models.ErrorResponse.model_validate(error)
    assert parsed.error.error_code is models.ContractErrorErrorCode.InvalidJson


def test_examples_of_the_spec_validate_and_roundtrip() -> None:
    operation = SPEC.document["paths"]["/api/v2/sms/messages"]["post"]
    for ref in operation["requestBody"]["content"]["application/json"]["examples"].values():
        value = SPEC.deref(ref)["value"]
        assert models.MessageV2.model_validate(value).to_wire() == value


def test_the_package_exports_are_complete_and_sorted() -> None:
    public = {
        name
        for name in vars(twosms_client)
        if not name.startswith("_") and name not in {"annotations"}
    }
    public -= {"client", "errors"}  # submodules imported as a side effect
    assert set(twosms_client.__all__) == public
    assert list(twosms_client.__all__) == sorted(twosms_client.__all__, key=_isort_key)


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name
