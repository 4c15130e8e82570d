"""It never breaks: no input gets a 5xx or corrupts the state; malformed HTTP is 400."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.testing import MockClient, public_request, raw_asgi_request
from mockserver.validation import RequestValidator
from twosms_contract.spec import load_spec

SPEC = load_spec()
CLIENT = MockClient()  # one app for the fuzzers: its state must survive all of them
SEND = "/api/v2/sms/messages"
OK_STATUSES = {200, 400, 402}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)

FIELDS = ["Contacts", "Content", "Options", "Template", "Type", "QuickRecipients", "Sender"]


@st.composite
def mutated_requests(draw: st.DrawFn) -> Any:
    """A valid request with some fields replaced by anything, at any depth."""
    body: dict[str, Any] = public_request(
        Contacts={"QuickRecipients": {"+447700900001": 2}, "ContactID": {"1003": 3}},
        Options={"Sender": "Clinic", "Reference": "r"},
        Template={
            "ID": "86dc152b-ccbb-4be8-b283-fdd250329113",
            "PlaceHolders": {"1": "a", "3": "b"},
        },
    )
    for _ in range(draw(st.integers(1, 3))):
        target = body
        for key in draw(st.lists(st.sampled_from(["Contacts", "Options", "Template"]), max_size=1)):
            target = target[key] if isinstance(target.get(key), dict) else target
        target[draw(st.sampled_from([*FIELDS, *list(target)]))] = draw(json_values)
    return body


def _check_answer(status: int | None, headers: dict[str, str], body: bytes, before: int) -> None:
    state = CLIENT.state
    assert status in OK_STATUSES, (status, body[:300])
    payload = json.loads(body)
    if status == 200:
        detail = payload["ResponseData"]["Detail"]
        assert payload["Error"] is None
        assert int(detail["PreTransaction"]) - int(detail["PostTransaction"]) == int(
            detail["CreditsUsed"]
        )
        SPEC.schema_validator("SendSuccessResponse").validate(payload)
    else:
        assert payload["ResponseData"] is None
        assert payload["Error"]["ErrorCode"]
        assert payload["Error"]["ErrorReason"]
        SPEC.schema_validator("ErrorResponse").validate(payload)
        assert state.ledger.balance == before


def _post(content: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
    before = CLIENT.state.ledger.balance
    status, headers, body = raw_asgi_request(
        CLIENT.app,
        "POST",
        SEND,
        headers={"Authorization": f"Bearer {CLIENT.token}", "Content-Type": content_type},
        chunks=[content],
    )
    _check_answer(status, headers, body, before)
    assert status is not None
    return status, body


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_never_5xx(value: Any) -> None:
    _post(json.dumps(value).encode())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_requests())
def test_mutated_requests_never_5xx_and_keep_the_ledger(body: Any) -> None:
    _post(json.dumps(body).encode())


@given(
    st.binary(max_size=200),
    st.sampled_from(
        [
            "application/json",
            "text/json; charset=utf-16",
            "application/x+json; charset=utf-32",
            "application/json; charset=us-ascii",
        ]
    ),
)
def test_any_bytes_never_5xx(content: bytes, content_type: str) -> None:
    _post(content, content_type)


@given(st.text(max_size=200))
def test_any_text_never_5xx(text: str) -> None:
    _post(text.encode("utf-8", "surrogatepass"))


@given(st.lists(st.sampled_from(list('{}[]",:0123456789.eE+-truefalsnul \\'))).map("".join))
def test_json_like_noise_never_5xx(text: str) -> None:
    _post(text.encode())


@given(st.text(min_size=0, max_size=400))
def test_any_content_text_is_accepted_and_charged(text: str) -> None:
    """Property `charge_equals_parts`: any Content is sent and costs its parts."""
    if not text:
        return
    before = CLIENT.state.ledger.balance
    status, body = _post(json.dumps(public_request(Content=text)).encode())
    assert status == 200
    detail = json.loads(body)["ResponseData"]["Detail"]
    assert detail["MessageText"] == text
    assert CLIENT.state.ledger.balance == before - int(detail["CreditsUsed"])
    assert int(detail["CreditsUsed"]) == CLIENT.state.parts.count(text).parts


# -- validators ------------------------------------------------------------------------------

VALIDATOR = RequestValidator(SPEC)
REFERENCE = SPEC.schema_validator("MessageV2")


# Values where two validators could draw the line differently: date-time and uuid formats,
# regular expressions (`$` before a final newline, Unicode classes), integral floats, huge
# integers. (hypothesis-jsonschema 0.23 cannot generate objects with this Hypothesis.)
_TRICKY_STRINGS = st.sampled_from(
    [
        "2030-01-07T09:00:00.0000000+00:00",
        "2030-01-07t09:00:00z",
        "2030-01-07T23:59:60Z",
        "0000-01-01T00:00:00Z",
        "2030-02-30T00:00:00Z",
        "2030-01-07T09:00:00Z\n",
        "2030-01-07T09:00:00+24:00",
        "2030-01-07 09:00:00Z",
        "2030-01-07T09:00:00",
        "86dc152b-ccbb-4be8-b283-fdd250329113",
        "86DC152B-CCBB-4BE8-B283-FDD250329113",
        "86dc152bccbb4be8b283fdd250329113",
        "86dc152b-ccbb-4be8-b283-fdd250329113\n",
        "{86dc152b-ccbb-4be8-b283-fdd250329113}",
        "a@b",
        "a@b\n",
        "a\x1c@b",
        "a\u00a0@b",
        "a b@c",
        "+447700900001",
        "+447700900001\n",
        "+٤٤٧٧٠٠٩٠٠٠٠١",
        "1001",
        "١٠٠١",
        "",
        "Clinic",
        "Clinic\n",
        "TwelveLetter",
        "+123456789012345",
        "Ünïcode",
    ]
) | st.text(max_size=12)
_TRICKY_VALUES: st.SearchStrategy[Any] = _TRICKY_STRINGS | st.sampled_from(
    [0, 1, 2, 3, 7, -1, 1.0, 2.0, 65535, 65536, 65535.0, 1e300, 2**64, True, None, [], {}]
)
_TRICKY_KEYS = _TRICKY_STRINGS


@st.composite
def tricky_requests(draw: st.DrawFn) -> Any:
    """Requests of the schema's shape whose leaves and map keys are drawn from edge values."""
    value = _TRICKY_VALUES

    def some_map() -> dict[str, Any]:
        return draw(st.dictionaries(_TRICKY_KEYS, value, max_size=3))

    options = {
        name: draw(value)
        for name in draw(
            st.sets(
                st.sampled_from(
                    [
                        "DateToSend",
                        "ExpiryDate",
                        "SrcPort",
                        "DstPort",
                        "Reads",
                        "ResponseLimit",
                        "ResponseAlert",
                        "Sender",
                        "Reference",
                        "DeliveryReceipt",
                    ]
                )
            )
        )
    }
    if draw(st.booleans()):
        options["EmailOptions"] = {"FromAddress": draw(value), "ReplyTo": draw(value)}
    if draw(st.booleans()):
        options["RecurringOptions"] = {
            "RecDateToSend": draw(value),
            "Range": draw(value),
            "PatternScheduleDays": draw(st.sampled_from([0, 127, 128, -1, 2.0])),
        }
    body: dict[str, Any] = {
        "Contacts": {"QuickRecipients": some_map(), "ContactID": some_map(), "GroupID": some_map()},
        "Options": options,
        "Type": draw(st.sampled_from([0, 1, 2, 1.0, 3])),
    }
    if draw(st.booleans()):
        body["Content"] = draw(value)
    if draw(st.booleans()):
        body["Template"] = {"ID": draw(value), "PlaceHolders": some_map()}
    return body


