"""One run's connection to the server under test, and the state the contract spans.

A `Session` sends requests (recording each as an `Exchange`), holds the bearer token, the
account facts, and what the run has seen so far: every message ID (they must never repeat)
and the last `PostTransaction` (the next `PreTransaction` must equal it). Every response of
the send endpoint, whoever sent it (a probe, a property, Schemathesis), goes through
`observe`, which applies the success invariants and the error-envelope rules.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

from contract_tests.core import (
    SEND_OPERATION,
    TOKEN_OPERATION,
    BoundaryObservation,
    Exchange,
    RecordedRequest,
    RecordedResponse,
    Violation,
)
from contract_tests.http_transport import PooledTransport, raw_exchange
from contract_tests.observer import Observer
from twosms_contract.errors import ContractKitError
from twosms_contract.fixtures import Account
from twosms_contract.spec import Spec

if TYPE_CHECKING:
    from hypothesis.database import ExampleDatabase

    from twosms_contract.asgi import ASGICaller

_UNSET: Any = object()
NO_ANSWER = 0  # the status recorded when the server answered nothing (timeout, reset)
# After this many timeouts in a row the server is taken to have stopped answering: every
# later request is recorded as unanswered at once, and the runner ends the run, so that a
# server that hangs is named in seconds, not after a timeout per request.
SILENCE_LIMIT = 3


class TargetError(ContractKitError):
    """The server cannot be used for a run: unreachable, or the credentials are refused."""


class Session:
    """A connection to the server under test; see the module docstring."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        account: Account,
        spec: Spec,
        client_id: str | None = None,
        client_secret: str | None = None,
        token: str | None = None,
        series: bool = True,
    ) -> None:
        self.client = client
        self.account = account
        self.spec = spec
        # The paths of the send and token operations, as the spec writes them.
        self.send_path = spec.terms.operation(SEND_OPERATION)[0]
        self.token_path = spec.terms.operation(TOKEN_OPERATION)[0]
        self.client_id = client_id if client_id is not None else account.client_id
        self.client_secret = client_secret if client_secret is not None else account.client_secret
        self._token = token
        self._token_given = token is not None  # --token, rather than fetched from /Token
        # A token the server issued that has expired, where the target can mint one.
        self.expired_token: str | None = None
        # Where the properties keep failing examples (`contract_tests.exampledb`); None:
        # nowhere, each run draws afresh.
        self.example_db: ExampleDatabase | None = None
        self.example_db_name: str | None = None
        self.series = series  # one client, sends in series: ledger continuity applies
        self.app: Any = None  # the ASGI app of an in-process session, None over HTTP
        self.cases = 0
        self._count_lock = threading.Lock()
        self._mine = threading.local()  # each thread's own count and last exchange
        self.observer = Observer()  # the one writer of what the run has seen
        self.log: list[Exchange] = []
        self.boundaries: list[BoundaryObservation] = []
        self.sweep_parts = 4  # how far the SMS part sweep goes (the profile sets it)
        self._urls: dict[str, httpx.URL] = {}  # path -> the full URL, parsed once
        self._caller: ASGICaller | None = None  # in process: the app, called directly
        self._pooled: PooledTransport | None = None  # over HTTP: the pool, called directly
        self.timeouts_in_a_row = 0
        self.silent: str | None = None  # why the server is taken to have stopped answering
        # The contract coverage map: told of every exchange the session sees (`_seen`).
        from contract_tests.coverage import CoverageRecorder

        self.coverage = CoverageRecorder(spec, send_path=self.send_path)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def for_app(cls, app: Any, *, account: Account, spec: Spec, **kwargs: Any) -> Session:
        """In process: the ASGI app through a synchronous ASGI transport (no socket)."""
        from contract_tests.transport import suite_transport

        transport = suite_transport(app)
        client = httpx.Client(transport=transport, base_url="http://testserver")
        session = cls(client, account=account, spec=spec, **kwargs)
        session.app = app
        session._caller = transport.caller
        return session

    @classmethod
    def for_url(
        cls, base_url: str, *, account: Account, spec: Spec, timeout: float = 10.0, **kwargs: Any
    ) -> Session:
        """Over HTTP to a live server."""
        pooled = PooledTransport()
        client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=pooled)
        session = cls(client, account=account, spec=spec, **kwargs)
        session._pooled = pooled
        return session

    def close(self) -> None:
        self.client.close()

    def reconnect(self) -> None:
        """A client of its own for a forked process over HTTP, leaving the connections it
        inherited to the parent (they are not closed here: that would end them there)."""
        old = self.client
        self._pooled = PooledTransport()
        self.client = httpx.Client(
            base_url=old.base_url, timeout=old.timeout, transport=self._pooled
        )
        self._urls.clear()

    # -- auth ---------------------------------------------------------------------------

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.fetch_token()
        return self._token

    def fetch_token(self) -> str:
        """Get a bearer token with the run's client credentials (TargetError if refused)."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        try:
            exchange = self.request("POST", self.token_path, form=form, auth=False)
        except httpx.TransportError as exc:
            raise TargetError(f"cannot reach {self.client.base_url}: {exc}") from None
        response = exchange.response
        try:
            token = json.loads(response.body)["access_token"]
        except (ValueError, KeyError, TypeError):
            token = None
        if response.status != 200 or not isinstance(token, str) or not token:
            body = response.body[:200].decode("utf-8", "replace")
            raise TargetError(
                f"POST {self.token_path} refused the credentials of client {self.client_id!r}: "
                f"{response.status} {body}"
            )
        return token

    def preflight(self) -> None:
        """Check that the server is there and takes the run's token, at no cost: a body
        with no recipient is refused (NoRecipients) after the token is checked. A 401 to a
        token passed with --token is a configuration error (TargetError), not a finding."""
        token = self.token
        exchange = self.request(
            "POST", self.send_path, json_body={"Contacts": {}, "Options": {}, "Type": 1}
        )
        # A token the server itself just issued and then refuses is the server's fault:
        # the run goes on and names it (token/token-works, auth, ...).
        if exchange.response.status == self.spec.terms.check("auth").status and self._token_given:
            shown = token[:6] + "..." if len(token) > 6 else "..."
            body = exchange.response.body[:200].decode("utf-8", "replace")
            raise TargetError(
                f"{self.client.base_url} refused the bearer token {shown} (401 {body}); "
                "check --token, or pass --client-id/--client-secret"
            )

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    # -- requests -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _UNSET,
        content: bytes | None = None,
        chunked: bool = False,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str | None] | None = None,
        auth: bool = True,
    ) -> Exchange:
        """Send one request and record it. `json_body` is serialized as UTF-8; a header
        given as None is removed from the defaults."""
        sent_headers: dict[str, str] = {"Accept": "application/json"}
        if auth:
            sent_headers.update(self.bearer())
        body: bytes | None = content
        if json_body is not _UNSET:
            try:
                body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: only its escape is JSON
                body = json.dumps(json_body).encode("ascii")
            sent_headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(list(form.items())).encode("ascii")
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if headers:
            for key, value in headers.items():
                for existing in [k for k in sent_headers if k.lower() == key.lower()]:
                    del sent_headers[existing]
                if value is not None:
                    sent_headers[key] = value
        payload: Any = body
        if chunked and body is not None:
            # No Content-Length: the server must measure the body as it reads it.
            payload = (body[i : i + 65536] for i in range(0, len(body), 65536))
        recorded = RecordedRequest(
            method=method,
            url=str(self._url(path)),
            headers=tuple(sent_headers.items()),
            body=body,
            json_body=None if json_body is _UNSET else json_body,
        )
        try:
            if self.silent is not None:
                raise httpx.ReadTimeout(self.silent)
            status, answer_headers, answer_body = self._exchange(
                method, path, payload, sent_headers
            )
        except httpx.ConnectError as exc:
            if self.silent is not None or self.cases:  # it answered before: it went away
                return self._unanswered(recorded, exc)
            raise TargetError(f"cannot reach {self.client.base_url}: {exc}") from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            # The server took the request and gave no answer: that is the server's fault,
            # reported against the rule being probed (status 0 means "no answer").
            return self._unanswered(recorded, exc)
        self.timeouts_in_a_row = 0
        self._count()
        exchange = Exchange(
            request=recorded,
            response=RecordedResponse(status=status, headers=answer_headers, body=answer_body),
        )
        self._seen(exchange)
        if len(self.log) > 256:
            del self.log[:128]
        return exchange

    def note_timeout(self, exc: Exception) -> None:
        """Count a request that timed out (or found nobody listening); after
        `SILENCE_LIMIT` in a row the server is taken to have stopped answering."""
        if self.silent is None and isinstance(exc, httpx.TimeoutException | httpx.ConnectError):
            self.timeouts_in_a_row += 1
            if self.timeouts_in_a_row >= SILENCE_LIMIT:
                self.silent = (
                    f"the server stopped answering: {self.timeouts_in_a_row} requests in a row "
                    f"got no answer (the last: {type(exc).__name__}: {exc})"
                )

    def _unanswered(self, recorded: RecordedRequest, exc: Exception) -> Exchange:
        """Record a request that got no answer (see `note_timeout`)."""
        self.note_timeout(exc)
        self._count()
        failed = RecordedResponse(
            status=NO_ANSWER,
            headers=(("x-no-answer", f"{type(exc).__name__}: {exc}"),),
            body=b"",
        )
        exchange = Exchange(request=recorded, response=failed)
        self._seen(exchange)
        return exchange

    def raw_request(
        self, method: str, path: str, headers: Sequence[tuple[str, str | bytes]], body: bytes
    ) -> Exchange:
        """Send a request exactly as given (header lines and body bytes, nothing added but
        Host), and record it: for what httpx refuses to write, such as a Content-Length that
        is not a number or a header byte that is not ASCII. Over HTTP it goes on a socket of
        its own, which closes after the answer; in process the app gets the headers as they
        are."""
        url = self._url(path)
        lines = [
            (name.encode("latin-1"), value if isinstance(value, bytes) else value.encode("latin-1"))
            for name, value in headers
        ]
        lines.insert(0, (b"Host", url.netloc))
        recorded = RecordedRequest(
            method=method,
            url=str(url),
            headers=tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in lines),
            body=body,
            json_body=None,
        )
        if self.silent is not None:
            return self._unanswered(recorded, httpx.ReadTimeout(self.silent))
        if self._caller is not None:
            answer = self._caller.call(method, str(url), lines, [body])
            status, answer_headers, answer_body = (
                answer.status,
                tuple(httpx.Headers(answer.headers).items()),
                bytes(answer.body),
            )
            broken = answer.framing_error()
            if broken is not None:
                status, answer_body = NO_ANSWER, b""
                answer_headers = (("x-no-answer", f"RemoteProtocolError: {broken}"),)
        else:
            try:
                status, answer_headers, answer_body = raw_exchange(
                    url, method, lines, body, timeout=self.client.timeout.read or 10.0
                )
            except (TimeoutError, ConnectionRefusedError) as exc:
                silence = httpx.ReadTimeout if isinstance(exc, TimeoutError) else httpx.ConnectError
                return self._unanswered(recorded, silence(f"{type(exc).__name__}: {exc}"))
            except (OSError, http.client.HTTPException) as exc:
                status, answer_body = NO_ANSWER, b""
                answer_headers = (("x-no-answer", f"{type(exc).__name__}: {exc}"),)
        self._count()
        exchange = Exchange(
            request=recorded,
            response=RecordedResponse(status=status, headers=answer_headers, body=answer_body),
        )
        self._seen(exchange)
        return exchange

    def _exchange(
        self, method: str, path: str, payload: Any, headers: Mapping[str, str]
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        """Send one request: status, headers (as httpx merges them) and body of the answer.

        The request httpx would send (its default headers, Host, Content-Length or chunked)
        goes straight to the app in process (`ASGICaller`), or to urllib3's pool over HTTP
        (`PooledTransport.exchange`): no client round of auth, redirects, cookies and
        response streams for each of the thousands of requests of a run. A session over
        another client (a transport of a test's own) sends through that client.
        """
        if self._caller is None and self._pooled is None:
            response = self.client.request(method, path, content=payload, headers=headers)
            return response.status_code, tuple(response.headers.items()), response.content
        request = self.client.build_request(
            method, self._url(path), content=payload, headers=headers
        )
        if self._pooled is not None:
            return self._pooled.exchange(request)
        assert self._caller is not None
        chunks = [bytes(chunk) for chunk in request.stream]  # type: ignore[union-attr]
        answer = self._caller.call(request.method, str(request.url), request.headers.raw, chunks)
        broken = answer.framing_error()
        if broken is not None:  # over a socket, the client would fail to read it
            raise httpx.RemoteProtocolError(broken, request=request)
        merged = tuple(httpx.Headers(answer.headers).items())
        return answer.status, merged, bytes(answer.body)

    def _url(self, path: str) -> httpx.URL:
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = self.client.base_url.join(path)
        return url

    def send(
        self,
        body: Any,
        *,
        headers: Mapping[str, str | None] | None = None,
        auth: bool = True,
        observe: bool = True,
    ) -> tuple[Exchange, list[Violation]]:
        """POST a JSON body to the send endpoint; returns the exchange and what `observe` found."""
        exchange = self.request("POST", self.send_path, json_body=body, headers=headers, auth=auth)
        return exchange, (self.observe(exchange) if observe else [])

    def observe(self, exchange: Exchange) -> list[Violation]:
        """Apply the response rules of the contract to one exchange of the send endpoint."""
        if not any(seen is exchange for seen in self.log[-4:]):
            self.coverage.record(exchange)  # sent by another engine (Schemathesis, client)
        return self.observer.observe(self, exchange)

    def _count(self) -> None:
        with self._count_lock:
            self.cases += 1
        self._mine.cases = self.thread_cases + 1

    @property
    def thread_cases(self) -> int:
        """The requests this thread has sent (a probe's, where probes run side by side)."""
        return getattr(self._mine, "cases", 0)

    @property
    def thread_last(self) -> Exchange | None:
        """The last exchange this thread sent."""
        return getattr(self._mine, "last", None)

    def _seen(self, exchange: Exchange) -> None:
        """Log an exchange this session sent and count it in the coverage map."""
        self._mine.last = exchange
        self.log.append(exchange)
        self.coverage.record(exchange)
