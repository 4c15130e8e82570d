"""The generated clients, driven through an in-process transport (`httpx.MockTransport`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from twosms_client import (
    DEFAULT_TIMEOUT,
    ApiError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InternalServerError,
    MethodNotAllowedError,
    MissingCredentialsError,
    NotFoundError,
    PaymentRequiredError,
    RequestEntityTooLargeError,
    RequestMaybeSentError,
    RequestNotSentError,
    ResponseValidationError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
    models,
)

SEND = "/api/v2/sms/messages"
SUCCESS = {
    "Error": None,
    "ResponseData": {
        "Identification": {"UserId": "demo"},
        "Result": "Sent",
        "Detail": {
            "IDs": {"AdvancedMessageID": None, "StandardMessageIDs": {"+12345678901": ["1"]}},
            "NoOfContacts": "0",
            "NoOfQuickRecipients": "1",
            "NoOfSMS": "1",
            "NoOfEmails": "0",
            "PreTransaction": "10",
            "PostTransaction": "9",
            "CreditsUsed": "1",
            "MessageText": "Hi",
        },
    },
}
Handler = Callable[[httpx.Request], httpx.Response]


def envelope(status: int, code: str, reason: str, **headers: str) -> httpx.Response:
    body = {"Error": {"ErrorCode": code, "ErrorReason": reason}, "ResponseData": None}
    return httpx.Response(status, json=body, headers=headers)


class FakeServer:
    """Issues tokens `t1`, `t2`, ... and answers sends from a script (else 200)."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.issued = 0
        self.token_bodies: list[dict[str, list[str]]] = []
        self.sends: list[httpx.Request] = []
        self.script: list[httpx.Response | Handler] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/Token":
            form = parse_qs(request.content.decode())
            self.token_bodies.append(form)
            if form.get("client_secret") != ["demo-secret"]:
                return httpx.Response(400, json={"error": "invalid_client"})
            self.issued += 1
            self.valid.add(f"t{self.issued}")
            body = {"access_token": f"t{self.issued}", "token_type": "bearer", "expires_in": 28800}
            return httpx.Response(200, json=body, headers={"Cache-Control": "no-store"})
        self.sends.append(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid:
            return envelope(401, "Unauthorized", "Authorization: unknown token")
        if self.script:
            item = self.script.pop(0)
            return item(request) if callable(item) else item
        return httpx.Response(200, json=SUCCESS)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_client(server: FakeServer, clock: Clock, **kwargs: Any) -> Client:
    return Client(
        "http://mock",
        client_id="demo",
        client_secret="demo-secret",
        transport=httpx.MockTransport(server),
        clock=clock,
        sleep=clock.sleep,
        **kwargs,
    )


def message(**options: Any) -> models.MessageV2:
    return models.MessageV2(
        contacts=models.ContactsIncQuick(quick_recipients={"+12345678901": 2}),
        content="Hi",
        options=models.MessageOptionsV2(**options),
        type=models.MessageRequestType.Standard,
    )


def test_a_send_fetches_a_token_once_and_reuses_it(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock) as client:
        first = client.send_messages(message())
        client.send_messages(message())
    assert isinstance(first, models.SendSuccessResponse)
    assert first.response_data.detail.credits_used == "1"
    assert server.issued == 1
    assert server.token_bodies == [
        {
            "grant_type": ["client_credentials"],
            "client_id": ["demo"],
            "client_secret": ["demo-secret"],
        }
    ]
    assert [r.headers["Authorization"] for r in server.sends] == ["Bearer t1", "Bearer t1"]


def test_the_token_is_renewed_before_it_expires(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock, renew_margin=300) as client:
        client.send_messages(message())
        clock.now += 28800 - 301
        client.send_messages(message())
        assert server.issued == 1
        clock.now += 2  # inside the margin: renewed before the server would refuse it
        client.send_messages(message())
    assert server.issued == 2
    assert server.sends[-1].headers["Authorization"] == "Bearer t2"


def test_a_401_renews_the_token_once_and_resends(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock) as client:
        client.send_messages(message())
        server.valid.clear()  # the server forgot every token
        answer = client.send_messages(message())
    assert answer.error is None
    assert server.issued == 2
    assert [r.headers["Authorization"] for r in server.sends] == [
        "Bearer t1",
        "Bearer t1",
        "Bearer t2",
    ]


def test_a_second_401_is_raised_not_looped(server: FakeServer, clock: Clock) -> None:
    server.script = [envelope(401, "Unauthorized", "Authorization: expired token")] * 3
    with make_client(server, clock) as client, pytest.raises(UnauthorizedError) as caught:
        client.send_messages(message())
    assert (caught.value.status, caught.value.error_code) == (401, "Unauthorized")
    assert len(server.sends) == 2


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "NoRecipients", BadRequestError),
        (400, "ValidationError", BadRequestError),
        (402, "InsufficientCredits", PaymentRequiredError),
        (404, "NotFound", NotFoundError),
        (405, "MethodNotAllowed", MethodNotAllowedError),
        (413, "PayloadTooLarge", RequestEntityTooLargeError),
        (415, "UnsupportedMediaType", UnsupportedMediaTypeError),
        (429, "BadRequest", TooManyRequestsError),
        (500, "BadRequest", InternalServerError),
        (503, "BadRequest", ServiceUnavailableError),
    ],
)
def test_error_statuses_raise_typed_errors(
    server: FakeServer, clock: Clock, status: int, code: str, kind: type[ApiError]
) -> None:
    server.script = [envelope(status, code, f"$.Contacts: {code}")]
    with make_client(server, clock) as client, pytest.raises(kind) as caught:
        client.send_messages(message())
    error = caught.value
    assert (error.status, error.error_code, error.error_reason) == (
        status,
        code,
        f"$.Contacts: {code}",
    )
    assert isinstance(error, ServerError) == (status >= 500)
    assert f"answered {status}: {code}" in str(error)
    assert len(server.sends) == 1


