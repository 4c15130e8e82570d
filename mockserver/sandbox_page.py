"""The sandbox as a web page at `/_sandbox/`, and the JSON it reads.

`GET /_sandbox/` is one HTML page (template `templates/sandbox.html.jinja`, styles and
script inline) that lists every accepted message, newest first, and in a second tab every
refused request with its code; it polls the JSON endpoints below, so new messages appear
without a reload. The JSON stays the API for tests:

- `GET /_sandbox/messages[?after=SEQ]`: the balance and the kept messages (oldest first),
  only those after `SEQ` when given; `DELETE` forgets them.
- `GET /_sandbox/refused[?after=SEQ]`: the kept refused requests; `DELETE` forgets them.

`RefusedRecorder` is the hook of the API endpoint: it keeps the start of each request's body
as it is read and records the request when its answer is a refusal.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mockserver.http import Answer, Message, Receive, Scope, encode_json
from mockserver.parts import PartCounter
from mockserver.sandbox import RefusedRequest

if TYPE_CHECKING:
    from mockserver.app import MockState

PAGE_PATH = "/_sandbox/"
MESSAGES_PATH = "/_sandbox/messages"
REFUSED_PATH = "/_sandbox/refused"
POLL_MILLISECONDS = 1000
_BODY_KEPT = 4096  # bytes of a refused request's body kept for the page


def part_ends(counter: PartCounter, text: str) -> tuple[int, ...]:
    """Where each SMS part of `text` ends: the index just past its last character.

    The same packing as `PartCounter.count`: a single part holds up to the single size; a
    longer text goes in parts of the multipart size, and a character of two units (an
    escape pair, a surrogate pair) that does not fit in what is left starts the next part.
    """
    if not text:
        return (0,)
    rules = counter.rules
    costs = counter.gsm7_costs(text)
    if costs is not None:
        single, multi = rules.gsm7_single, rules.gsm7_multi
    else:
        costs = counter.utf16_costs(text)
        single, multi = rules.ucs2_single, rules.ucs2_multi
    if sum(costs) <= single:
        return (len(text),)
    ends: list[int] = []
    used = 0
    for index, cost in enumerate(costs):
        if used + cost > multi:
            ends.append(index)
            used = 0
        used += cost
    ends.append(len(text))
    return tuple(ends)


class RefusedRecorder:
    """Wraps an ASGI `receive`: keeps the first bytes of the body and counts them all."""

    __slots__ = ("_receive", "kept", "size")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.kept = bytearray()
        self.size = 0

    async def __call__(self) -> Message:
        message = await self._receive()
        chunk = message.get("body", b"")
        if chunk:
            self.size += len(chunk)
            room = _BODY_KEPT - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]
        return message

    def record(self, state: MockState, scope: Scope, answer: Answer) -> None:
        """Keep the request in the sandbox when `answer` refused it."""
        if answer.status < 400:
            return
        code, reason = _code_of(answer.payload)
        content_type = None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"content-type":
                content_type = value.decode("latin-1")
                break
        sandbox = state.sandbox
        sandbox.record_refused(
            RefusedRequest(
                seq=sandbox.next_seq(),
                received_at=state.clock(),
                method=scope["method"],
                path=scope["path"],
                status=answer.status,
                code=code,
                reason=reason,
                content_type=content_type,
                body=bytes(self.kept).decode("utf-8", "replace"),
                body_bytes=self.size,
            )
        )


def _code_of(payload: Any) -> tuple[str | None, str | None]:
    """(code, reason) of an error answer: the contract's envelope, or OAuth's `error`."""
    if not isinstance(payload, dict):
        return None, None
    error = payload.get("Error")
    if isinstance(error, dict):
        code, reason = error.get("ErrorCode"), error.get("ErrorReason")
        return (
            code if isinstance(code, str) else None,
            reason if isinstance(reason, str) else None,
        )
    code, reason = payload.get("error"), payload.get("error_description")
    return code if isinstance(code, str) else None, reason if isinstance(reason, str) else None


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mockserver", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("sandbox.html.jinja")


def render_page(state: MockState) -> str:
    return _template().render(
        messages_path=MESSAGES_PATH,
        refused_path=REFUSED_PATH,
        poll=POLL_MILLISECONDS,
        user_id=state.account.user_id,
    )


def _after(request: Request) -> int:
    try:
        return int(request.query_params.get("after", "0"))
    except ValueError:
        return 0


def routes(state: MockState) -> list[Route]:
    """The sandbox's page and JSON endpoints."""

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(state), headers={"Cache-Control": "no-store"})

    async def messages(request: Request) -> Response:
        sandbox = state.sandbox
        if request.method == "DELETE":
            return _json({"cleared": sandbox.clear()})
        everything = sandbox.messages()
        after = _after(request)
        kept = [m.to_json() for m in everything if m.seq > after]
        return _json(
            {
                "balance": state.ledger.balance,
                "count": len(kept),
                "total": len(everything),
                "generation": sandbox.generation,
                "messages": kept,
            }
        )

    async def refused(request: Request) -> Response:
        sandbox = state.sandbox
        if request.method == "DELETE":
            return _json({"cleared": sandbox.clear_refused()})
        everything = sandbox.refused()
        after = _after(request)
        kept = [r.to_json() for r in everything if r.seq > after]
        return _json(
            {
                "count": len(kept),
                "total": len(everything),
                "generation": sandbox.generation,
                "refused": kept,
            }
        )

    return [
        Route(PAGE_PATH, page, methods=["GET"]),
        Route(MESSAGES_PATH, messages, methods=["GET", "DELETE"]),
        Route(REFUSED_PATH, refused, methods=["GET", "DELETE"]),
    ]


def _json(payload: Any) -> Response:
    """JSON with ASCII escapes, as the API answers: a text the API accepted may hold a lone
    surrogate, which has no UTF-8 form (Starlette's JSONResponse would fail on it)."""
    return Response(encode_json(payload), media_type="application/json")