def _without_rule_fields(instance: Any) -> Any:
    """The instance with what the business rules judge taken out: string `Sender` and
    `Reference`, and a missing `RecurringOptions` of a Type 2 put in."""
    if not isinstance(instance, dict) or not isinstance(instance.get("Options"), dict):
        return instance
    options = {
        k: v
        for k, v in instance["Options"].items()
        if not (k in ("Sender", "Reference") and isinstance(v, str))
    }
    if instance.get("Type") == 2 and "RecurringOptions" not in options:
        options["RecurringOptions"] = {}
    return {**instance, "Options": options}


def test_rule_fields_stripper_is_not_vacuous() -> None:
    body = public_request(Type=2, Options={"Sender": "", "Reference": "r" * 99})
    assert not VALIDATOR.fast_valid(body)
    assert VALIDATOR.fast_valid(_without_rule_fields(body))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(tricky_requests() | mutated_requests() | json_values)
def test_validation_error_equivalent_to_schema_outside_the_rules(instance: Any) -> None:
    """Property `validation_error_equivalent`: a request has ValidationError violations
    exactly when the schema refuses it with the business rules' fields taken out, and
    each violation names a JSON path."""
    violations = VALIDATOR.violations(instance)
    assert bool(violations) == (not VALIDATOR.fast_valid(_without_rule_fields(instance)))
    assert all(v.render().startswith("$") for v in violations)


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("a@b", True),
        ("a@b\n", False),  # a final newline: `$` alone would let Python's re take it
        ("a b@c", False),
        ("a\x1c@b", False),  # a control character (Python's `\s`, not ECMA-262's)
    ],
)
def test_address_patterns_read_alike_in_both_dialects(address: str, valid: bool) -> None:
    body = public_request(Options={"EmailOptions": {"FromAddress": address}})
    assert (VALIDATOR.violations(body) == []) is valid


