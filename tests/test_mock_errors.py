"""Each error code of the contract, triggered by one request; the order of the checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from mockserver import create_app
from mockserver.testing import MockClient, public_request, raw_asgi_request
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
EXAMPLES = SPEC.document["components"]["examples"]
UNKNOWN_GUID = "00000000-0000-0000-0000-000000000000"
TEMPLATE = "86dc152b-ccbb-4be8-b283-fdd250329113"


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    body.pop(key)
    return body


def expensive_request() -> dict[str, Any]:
    """600 numbers x 2000 parts = 1,200,000 credits, in a body of about 320 KB."""
    numbers = {f"+4477009{n:05d}": 2 for n in range(600)}
    return public_request(Contacts={"QuickRecipients": numbers}, Content="a" * 306_000)


Request = Callable[[MockClient], httpx.Response]


def _json(body: dict[str, Any]) -> Request:
    return lambda c: c.send(body)


def _raw(method: str, path: str, content: bytes, **headers: str) -> Request:
    def send(c: MockClient) -> httpx.Response:
        sent = {"Authorization": f"Bearer {c.token}", **headers}
        return c.http.request(method, path, content=content, headers=sent)

    return send


# Error example of the spec -> a request that triggers exactly it, on the demo account.
# The answer's Error must equal the example's, reason included.
TRIGGERS: dict[str, Request] = {
    "InvalidJsonError": _raw(
        "POST", "/api/v2/sms/messages", b'{"Content":}', **{"Content-Type": "application/json"}
    ),
    "ValidationErrorExample": _json(public_request(Options={"SrcPort": 70000})),
    "NoRecipientsError": _json(public_request(Contacts={})),
    "InvalidRecipientError": _json(
        public_request(Contacts={"QuickRecipients": {"+447700900123": 1}})
    ),
    "UnknownContactError": _json(public_request(Contacts={"ContactID": {"9999": 0}})),
    "UnknownGroupError": _json(public_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}})),
    "NoContentError": _json(public_request(Content="")),
    "UnknownTemplateError": _json(
        without(public_request(Template={"ID": UNKNOWN_GUID}), "Content")
    ),
    "MissingPlaceholderError": _json(
        without(public_request(Template={"ID": TEMPLATE, "PlaceHolders": {"1": "Ann"}}), "Content")
    ),
    "InvalidSenderError": _json(public_request(Options={"Sender": "TwelveLetter"})),
    "InvalidReferenceError": _json(public_request(Options={"Reference": "r" * 65})),
    "InvalidExpiryError": _json(
        public_request(
            Options={
                "DateToSend": "2030-01-02T00:00:00+00:00",
                "ExpiryDate": "2030-01-01T00:00:00+00:00",
            }
        )
    ),
    "MissingRecurringOptionsError": _json(public_request(Type=2)),
    "BadRequestError": lambda c: _status_only(
        c, {"Content-Length": "abc", "Content-Type": "application/json"}
    ),
    "UnauthorizedError": lambda c: c.http.post("/api/v2/sms/messages", json=public_request()),
    "InsufficientCreditsError": _json(expensive_request()),
    "PayloadTooLargeError": _raw(
        "POST",
        "/api/v2/sms/messages",
        b" " * 2_097_152,
        **{"Content-Type": "application/json"},
    ),
    "UnsupportedMediaTypeError": _raw(
        "POST",
        "/api/v2/sms/messages",
        b"Type=1",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    ),
    "NotFoundError": lambda c: c.send(public_request(), path="/api/v2/sms/nothing"),
    "MethodNotAllowedError": lambda c: c.http.get("/api/v2/sms/messages"),
}


def _status_only(client: MockClient, headers: dict[str, str]) -> httpx.Response:
    """A request whose headers no HTTP client would send (a bad Content-Length)."""
    status, out, body = raw_asgi_request(
        client.app,
        "POST",
        "/api/v2/sms/messages",
        headers={"Authorization": f"Bearer {client.token}", **headers},
        chunks=[b"{}"],
    )
    assert status is not None
    return httpx.Response(status, headers=out, content=body)


def _status_of(example: str) -> int:
    code = EXAMPLES[example]["value"]["Error"]["ErrorCode"]
    statuses = {e["code"]: e["status"] for e in SPEC.contract["errorCodes"]}
    return int(statuses[code])


def test_every_error_code_has_a_trigger() -> None:
    codes = {EXAMPLES[name]["value"]["Error"]["ErrorCode"] for name in TRIGGERS}
    assert codes == {e["code"] for e in SPEC.contract["errorCodes"]}


@pytest.mark.parametrize("example", sorted(TRIGGERS))
def test_error_example_reproduced_exactly(example: str) -> None:
    client = MockClient()
    before = client.state.ledger.balance
    response = TRIGGERS[example](client)
    assert response.status_code == _status_of(example)
    assert response.headers["content-type"] == "application/json"
    assert response.json() == EXAMPLES[example]["value"]
    assert client.state.ledger.balance == before, "a refused send must cost nothing"
    assert client.state.sandbox.messages() == []


def test_unauthorized_carries_bearer_challenge() -> None:
    response = TRIGGERS["UnauthorizedError"](MockClient())
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_method_not_allowed_carries_allow_post() -> None:
    client = MockClient()
    for method in ("GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
        for path in ("/api/v2/sms/messages", "/Token"):
            response = client.http.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == "POST"
            if method != "HEAD":
                assert response.json()["Error"]["ErrorCode"] == "MethodNotAllowed"


# -- auth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "reason_part"),
    [
        (None, "missing bearer token"),
        ("Basic ZGVtbzpkZW1vLXNlY3JldA==", 'scheme "Basic" is not Bearer'),
        ("Bearer", "is not 'Bearer <token>'"),
        ("Bearer a b", "is not 'Bearer <token>'"),
        ("Bearer 0123456789abcdef0123456789abcdef", "is not known"),
        ("Token abc", 'scheme "Token" is not Bearer'),
    ],
)
def test_auth_refusals(authorization: str | None, reason_part: str) -> None:
    client = MockClient()
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = client.http.post(
        "/api/v2/sms/messages", content=json.dumps(public_request()), headers=headers
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["Error"]
    assert error["ErrorCode"] == "Unauthorized"
    assert reason_part in error["ErrorReason"]


def test_minted_expired_token_is_refused() -> None:
    client = MockClient()
    response = client.send(public_request(), token=client.state.mint_expired_token())
    assert response.status_code == 401
    assert "expired" in response.json()["Error"]["ErrorReason"]


def test_token_expires_after_its_lifetime_on_the_injected_clock() -> None:
    from datetime import UTC, datetime, timedelta

    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    client = MockClient(clock=lambda: now[0])
    token = client.get_token(
        grant_type="client_credentials", client_id="demo", client_secret="demo-secret"
    ).json()["access_token"]
    now[0] += timedelta(seconds=28800 - 1)
    assert client.send(public_request(), token=token).status_code == 200
    now[0] += timedelta(seconds=1)
    response = client.send(public_request(), token=token)
    assert response.status_code == 401
    assert "expired" in response.json()["Error"]["ErrorReason"]


def test_bearer_scheme_is_case_insensitive() -> None:
    client = MockClient()
    response = client.send(public_request(), headers={"Authorization": f"bearer {client.token}"})
    assert response.status_code == 200


# -- POST /Token ----------------------------------------------------------------------------


def _token(client: MockClient, form: dict[str, str], basic: str | None = None) -> httpx.Response:
    auth = httpx.BasicAuth(*basic.split(":", 1)) if basic else None
    response: httpx.Response = client.http.post("/Token", data=form, auth=auth)
    return response


@pytest.mark.parametrize(
    ("form", "basic", "status", "error"),
    [
        (
            {
                "grant_type": "client_credentials",
                "client_id": "demo",
                "client_secret": "demo-secret",
            },
            None,
            200,
            None,
        ),
        ({"grant_type": "client_credentials"}, "demo:demo-secret", 200, None),
        ({"client_id": "demo", "client_secret": "demo-secret"}, None, 400, "invalid_request"),
        (
            {"grant_type": "password", "client_id": "demo", "client_secret": "demo-secret"},
            None,
            400,
            "unsupported_grant_type",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "demo", "client_secret": "nope"},
            None,
            400,
            "invalid_client",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "nobody",
                "client_secret": "demo-secret",
            },
            None,
            400,
            "invalid_client",
        ),
        ({"grant_type": "client_credentials"}, "demo:wrong", 400, "invalid_client"),
        ({"grant_type": "client_credentials"}, None, 400, "invalid_client"),
    ],
)
def test_token_endpoint(
    form: dict[str, str], basic: str | None, status: int, error: str | None
) -> None:
    client = MockClient()
    response = _token(client, form, basic)
    assert response.status_code == status
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    if error is None:
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 28800
        assert client.send(public_request(), token=body["access_token"]).status_code == 200
    else:
        assert body["error"] == error


def test_token_path_is_case_insensitive_with_trailing_slash() -> None:
    client = MockClient()
    form = {"grant_type": "client_credentials", "client_id": "demo", "client_secret": "demo-secret"}
    assert client.http.post("/token/", data=form).status_code == 200


# -- the order of the checks ----------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


def _send(
    client: MockClient,
    *,
    path: str = "/api/v2/sms/messages",
    method: str = "POST",
    headers: dict[str, str] | None = None,
    auth: bool = True,
    chunks: list[bytes] | None = None,
) -> tuple[int | None, str]:
    sent = dict(headers or {})
    if auth:
        sent["Authorization"] = f"Bearer {client.token}"
    status, _, body = raw_asgi_request(
        client.app, method, path, headers=sent, chunks=chunks or [b"{}"]
    )
    code = json.loads(body)["Error"]["ErrorCode"] if body else ""
    return status, code


@pytest.mark.parametrize(
    ("case", "kwargs", "status", "code"),
    [
        ("404 before 405", {"path": "/nothing", "method": "GET"}, 404, "NotFound"),
        (
            "405 before 400 http",
            {"method": "GET", "headers": {"Content-Length": "x"}},
            405,
            "MethodNotAllowed",
        ),
        ("405 before 401", {"method": "GET", "auth": False}, 405, "MethodNotAllowed"),
        (
            "400 http before 401",
            {"auth": False, "headers": {"Content-Length": "-1"}},
            400,
            "BadRequest",
        ),
        (
            "401 before 415",
            {"auth": False, "headers": {"Content-Type": "text/plain"}},
            401,
            "Unauthorized",
        ),
        (
            "415 before 413",
            {"headers": {"Content-Type": "text/plain", "Content-Length": "2000000"}},
            415,
            "UnsupportedMediaType",
        ),
        (
            "413 before charset 415",
            {
                "headers": {
                    "Content-Type": "application/json; charset=latin-1",
                    "Content-Length": "2000000",
                }
            },
            413,
            "PayloadTooLarge",
        ),
        (
            "charset 415 before InvalidJson",
            {"headers": {"Content-Type": "application/json; charset=latin-1"}, "chunks": [b"{"]},
            415,
            "UnsupportedMediaType",
        ),
        ("InvalidJson before schema", {"headers": JSON, "chunks": [b"[1,"]}, 400, "InvalidJson"),
    ],
)
def test_http_check_order(case: str, kwargs: dict[str, Any], status: int, code: str) -> None:
    assert _send(MockClient(), **kwargs) == (status, code)


UNKNOWN_CONTACT = {"ContactID": {"9999": 0}}
UNKNOWN_GROUP = {"GroupID": {UNKNOWN_GUID: 0}}
BAD_QUICK = {"QuickRecipients": {"+447700900123": 1}}


@pytest.mark.parametrize(
    ("case", "body", "code"),
    [
        (
            "schema before business",
            public_request(Contacts={}, Options={"SrcPort": -1}),
            "ValidationError",
        ),
        (
            "schema before sender",
            public_request(Options={"SrcPort": -1, "Sender": ""}),
            "ValidationError",
        ),
        (
            "schema before recurring",
            public_request(Type=2, Options={"SrcPort": -1}),
            "ValidationError",
        ),
        (
            "no recipients before no content",
            public_request(Contacts={}, Content=""),
            "NoRecipients",
        ),
        (
            "unknown contact before unknown group",
            public_request(Contacts={**UNKNOWN_CONTACT, **UNKNOWN_GROUP}),
            "UnknownContact",
        ),
        (
            "unknown group before invalid recipient",
            public_request(Contacts={**UNKNOWN_GROUP, **BAD_QUICK}),
            "UnknownGroup",
        ),
        (
            "unknown contact before invalid recipient",
            public_request(Contacts={**UNKNOWN_CONTACT, **BAD_QUICK}),
            "UnknownContact",
        ),
        (
            "invalid recipient before no content",
            public_request(Contacts=BAD_QUICK, Content=""),
            "InvalidRecipient",
        ),
        (
            "no content before sender",
            public_request(Content="", Options={"Sender": "!"}),
            "NoContent",
        ),
        (
            "unknown template before sender",
            public_request(Template={"ID": UNKNOWN_GUID}, Options={"Sender": "!"}),
            "UnknownTemplate",
        ),
        (
            "missing placeholder before sender",
            public_request(Template={"ID": TEMPLATE}, Options={"Sender": "!"}),
            "MissingPlaceholder",
        ),
        (
            "sender before reference",
            public_request(Options={"Sender": "!", "Reference": "r" * 65}),
            "InvalidSender",
        ),
        (
            "reference before expiry",
            public_request(Options={"Reference": "r" * 65, "ExpiryDate": "2000-01-01T00:00:00Z"}),
            "InvalidReference",
        ),
        (
            "expiry before recurring",
            public_request(Type=2, Options={"ExpiryDate": "2000-01-01T00:00:00Z"}),
            "InvalidExpiry",
        ),
        ("recurring before balance", expensive_request() | {"Type": 2}, "MissingRecurringOptions"),
    ],
)
def test_business_rule_order(case: str, body: dict[str, Any], code: str) -> None:
    response = MockClient().send(body)
    assert response.json()["Error"]["ErrorCode"] == code


# -- recurring details ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurring", "extra", "code"),
    [
        ({"Range": 1}, {}, "MissingRecurringOptions"),
        ({"Range": 2}, {}, "MissingRecurringOptions"),
        ({"Range": 1, "OccurrencesEnd": 3}, {}, None),
        ({"Range": 2}, {"ExpiryDate": "2999-01-01T00:00:00Z"}, None),
        ({}, {}, None),
        ({"PatternScheduleDays": 128}, {}, "ValidationError"),
    ],
)
def test_recurring_options(
    recurring: dict[str, Any], extra: dict[str, Any], code: str | None
) -> None:
    body = public_request(Type=2, Options={"RecurringOptions": recurring, **extra})
    response = MockClient().send(body)
    error = response.json()["Error"]
    assert (error["ErrorCode"] if error else None) == code
    if code is None:
        assert response.json()["ResponseData"]["Result"] == "Scheduled"


def test_recurring_options_ignored_for_other_types() -> None:
    body = public_request(Type=1, Options={"RecurringOptions": {"Range": 1}})
    assert MockClient().send(body).status_code == 200


def test_insufficient_credits_sends_nothing_and_keeps_the_ledger() -> None:
    client = MockClient(account=replace(load_account(), balance=3))
    body = public_request(
        Contacts={"QuickRecipients": {"+447700900001": 2, "+447700900002": 2}}, Content="a" * 161
    )
    response = client.send(body)
    assert response.status_code == 402
    assert response.json()["Error"]["ErrorReason"] == "CreditsUsed: 4 needed, balance 3"
    assert client.state.ledger.balance == 3
    ok = client.send(public_request(Content="a" * 161))  # 2 credits
    assert ok.json()["ResponseData"]["Detail"]["PostTransaction"] == "1"


def test_no_recipients_when_every_group_member_lacks_the_channel() -> None:
    from twosms_contract.fixtures import account_from_mapping

    account = account_from_mapping(
        {
            "client_id": "x",
            "client_secret": "y",
            "user_id": "u",
            "balance": 10,
            "contacts": {"1": {"email": "a@example.com"}},
            "groups": {UNKNOWN_GUID: ["1"]},
        },
        source="test",
    )
    client = MockClient(app=create_app(account=account))
    response = client.send(public_request(Contacts={"GroupID": {UNKNOWN_GUID: 2}}))
    assert response.status_code == 400
    error = response.json()["Error"]
    assert error["ErrorCode"] == "NoRecipients"
    assert "leaves no SMS number or e-mail address" in error["ErrorReason"]


def test_validation_error_lists_the_first_ten() -> None:
    options: dict[str, Any] = dict.fromkeys(("SrcPort", "DstPort", "Reads", "ResponseLimit"), -1)
    options |= {"Repeat": {"Frequency": 0, "Repetitions": 11}, "ResponseAlert": 9}
    options |= {"DeliveryReceipt": "yes", "SecureMessage": 1, "SmsReadReceipt": None}
    options |= {"DateToSend": "tomorrow", "ExpiryDate": "never"}
    response = MockClient().send(public_request(Options=options))
    reason = response.json()["Error"]["ErrorReason"]
    listed = reason.split("; ")
    assert len(listed) == 11  # 12 violations: the first ten, then how many more
    assert listed[-1] == "and 2 more"
    expected = {
        "$.Options." + name
        for name in [
            "SrcPort",
            "DstPort",
            "Reads",
            "ResponseLimit",
            "Repeat.Frequency",
            "Repeat.Repetitions",
            "ResponseAlert",
            "DeliveryReceipt",
            "SecureMessage",
            "SmsReadReceipt",
            "DateToSend",
            "ExpiryDate",
        ]
    }
    paths = [item.split(": ", 1)[0] for item in listed[:10]]
    assert len(set(paths)) == 10
    assert set(paths) <= expected


def test_token_store_forgets_the_oldest_past_its_capacity() -> None:
    from datetime import UTC, datetime, timedelta

    from mockserver.tokens import TokenStore

    store = TokenStore(
        clock=lambda: datetime(2030, 1, 1, tzinfo=UTC), lifetime=timedelta(hours=8), capacity=5
    )
    tokens = [store.issue("demo").value for _ in range(1024)]
    assert store.lookup(tokens[0]) is None
    assert all(store.lookup(t) is not None for t in tokens[-5:])
    expired = store.mint_expired("demo")
    assert store.is_expired(expired)
