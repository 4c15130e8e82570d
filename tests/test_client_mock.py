"""The generated async client against the project's mock server, in process (ASGI, no socket)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from twosms_client import AsyncClient, BadRequestError, models

from mockserver import create_app


class ServerClock:
    """The mock's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _message(**fields: object) -> models.MessageV2:
    return models.MessageV2(
        contacts=models.ContactsIncQuick(quick_recipients={"+12345678901": 2}),
        content="Standard Send Test",
        options=models.MessageOptionsV2(),
        type=models.MessageRequestType.Standard,
        **fields,
    )


def _client(clock: ServerClock) -> AsyncClient:
    app = create_app(clock=clock)
    return AsyncClient(
        "http://mock.test",
        client_id="demo",
        client_secret="demo-secret",
        transport=httpx.ASGITransport(app=app),
    )


def test_a_send_reaches_the_mock_and_its_answer_parses() -> None:
    async def scenario() -> models.SendSuccessResponse:
        async with _client(ServerClock()) as client:
            return await client.send_messages(_message())

    answer = asyncio.run(scenario())
    detail = answer.response_data.detail
    assert (detail.no_of_sms, detail.credits_used, answer.response_data.result) == (
        "1",
        "1",
        "Sent",
    )
    assert list(detail.ids.standard_message_ids) == ["+12345678901"]


def test_an_expired_token_is_renewed_once_on_the_401() -> None:
    clock = ServerClock()

    async def scenario() -> list[str]:
        async with _client(clock) as client:
            first = await client.send_messages(_message())
            clock.now += timedelta(
                hours=9
            )  # the server's token expired; the client's clock did not move
            second = await client.send_messages(_message())
            return [first.response_data.result, second.response_data.result]

    assert asyncio.run(scenario()) == ["Sent", "Sent"]


def test_a_business_rule_is_a_typed_error_with_its_code() -> None:
    unknown = models.ContactsIncQuick(contact_id={"9999": 2})

    async def scenario() -> None:
        async with _client(ServerClock()) as client:
            await client.send_messages(_message().model_copy(update={"contacts": unknown}))

    with pytest.raises(BadRequestError) as caught:
        asyncio.run(scenario())
    assert (caught.value.status, caught.value.error_code) == (400, "UnknownContact")
    assert caught.value.error_reason is not None
    assert "9999" in caught.value.error_reason
