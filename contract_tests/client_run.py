"""The generated client end to end: valid models sent through `twosms_client.Client`.

A Hypothesis property draws valid requests from the domain strategies
(`strategies.valid_request`), reads each into the generated `MessageV2` model, sends it with
the generated `Client` over the session's transport (in process or HTTP), and requires the
answer to parse into the generated `SendSuccessResponse`. Every exchange also goes through
`Session.observe`, so the success invariants, the ledger and ID uniqueness hold across the
client's sends as across the suite's own.

Rules (check `client`):

- `model-reads-valid-request`: `MessageV2.from_wire` reads every valid request and
  `to_wire` writes it back unchanged (what the client sends is what was meant);
- `valid-request-accepted`: the server accepts it (no `ApiError`);
- `response-parses`: the answer parses into the generated models.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, Verbosity, given, seed, settings
from hypothesis.errors import FlakyFailure, FlakyReplay

from contract_tests import ids
from contract_tests.core import (
    Exchange,
    Outcome,
    RecordedRequest,
    RecordedResponse,
    Violation,
    violation,
)
from contract_tests.session import Session

CLIENT = ids.CLIENT
RULES: tuple[tuple[str, str], ...] = ids.CLIENT_RULES


class _Broken(Exception):
    """Raised inside an example so that Hypothesis shrinks the request."""


class ObservingTransport(httpx.BaseTransport):
    """Hands each send-endpoint exchange to `Session.observe` and keeps what it found."""

    def __init__(self, inner: httpx.BaseTransport, session: Session) -> None:
        self._inner = inner
        self._session = session
        self.found: list[Violation] = []
        self.last: Exchange | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if self._session.silent is not None:  # the server stopped answering: do not wait
            raise httpx.ReadTimeout(self._session.silent, request=request)
        try:
            response = self._inner.handle_request(request)
        except httpx.TimeoutException as exc:
            self._session.note_timeout(exc)
            raise
        content = response.read()
        self._session.cases += 1
        self.last = Exchange(
            request=RecordedRequest(
                method=request.method,
                url=str(request.url),
                headers=tuple((k.decode(), v.decode()) for k, v in request.headers.raw),
                body=body,
            ),
            response=RecordedResponse(
                status=response.status_code,
                headers=tuple((k.decode(), v.decode()) for k, v in response.headers.raw),
                body=content,
            ),
        )
        if request.url.path == self._session.send_path:
            self.found.extend(self._session.observe(self.last))
        return httpx.Response(
            response.status_code, headers=response.headers.raw, content=content, request=request
        )

    def close(self) -> None:
        pass  # the session owns the inner transport


def _transport_for(session: Session, app: Any) -> httpx.BaseTransport:
    if app is not None:
        from contract_tests.transport import suite_transport

        return suite_transport(app)
    return httpx.HTTPTransport()


def run_client_property(
    session: Session, *, app: Any = None, max_examples: int, seed_value: int | None = None
) -> tuple[list[Outcome], list[str]]:
    """Send valid models through the generated client (see the module docstring).

    `app` is the ASGI app in process (None: the session's base URL over HTTP). Returns the
    outcomes and notes: when the generated client cannot get a token with the run's client
    credentials (a run given only `--token`), nothing is sent and a note says why.
    """
    from contract_tests.properties import example_phases
    from contract_tests.strategies import valid_request
    from generator.runtime import client_package

    # The client generated from the run's spec (the committed one when the spec is the
    # project's own), so that an edited spec is judged with its own models.
    package = client_package(session.spec)
    ApiError, Client, ClientError = package.ApiError, package.Client, package.ClientError
    ResponseValidationError, TransportError = (
        package.ResponseValidationError,
        package.TransportError,
    )
    models = package.models

    outcomes = {rule: Outcome(CLIENT, rule) for _, rule in RULES}
    inner = _transport_for(session, app)
    observing = ObservingTransport(inner, session)
    http = httpx.Client(transport=observing, timeout=session.client.timeout)
    client = Client(
        str(session.client.base_url),
        client_id=session.client_id,
        client_secret=session.client_secret,
        http_client=http,
    )
    last: list[Violation] = []

    def fail(rule: str, message: str, received: str, expected: str) -> None:
        last[:] = [violation(observing.last, CLIENT, rule, message, received, expected)]
        raise _Broken

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=session.example_db,
        phases=example_phases(session.example_db),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )
    @given(valid_request(session.account, session.spec))
    def test(body: dict[str, Any]) -> None:
        outcomes[ids.CLIENT_MODEL_READS_VALID_REQUEST.rule].cases += 1
        observing.last = None
        try:
            message = models.MessageV2.from_wire(body)
        except Exception as exc:
            fail(
                ids.CLIENT_MODEL_READS_VALID_REQUEST.rule,
                f"MessageV2 refused a valid request: {exc}",
                repr(body),
                "a MessageV2",
            )
        written = message.to_wire()
        if written != body:
            fail(
                ids.CLIENT_MODEL_READS_VALID_REQUEST.rule,
                "MessageV2 does not write back what it read",
                repr(written),
                repr(body),
            )
        outcomes[ids.CLIENT_VALID_REQUEST_ACCEPTED.rule].cases += 1
        outcomes[ids.CLIENT_RESPONSE_PARSES.rule].cases += 1
        try:
            client.send_messages(message)
        except ResponseValidationError as exc:
            fail(
                ids.CLIENT_RESPONSE_PARSES.rule,
                f"the answer does not parse: {exc}",
                _answer(observing),
                "a SendSuccessResponse",
            )
        except ApiError as exc:
            fail(
                ids.CLIENT_VALID_REQUEST_ACCEPTED.rule,
                f"the client got {type(exc).__name__}: {exc}",
                _answer(observing),
                "200",
            )
        except TransportError as exc:  # no whole answer: a connection closed, a timeout
            fail(
                ids.CLIENT_VALID_REQUEST_ACCEPTED.rule,
                f"the client got no answer ({type(exc).__name__}: {exc})",
                _answer(observing),
                "a 200 answer",
            )

    if seed_value is not None and session.example_db is None:  # see contract_tests.exampledb
        test = seed(seed_value)(test)
    notes: list[str] = []
    try:
        request = models.TokenRequest(
            grant_type="client_credentials",
            client_id=session.client_id,
            client_secret=session.client_secret,
        )
        client.get_token(request)
    except ClientError as exc:
        notes.append(
            "the generated client was not tested: it got no token with the run's client "
            f"credentials ({type(exc).__name__}); give --client-id/--client-secret"
        )
    else:
        try:
            test()
        except (_Broken, FlakyFailure, FlakyReplay):
            for broken in last:
                outcomes[broken.rule].violations.append(broken)
    finally:
        client.close()
        http.close()
        inner.close()
    found = list(outcomes.values())
    # The response rules' findings on the client's exchanges, filed under their own rules.
    found.append(Outcome(*ids.CLIENT_VALID_REQUEST_ACCEPTED, 0, observing.found))
    return found, notes


def _answer(observing: ObservingTransport) -> str:
    if observing.last is None:
        return "(no answer)"
    response = observing.last.response
    return f"{response.status} {response.body[:300].decode('utf-8', 'replace')}"