# -- malformed HTTP --------------------------------------------------------------------------


def _raw(headers: dict[str, str], chunks: list[bytes], disconnect: bool = False) -> Any:
    return raw_asgi_request(
        CLIENT.app,
        "POST",
        SEND,
        headers={"Authorization": f"Bearer {CLIENT.token}", **headers},
        chunks=chunks,
        disconnect=disconnect,
    )


BODY = json.dumps(public_request()).encode()


@pytest.mark.parametrize(
    ("length", "chunks", "reason"),
    [
        ("abc", [BODY], 'Content-Length: "abc" is not a number'),
        ("-1", [BODY], 'Content-Length: "-1" is not a number'),
        ("1.5", [BODY], "is not a number"),
        ("", [BODY], 'Content-Length: "" is not a number'),
        ("0x10", [BODY], "is not a number"),
        (str(len(BODY) + 5), [BODY], f"{len(BODY) + 5} declared, {len(BODY)} bytes sent"),
        (str(len(BODY) - 5), [BODY], f"{len(BODY) - 5} declared, {len(BODY)} bytes sent"),
    ],
)
def test_bad_content_length_is_bad_request(length: str, chunks: list[bytes], reason: str) -> None:
    before = CLIENT.state.ledger.balance
    status, _, body = _raw({"Content-Type": "application/json", "Content-Length": length}, chunks)
    assert status == 400
    error = json.loads(body)["Error"]
    assert error["ErrorCode"] == "BadRequest"
    assert reason in error["ErrorReason"]
    assert CLIENT.state.ledger.balance == before


def test_two_content_lengths_that_disagree_are_bad_request() -> None:
    status, _, body = raw_asgi_request(
        CLIENT.app,
        "POST",
        SEND,
        headers=[
            ("Content-Type", "application/json"),
            ("Content-Length", "2"),
            ("Content-Length", "3"),
        ],
        chunks=[b"{}"],
    )
    assert status == 400
    assert json.loads(body)["Error"]["ErrorCode"] == "BadRequest"


def test_chunked_body_without_length_is_read_whole() -> None:
    chunks = [BODY[i : i + 7] for i in range(0, len(BODY), 7)]
    status, _, body = _raw({"Content-Type": "application/json"}, chunks)
    assert status == 200, body


def test_chunked_body_over_the_cap_is_413_without_buffering_it_all() -> None:
    chunk = b" " * 65536
    status, _, body = _raw({"Content-Type": "application/json"}, [chunk] * 40)
    assert status == 413
    assert json.loads(body)["Error"] == {
        "ErrorCode": "PayloadTooLarge",
        "ErrorReason": "body: more than 1048576 bytes, at most 1048576",
    }


def test_exactly_the_cap_is_read() -> None:
    padded = BODY[:-1] + b" " * (1_048_576 - len(BODY)) + b"}"
    status, _, body = _raw({"Content-Type": "application/json"}, [padded])
    assert status == 200, body[:200]


def test_client_disconnect_mid_body_answers_nothing_and_sends_nothing() -> None:
    before = CLIENT.state.ledger.balance
    count = len(CLIENT.state.sandbox.messages())
    status, _, body = _raw({"Content-Type": "application/json"}, [BODY[:10]], disconnect=True)
    assert (status, body) == (None, b"")
    assert CLIENT.state.ledger.balance == before
    assert len(CLIENT.state.sandbox.messages()) == count


def test_websocket_and_lifespan_scopes_do_not_break_the_app() -> None:
    import asyncio

    async def run() -> list[Any]:
        sent: list[Any] = []
        messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> Any:
            return messages.pop(0)

        async def send(message: Any) -> None:
            sent.append(message["type"])

        await CLIENT.app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        return sent

    assert asyncio.run(run()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_state_intact_after_the_fuzzers() -> None:
    """The shared app still answers the public example exactly as it should."""
    before = CLIENT.state.ledger.balance
    response = CLIENT.send(public_request())
    assert response.status_code == 200
    detail = response.json()["ResponseData"]["Detail"]
    assert detail["PreTransaction"] == str(before)
    assert CLIENT.state.ledger.balance == before - 1
