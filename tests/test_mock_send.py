"""Accepted sends: the spec's examples, recipients, the ledger, IDs, and the fine points of
media types, charsets, JSON and paths."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from mockserver.testing import MockClient, public_request
from twosms_contract.spec import load_spec

SPEC = load_spec()
EXAMPLES = SPEC.document["components"]["examples"]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SERIES = ["PublicStandard", "Template", "Recurring", "Advanced"]


def detail(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = response.json()["ResponseData"]["Detail"]
    return data


def test_spec_examples_answered_as_the_spec_says() -> None:
    """The four request examples, sent in the spec's order on a fresh demo account, get
    the spec's response examples (an advanced message's UUID is random)."""
    client = MockClient()
    for name in SERIES:
        response = client.send(EXAMPLES[f"{name}Request"]["value"])
        assert response.status_code == 200, response.text
        got = response.json()
        expected = json.loads(json.dumps(EXAMPLES[f"{name}Response"]["value"]))
        advanced = got["ResponseData"]["Detail"]["IDs"]["AdvancedMessageID"]
        if expected["ResponseData"]["Detail"]["IDs"]["AdvancedMessageID"] is not None:
            assert UUID.match(advanced), advanced
            expected["ResponseData"]["Detail"]["IDs"]["AdvancedMessageID"] = advanced
        assert got == expected, name


def test_spec_success_examples_validate_against_their_schema() -> None:
    client = MockClient()
    validator = SPEC.schema_validator("SendSuccessResponse")
    for name in SERIES:
        validator.validate(client.send(EXAMPLES[f"{name}Request"]["value"]).json())


def test_text_json_request_example_and_negotiation() -> None:
    client = MockClient()
    body = json.dumps(EXAMPLES["PublicStandardRequest"]["value"]).encode()
    response = client.send(
        content=body, headers={"Content-Type": "text/json", "Accept": "text/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/json"
    error = client.send(public_request(Contacts={}), headers={"Accept": "text/json"})
    assert error.headers["content-type"] == "text/json"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/xml", "application/json"),
        ("text/json", "text/json"),
        ("text/json;q=0.5, application/json", "application/json"),
        ("application/json;q=0.2, text/json", "text/json"),
        ("text/json;q=0", "application/json"),
    ],
)
def test_accept(accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = MockClient().send(public_request(), headers=headers)
    assert response.headers["content-type"] == media_type


def test_token_example_answered_as_the_spec_says() -> None:
    client = MockClient()
    example = SPEC.document["paths"]["/Token"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"
    ]["examples"]["demo"]["value"]
    response = client.http.post("/Token", data=example)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    SPEC.schema_validator("TokenResponse").validate(body)


# -- recipients -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contacts", "sms", "emails", "contacts_reached"),
    [
        ({"QuickRecipients": {"+447700900001": 0}}, 1, 0, 0),
        ({"QuickRecipients": {"ann@example.com": 0}}, 0, 1, 0),
        ({"QuickRecipients": {"ann@example.com": 1, "ANN@example.COM": 1}}, 0, 1, 0),
        ({"QuickRecipients": {"+447700900001": 2}, "ContactID": {"1001": 0}}, 1, 0, 1),
        ({"QuickRecipients": {"ann@example.com": 1}, "ContactID": {"1002": 0}}, 0, 1, 1),
        ({"ContactID": {"1003": 3}}, 1, 1, 1),
        ({"ContactID": {"1003": 1}}, 0, 1, 1),
        ({"GroupID": {"0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e": 0}}, 2, 0, 2),
        ({"GroupID": {"0B7C7B1E-4F5E-4C1A-9D2E-1F6A2B3C4D5E": 1}}, 0, 1, 1),  # 1001 skipped
        ({"GroupID": {"5d9e2f10-6a7b-4c8d-9e0f-a1b2c3d4e5f6": 0}}, 1, 1, 2),
        ({"GroupID": {"5d9e2f10-6a7b-4c8d-9e0f-a1b2c3d4e5f6": 2}}, 1, 0, 1),  # 1002 skipped
        (
            {
                "ContactID": {"1001": 2, "1004": 0},
                "GroupID": {
                    "0b7c7b1e-4f5e-4c1a-9d2e-1f6a2b3c4d5e": 0,
                    "5d9e2f10-6a7b-4c8d-9e0f-a1b2c3d4e5f6": 0,
                },
            },
            3,
            1,
            4,
        ),
    ],
)
def test_recipient_resolution(
    contacts: dict[str, Any], sms: int, emails: int, contacts_reached: int
) -> None:
    client = MockClient()
    response = client.send(public_request(Contacts=contacts, Content="a" * 161))  # 2 parts
    assert response.status_code == 200, response.text
    d = detail(response)
    assert d["NoOfSMS"] == str(2 * sms)
    assert d["CreditsUsed"] == str(2 * sms)
    assert d["NoOfEmails"] == str(emails)
    assert d["NoOfContacts"] == str(contacts_reached)
    assert d["NoOfQuickRecipients"] == str(len(contacts.get("QuickRecipients", {})))
    ids = d["IDs"]["StandardMessageIDs"]
    assert len(ids) == sms
    assert all(len(v) == 2 for v in ids.values())


@pytest.mark.parametrize(
    ("contacts", "reason"),
    [
        (
            {"QuickRecipients": {"+447700900001": 1}},
            "channel 1 (e-mail) cannot reach a phone number",
        ),
        (
            {"QuickRecipients": {"+447700900001": 3}},
            "channel 3 (e-mail and SMS) cannot reach a phone number",
        ),
        (
            {"QuickRecipients": {"ann@example.com": 2}},
            "channel 2 (SMS) cannot reach an e-mail address",
        ),
        ({"QuickRecipients": {"ann@example.com": 3}}, "cannot reach an e-mail address"),
        ({"ContactID": {"1002": 2}}, "cannot reach contact 1002, who has e-mail"),
        ({"ContactID": {"1001": 1}}, "cannot reach contact 1001, who has phone"),
        ({"ContactID": {"1001": 3}}, "cannot reach contact 1001, who has phone"),
    ],
)
def test_invalid_recipient(contacts: dict[str, Any], reason: str) -> None:
    error = MockClient().send(public_request(Contacts=contacts)).json()["Error"]
    assert error["ErrorCode"] == "InvalidRecipient"
    assert reason in error["ErrorReason"]


def test_placeholder_keys_of_the_seed_sample_are_validation_errors() -> None:
    body = json.loads((SPEC.path.parent / "examples" / "seed-request.json").read_text())
    error = MockClient().send(body).json()["Error"]
    assert error["ErrorCode"] == "ValidationError"
    assert (
        '$.Contacts.QuickRecipients["sample string 1"]: key "sample string 1"'
        in (error["ErrorReason"])
    )


# -- types, IDs, ledger ---------------------------------------------------------------------


def test_types_ids_and_results() -> None:
    client = MockClient()
    standard = detail(client.send(public_request(Type=1, Content="a" * 307)))
    assert standard["IDs"]["AdvancedMessageID"] is None
    assert len(standard["IDs"]["StandardMessageIDs"]["+12345678901"]) == 3
    advanced = client.send(public_request(Type=0, Options={"DateToSend": "2999-01-01T00:00:00Z"}))
    assert advanced.json()["ResponseData"]["Result"] == "Scheduled"
    assert UUID.match(detail(advanced)["IDs"]["AdvancedMessageID"])
    assert detail(advanced)["IDs"]["StandardMessageIDs"] == {}
    past = client.send(public_request(Type=0, Options={"DateToSend": "2000-01-01T00:00:00Z"}))
    assert past.json()["ResponseData"]["Result"] == "Sent"


def test_ledger_continuity_and_unique_ids() -> None:
    client = MockClient()
    seen: set[str] = set()
    previous = str(client.state.ledger.balance)
    for n in range(1, 30):
        d = detail(client.send(public_request(Content="x" * (n * 11), Type=n % 2)))
        assert d["PreTransaction"] == previous
        assert int(d["PreTransaction"]) - int(d["PostTransaction"]) == int(d["CreditsUsed"])
        assert d["CreditsUsed"] == d["NoOfSMS"]
        previous = d["PostTransaction"]
        ids = [i for v in d["IDs"]["StandardMessageIDs"].values() for i in v]
        ids += [d["IDs"]["AdvancedMessageID"]] if d["IDs"]["AdvancedMessageID"] else []
        assert not seen & set(ids)
        seen |= set(ids)
    assert str(client.state.ledger.balance) == previous


def test_template_rendering_is_one_pass() -> None:
    body = public_request(
        Template={
            "ID": "86DC152B-CCBB-4BE8-B283-FDD250329113",
            "PlaceHolders": {"1": "{3}", "3": "€"},
        }
    )
    d = detail(MockClient().send(body))
    assert d["MessageText"] == "Hi {3}, your appointment is on €."


def test_template_may_render_empty_text() -> None:
    from dataclasses import replace
    from types import MappingProxyType

    from twosms_contract.fixtures import load_account

    guid = "2c1a5e8e-9b7d-4f3a-8c6e-0d1f2a3b4c5d"
    account = load_account()
    account = replace(account, templates=MappingProxyType({**account.templates, guid: "{1}"}))
    body = public_request(Template={"ID": guid, "PlaceHolders": {"1": ""}})
    d = detail(MockClient(account=account).send(body))
    assert (d["MessageText"], d["NoOfSMS"]) == ("", "1")


def test_sandbox_lists_and_clears() -> None:
    client = MockClient()
    client.send(public_request(Content="hello €"))
    client.send(public_request(Content="😀", Type=0))
    listing = client.http.get("/_sandbox/messages").json()
    assert listing["count"] == 2
    first, second = listing["messages"]
    assert (first["text"], first["encoding"], first["parts"], first["sms"]) == (
        "hello €",
        "GSM-7",
        1,
        ["+12345678901"],
    )
    assert second["encoding"] == "UCS-2"
    assert second["advanced_message_id"]
    assert listing["balance"] == client.state.ledger.balance
    assert client.http.delete("/_sandbox/messages").json() == {"cleared": 2}
    assert client.http.get("/_sandbox/messages").json()["messages"] == []


def test_sandbox_lists_a_text_with_a_lone_surrogate() -> None:
    """JSON strings may hold a lone surrogate, which has no UTF-8 form: the sandbox writes
    it escaped, as the API does, instead of failing with a 500."""
    client = MockClient()
    sent = client.send(public_request(Content="a\ud800b"))  # json.dumps writes "\ud800"
    assert sent.status_code == 200, sent.text
    listing = client.http.get("/_sandbox/messages")
    assert listing.status_code == 200
    assert listing.json()["messages"][0]["text"] == "a\ud800b"


def test_sandbox_is_not_in_the_spec() -> None:
    assert all("_sandbox" not in path for path in SPEC.document["paths"])


# -- media types, charsets, JSON, paths -----------------------------------------------------

BODY = json.dumps(public_request(Content="héllo"), ensure_ascii=False)


@pytest.mark.parametrize(
    ("content_type", "content", "status", "code"),
    [
        ("application/json", BODY.encode(), 200, None),
        ("application/json; charset=utf-8", BODY.encode(), 200, None),
        ('application/json; charset="UTF-8"', BODY.encode(), 200, None),
        ("APPLICATION/JSON", BODY.encode(), 200, None),
        ("text/json", BODY.encode(), 200, None),
        ("application/vnd.twosms+json", BODY.encode(), 200, None),
        ("application/problem+json; charset=utf-8", BODY.encode(), 200, None),
        ("application/json; charset=utf-16", BODY.encode("utf-16"), 200, None),
        ("application/json; charset=utf-32", BODY.encode("utf-32"), 200, None),
        ("application/json; charset=us-ascii", json.dumps(public_request()).encode(), 200, None),
        ("application/json; charset=us-ascii", BODY.encode(), 400, "InvalidJson"),
        ("application/json", BODY.encode("latin-1"), 400, "InvalidJson"),
        ("application/json", b"\xef\xbb\xbf" + BODY.encode(), 200, None),
        ("application/json; charset=latin-1", BODY.encode("latin-1"), 415, "UnsupportedMediaType"),
        ("application/json; charset=utf-7", BODY.encode(), 415, "UnsupportedMediaType"),
        ("text/plain", BODY.encode(), 415, "UnsupportedMediaType"),
        ("application/x-www-form-urlencoded", b"Type=1", 415, "UnsupportedMediaType"),
        ("multipart/form-data; boundary=x", BODY.encode(), 415, "UnsupportedMediaType"),
        ("application/+json", BODY.encode(), 415, "UnsupportedMediaType"),
        ("application/jsonx", BODY.encode(), 415, "UnsupportedMediaType"),
        (None, BODY.encode(), 415, "UnsupportedMediaType"),
    ],
)
def test_media_types_and_charsets(
    content_type: str | None, content: bytes, status: int, code: str | None
) -> None:
    client = MockClient()
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.send(content=content, headers=headers)
    assert response.status_code == status, response.text
    error = response.json()["Error"]
    assert (error["ErrorCode"] if error else None) == code
    if status == 200:
        assert detail(response)["MessageText"] in ("héllo", "Standard Send Test")


@pytest.mark.parametrize(
    ("content", "code", "reason_part"),
    [
        (b"", "InvalidJson", "Expecting value"),
        (b"   ", "InvalidJson", "Expecting value"),
        (b'{"Type": 1', "InvalidJson", "line 1"),
        (b'{"Type": NaN}', "InvalidJson", "NaN is not JSON"),
        (b'{"Type": Infinity}', "InvalidJson", "Infinity is not JSON"),
        (b'{"Type": -Infinity}', "InvalidJson", "-Infinity is not JSON"),
        (b'{"Type": 1e400}', "InvalidJson", "out of range"),
        (b'{"Type": ' + b"1" * 5000 + b"}", "InvalidJson", "too long"),
        (b"[" * 100_000 + b"]" * 100_000, "InvalidJson", "nesting deeper than 64"),
        (b"[" * 65 + b"]" * 65, "InvalidJson", "nesting deeper than 64"),
        (b"[" * 64 + b"]" * 64, "ValidationError", "$: expected object"),
        (b'{"a": 1} {"b": 2}', "InvalidJson", "Extra data"),
        (b"{'Type': 1}", "InvalidJson", "double quotes"),
        (b"[]", "ValidationError", "$: expected object, got array []"),
        (b"null", "ValidationError", "$: expected object, got null"),
        (b'"text"', "ValidationError", "$: expected object"),
        (b"{}", "ValidationError", "$.Contacts: is required but missing"),
        (
            b'{"Type": 1, "Contacts": {}, "Options": {"SrcPort": ' + b"9" * 40 + b"}}",
            "ValidationError",
            "is outside 0..65535",
        ),
        (
            json.dumps(public_request(Content=None)).encode(),
            "ValidationError",
            "$.Content: expected string, got null",
        ),
        (
            json.dumps(public_request(Options={"Sender": None})).encode(),
            "ValidationError",
            "$.Options.Sender: expected string, got null",
        ),
        (
            json.dumps(public_request(Options={"Sender": 5})).encode(),
            "ValidationError",
            "$.Options.Sender: expected string, got integer 5",
        ),
        (
            json.dumps(public_request(Options=None)).encode(),
            "ValidationError",
            "$.Options: expected object, got null",
        ),
        (
            json.dumps(
                public_request(Contacts={"QuickRecipients": {"+447700900001": None}})
            ).encode(),
            "ValidationError",
            '$.Contacts.QuickRecipients["+447700900001"]: expected integer, got null',
        ),
        (
            json.dumps(public_request(Type=1.5)).encode(),
            "ValidationError",
            "$.Type: expected integer",
        ),
        (
            json.dumps(public_request(Type=True)).encode(),
            "ValidationError",
            "$.Type: expected integer, got boolean true",
        ),
        (
            json.dumps(public_request(Type=2, Options={"RecurringOptions": None})).encode(),
            "ValidationError",
            "$.Options.RecurringOptions: expected object, got null",
        ),
        (
            json.dumps(public_request(Options={"Reference": None})).encode(),
            "ValidationError",
            "$.Options.Reference: expected string, got null",
        ),
        (
            json.dumps(public_request(Template={"ID": "not-a-guid"})).encode(),
            "ValidationError",
            "$.Template.ID",
        ),
    ],
)
def test_json_fine_points(content: bytes, code: str, reason_part: str) -> None:
    error = (
        MockClient()
        .send(content=content, headers={"Content-Type": "application/json"})
        .json()["Error"]
    )
    assert error["ErrorCode"] == code
    assert reason_part in error["ErrorReason"]


def test_duplicate_keys_last_wins_and_unknown_properties_are_ignored() -> None:
    content = (
        b'{"Contacts": {"QuickRecipients": {"+447700900001": 1, "+447700900001": 2}},'
        b' "Content": "first", "Content": "second", "Options": {"Unknown": null},'
        b' "Type": 7, "Type": 1, "Extra": {"deep": [null, NaN2]}}'
    ).replace(b"NaN2", b"1")
    response = MockClient().send(content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert detail(response)["MessageText"] == "second"


def test_integral_float_is_an_integer() -> None:
    response = MockClient().send(
        content=b'{"Contacts": {"QuickRecipients": {"+447700900001": 2.0}},'
        b' "Content": "x", "Options": {}, "Type": 1.0}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "path", ["/api/v2/sms/messages/", "/API/V2/SMS/Messages", "/Api/v2/sms/MESSAGES/"]
)
def test_paths_case_insensitive_and_trailing_slash(path: str) -> None:
    assert MockClient().send(public_request(), path=path).status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/v2/sms", "/api/v2/sms/messages/x", "/_sandbox"])
def test_unknown_paths(path: str) -> None:
    response = MockClient().send(public_request(), path=path)
    assert response.status_code == 404
    assert response.json()["Error"]["ErrorCode"] == "NotFound"


# -- replacing one piece (how the contract suite builds broken variants) --------------------


def test_one_method_of_behaviour_can_be_replaced() -> None:
    from dataclasses import replace as dc_replace

    from mockserver import Behaviour, PartCount, create_app

    class WrongAt160(Behaviour):
        def count_parts(self, text: str) -> PartCount:
            count = super().count_parts(text)
            return dc_replace(count, parts=2) if count.units == 160 else count

    broken = MockClient(app=create_app(behaviour=WrongAt160))
    assert detail(broken.send(public_request(Content="a" * 160)))["NoOfSMS"] == "2"
    assert detail(broken.send(public_request(Content="a" * 159)))["NoOfSMS"] == "1"
    healthy = MockClient()
    assert detail(healthy.send(public_request(Content="a" * 160)))["NoOfSMS"] == "1"
    # Swapped on a running app, the next request sees it.
    healthy.state.behaviour = WrongAt160(healthy.state)
    assert detail(healthy.send(public_request(Content="a" * 160)))["NoOfSMS"] == "2"


def test_a_business_rule_can_be_switched_off_alone() -> None:
    from mockserver import Behaviour, Failure, SendContext, create_app

    class NoSenderRule(Behaviour):
        def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
            return None

    client = MockClient(app=create_app(behaviour=NoSenderRule))
    assert client.send(public_request(Options={"Sender": "TwelveLetter"})).status_code == 200
    refused = client.send(public_request(Options={"Reference": "r" * 65}))
    assert refused.json()["Error"]["ErrorCode"] == "InvalidReference"


def test_public_surface_resolves_and_is_complete() -> None:
    import mockserver

    assert len(set(mockserver.__all__)) == len(mockserver.__all__)
    assert all(hasattr(mockserver, name) for name in mockserver.__all__)
    # The names load lazily (the CLI builds its parser without the app): the table of
    # where each lives is the public surface, and nothing else is exported.
    assert set(mockserver._HOMES) == set(mockserver.__all__)