def test_an_error_without_the_envelope_still_carries_its_status(
    server: FakeServer, clock: Clock
) -> None:
    server.script = [httpx.Response(502, text="bad gateway")]
    with make_client(server, clock) as client, pytest.raises(ServerError) as caught:
        client.send_messages(message())
    assert (caught.value.status, caught.value.error_code, caught.value.body) == (
        502,
        None,
        "bad gateway",
    )


def test_unset_fields_are_never_sent_as_null(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock) as client:
        client.send_messages(message(reference="r-1"))
    request = server.sends[0]
    assert request.headers["Content-Type"] == "application/json"
    assert b"null" not in request.content
    assert json.loads(request.content) == {
        "Contacts": {"QuickRecipients": {"+12345678901": 2}},
        "Content": "Hi",
        "Options": {"Reference": "r-1"},
        "Type": 1,
    }


@pytest.mark.parametrize("policy", [RetryPolicy(), RetryPolicy(retry_post=True, max_retries=5)])
@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
def test_a_post_that_may_have_arrived_is_never_resent(
    server: FakeServer, clock: Clock, policy: RetryPolicy, failure: type[httpx.TransportError]
) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise failure("no answer", request=request)

    server.script = [drop, httpx.Response(200, json=SUCCESS)]
    with make_client(server, clock, retry=policy) as client:
        with pytest.raises(RequestMaybeSentError) as caught:
            client.send_messages(message())
        assert isinstance(caught.value.__cause__, failure)
        assert len(server.sends) == 1
        assert clock.slept == []


