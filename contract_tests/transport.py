"""The suite's ways to reach an ASGI app in process (no socket), for httpx and requests.

The caller is the project's one (`twosms_contract.asgi.ASGICaller`). The suite judges a
server, so an exception inside the app is what a server would answer: `ServerCaller`
answers it as the app's own 500 when the app began one (Starlette's error middleware sends
it, then raises), else as a bare 500, the way uvicorn answers an app that fails before a
response. An answer whose Content-Length is not its length fails as it would over a
socket (httpx's `RemoteProtocolError`).

- `suite_transport(app)`: `httpx.Client(transport=suite_transport(app))`.
- `ASGIAdapter`: a `requests` adapter (Schemathesis's engine sends with `requests`);
  `in_process` mounts it for a Schemathesis schema; `bearer_provider` is its auth.
"""

from __future__ import annotations

import http
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3

from twosms_contract.asgi import HOST, AppAnswer, ASGICaller, SyncASGITransport

__all__ = [
    "HOST",
    "ASGIAdapter",
    "AppAnswer",
    "ServerCaller",
    "bearer_provider",
    "in_process",
    "suite_transport",
]


class ServerCaller(ASGICaller):
    """An `ASGICaller` that answers an exception of the app with a 5xx, as a server would."""

    def call(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[bytes, bytes]],
        chunks: list[bytes],
        *,
        disconnect: bool = False,
        into: AppAnswer | None = None,
    ) -> AppAnswer:
        answer = into if into is not None else AppAnswer()
        try:
            return super().call(method, url, headers, chunks, disconnect=disconnect, into=answer)
        except Exception:
            if answer.started:  # the app's own 500, sent before it raised
                return answer
            return AppAnswer(
                status=500, headers=[(b"content-type", b"text/plain")], started=True, method=method
            )


def suite_transport(app: Any) -> SyncASGITransport:
    """An httpx transport to `app` whose app errors are 5xx answers (`ServerCaller`)."""
    return SyncASGITransport(app, caller=ServerCaller(app))


def _octets(text: str | bytes) -> bytes:
    """A header name or value as it goes on the wire."""
    return text if isinstance(text, bytes) else text.encode("latin-1")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class ASGIAdapter(requests.adapters.HTTPAdapter):
    """Mount on a `requests.Session` to send its requests to an ASGI app in process."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self._caller = ServerCaller(app)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = str(request.url)
        body: Any = request.body
        if body is None:
            chunks: list[bytes] = []
        elif isinstance(body, str):
            chunks = [body.encode("utf-8")]
        elif isinstance(body, bytes | bytearray):
            chunks = [bytes(body)]
        else:  # an iterable of chunks: sent without Content-Length
            chunks = [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body]
        headers = [(b"host", (urlsplit(url).netloc or HOST).encode("latin-1"))]
        headers += [
            (_octets(key), _octets(value))
            for key, value in request.headers.items()
            if _octets(key).lower() != b"host"
        ]
        answer = self._caller.call(str(request.method), url, headers, chunks)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(bytes(answer.body)),
            headers=urllib3.HTTPHeaderDict(
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers]
            ),
            status=answer.status,
            version=11,
            reason=_reason(answer.status),
            preload_content=False,
            decode_content=False,
            request_method=request.method,
        )
        return self.build_response(request, raw)

    def close(self) -> None:
        # Several sessions may share the adapter: a request after a close opens a new loop.
        self._caller.close()


def bearer_provider(token: str, unsecured: set[tuple[str, str]]) -> type:
    """An auth provider class (Schemathesis instantiates it) that sends the session's token
    to every operation but those whose security is `[]` (`unsecured`: method and path)."""

    class BearerFromSession:
        def get(self, case: Any, context: Any) -> str:
            return token

        def set(self, case: Any, data: str, context: Any) -> None:
            if (str(case.operation.method).upper(), case.operation.path) in unsecured:
                return  # the operation declares no security (the token endpoint)
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return BearerFromSession


def in_process(schema: Any, app: Any) -> ASGIAdapter:
    """Send `schema`'s requests to `app` in process, in the caller's thread.

    Schemathesis's own ASGI transport opens a test client per case and hops to an event-loop
    thread for each request, which costs as much as a loopback socket. Here the requests are
    serialized exactly as over HTTP (Schemathesis's `requests` transport, base URL
    `http://testserver`), and a `requests` adapter mounted on the engine's sessions hands
    them to the app (`contract_tests.transport.ASGIAdapter`): an exception in the app
    becomes a 500, as a real server answers it. The schema's class gets one override, its
    `transport` property (Schemathesis reads the transport from the schema everywhere).
    Close the returned adapter when the run is over.
    """
    from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport

    adapter = ASGIAdapter(app)
    prefix = f"http://{HOST}"

    class InProcessTransport(RequestsTransport):
        def send(self, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
            import requests

            if session is None:
                session = requests.Session()
            if session.adapters.get(prefix) is not adapter:
                session.mount(prefix, adapter)
                session.trust_env = False  # no proxy or .netrc applies in process
            return super().send(case, session=session, **kwargs)

    transport = InProcessTransport()
    transport._copy_serializers_from(REQUESTS_TRANSPORT)
    base = type(schema)
    schema.__class__ = type(
        f"InProcess{base.__name__}", (base,), {"transport": property(lambda _self: transport)}
    )
    return adapter