def test_a_refused_connection_is_not_retried_for_a_post_by_default(
    server: FakeServer, clock: Clock
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    server.script = [refuse, httpx.Response(200, json=SUCCESS)]
    with make_client(server, clock) as client, pytest.raises(RequestNotSentError):
        client.send_messages(message())
    assert len(server.sends) == 1


def test_retries_only_where_it_is_safe_when_asked(server: FakeServer, clock: Clock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    server.script = [
        refuse,
        envelope(429, "BadRequest", "slow down", **{"Retry-After": "7"}),
        envelope(503, "BadRequest", "later", **{"Retry-After": "2"}),
    ]
    with make_client(server, clock, retry=RetryPolicy(retry_post=True, max_retries=3)) as c:
        answer = c.send_messages(message())
    assert answer.response_data.result == "Sent"
    assert clock.slept == [0.5, 7.0, 2.0]
    assert len(server.sends) == 4


def test_a_429_without_retry_after_is_not_retried(server: FakeServer, clock: Clock) -> None:
    server.script = [envelope(429, "BadRequest", "slow down")]
    client = make_client(server, clock, retry=RetryPolicy(retry_post=True))
    with client, pytest.raises(TooManyRequestsError):
        client.send_messages(message())
    assert clock.slept == []


def test_timeouts_are_explicit(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock) as client:
        client.send_messages(message())
    timeout = server.sends[0].extensions["timeout"]
    assert timeout == DEFAULT_TIMEOUT.as_dict()
    assert all(value is not None for value in timeout.values())


def test_a_user_supplied_http_client_is_used_and_left_open(server: FakeServer) -> None:
    http = httpx.Client(transport=httpx.MockTransport(server))
    with Client(
        "http://mock", client_id="demo", client_secret="demo-secret", http_client=http
    ) as c:
        c.send_messages(message())
    assert not http.is_closed
    assert len(server.sends) == 1
    http.close()


def test_refused_credentials_raise_authentication_error(server: FakeServer, clock: Clock) -> None:
    client = Client(
        "http://mock",
        client_id="demo",
        client_secret="wrong",
        transport=httpx.MockTransport(server),
    )
    with client, pytest.raises(AuthenticationError) as caught:
        client.send_messages(message())
    assert (caught.value.status, caught.value.error_code) == (400, "invalid_client")
    assert server.sends == []


def test_no_credentials_is_a_clear_error(server: FakeServer) -> None:
    client = Client("http://mock", transport=httpx.MockTransport(server))
    with client, pytest.raises(MissingCredentialsError, match="client_id and client_secret"):
        client.send_messages(message())


def test_an_answer_that_breaks_the_schema_is_a_typed_error(
    server: FakeServer, clock: Clock
) -> None:
    server.script = [httpx.Response(200, json={**SUCCESS, "Error": "?"})]
    with make_client(server, clock) as client, pytest.raises(ResponseValidationError) as caught:
        client.send_messages(message())
    assert caught.value.status == 200


def test_the_token_operation_is_a_method_too(server: FakeServer, clock: Clock) -> None:
    with make_client(server, clock) as client:
        token = client.get_token(
            models.TokenRequest(
                grant_type="client_credentials", client_id="demo", client_secret="demo-secret"
            )
        )
    assert token.access_token == "t1"
    assert token.expires_in == 28800


def test_the_async_client_renews_once_on_401(server: FakeServer, clock: Clock) -> None:
    async def scenario() -> list[str]:
        async def no_sleep(seconds: float) -> None:
            clock.slept.append(seconds)

        async with AsyncClient(
            "http://mock",
            client_id="demo",
            client_secret="demo-secret",
            transport=httpx.MockTransport(server),
            clock=clock,
            sleep=no_sleep,
        ) as client:
            await client.send_messages(message())
            server.valid.clear()
            answer = await client.send_messages(message())
            assert answer.error is None
            server.script = [envelope(402, "InsufficientCredits", "CreditsUsed: 1 needed")]
            with pytest.raises(PaymentRequiredError):
                await client.send_messages(message())
        return [r.headers["Authorization"] for r in server.sends]

    assert asyncio.run(scenario()) == ["Bearer t1", "Bearer t1", "Bearer t2", "Bearer t2"]


def test_the_async_client_never_resends_a_post_after_a_read_timeout(server: FakeServer) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    server.script = [drop]

    async def scenario() -> None:
        async with AsyncClient(
            "http://mock",
            client_id="demo",
            client_secret="demo-secret",
            transport=httpx.MockTransport(server),
            retry=RetryPolicy(retry_post=True),
        ) as client:
            await client.send_messages(message())

    with pytest.raises(RequestMaybeSentError):
        asyncio.run(scenario())
    assert len(server.sends) == 1


def test_retry_after_as_an_http_date_and_too_long_a_wait(server: FakeServer, clock: Clock) -> None:
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    server.script = [
        envelope(503, "BadRequest", "later", **{"Retry-After": past}),
        envelope(503, "BadRequest", "much later", **{"Retry-After": "3600"}),
    ]
    client = make_client(server, clock, retry=RetryPolicy(retry_post=True, max_wait=30))
    with client, pytest.raises(ServiceUnavailableError) as caught:
        client.send_messages(message())
    assert clock.slept == [0.0]  # a date in the past: at once; an hour: not waited for
    assert caught.value.error_reason == "much later"
    assert len(server.sends) == 2
