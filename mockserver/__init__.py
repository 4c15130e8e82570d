"""The mock server: docs/contract.md, executable, as an ASGI (Starlette) application.

    from mockserver import create_app
    app = create_app()                  # the demo account, the project's spec
    app.state.mock                      # its MockState: tokens, ledger, IDs, sandbox, behaviour

Layout (each module small, one job; `state` imports no behaviour):

- `state`: `MockState`, all the state (the spec, the account, the clock, tokens, ledger,
  IDs, sandbox), reachable as `app.state.mock`; its `behaviour` is set by `create_app`.
- `app`: `create_app()`, the sandbox endpoints (`GET`/`DELETE /_sandbox/messages`).
- `behaviour`: `Behaviour`, put together from the parts below; `handle` runs the checks in
  the order of the spec's `x-contract.checks` (`routing_order`, then the operation's own:
  `send_order` through the `stage_<check>` methods for the send, `served_order` for the
  others), a check that needs what a later one reads (the body, the charset, the JSON)
  reading it first.
- `core`: `Failure`, `BehaviourCore` (`state`, `fail(check_id, reason)` with the spec's
  status and code, `error_answer`, `negotiate`).
- `http_checks`: `check_path`, `check_method`, `check_http`, `check_auth`,
  `check_media_type`, `read_body`/`check_size`, `check_charset`, `check_json`,
  `check_schema`. `jsonread`: the JSON reader (no NaN, Infinity, too long numbers).
- `rules`: one `check_<rule>` per business rule of `x-contract.checks`, in the spec's order
  (`rule_methods`), and `check_nobody_left` after invalid-recipient; `resolve` computes
  who the recipients reach once, a frozen `Reach` (or the invalid-recipient `Failure`),
  which invalid-recipient sets on the context (`ctx.reach`).
- `steps`: the accepted send: `message_text`, `count_parts` (one frozen `Message`),
  `price`, `result`, `check_balance` (a `Debit`), `issue_ids` (an `Issued`),
  `build_success`, `record`; `send` sets each value on the context once.
  `context`: `SendContext` (each value set once, a `SetOnce`; `recipients` and `options`
  read from the body), `Reach`, `Message`, `Issued`.
- `token`: `POST /Token` (`token`, `client_credentials`, `token_error`).
- `operations`: every other operation of the spec (`serve_operation`: `check_security`,
  `check_scheme`, `read_operation_body`, `check_operation_request`, `spec_answer`).
- `routes`: the route table of the spec's `paths` (templates, methods, operations).
  `served`: reading parameters and bodies against their schemas, the planned answer of an
  operation served from the spec. `instances`: a valid instance of a schema.
- `validation`: the request schema (jsonschema_rs fast path, jsonschema for the reasons).
- `parts`: SMS part counting. `ledger`: credits and message IDs. `tokens`: bearer tokens.
  `sandbox`: accepted messages. `http`: reading the body with a cap, writing answers.
  `instants`: RFC 3339 comparisons. `cli`: `twosms-contract mock` and `mock-sandbox`.
- `testing`: `MockClient` (a synchronous in-process client with a token at hand),
  `public_request()`, `raw_asgi_request()` (headers exactly as given, for malformed HTTP).

Tokens for tests: `state.issue_token()`, `state.mint_expired_token()`, or `clock=` to
`create_app` and move the clock past `token_lifetime`.

Changing one piece (for fault injection, or a server that differs on purpose): subclass
`Behaviour`, override the one method, and pass the class to `create_app`:

    class WrongAt160(Behaviour):
        def count_parts(self, text: str) -> PartCount:
            count = super().count_parts(text)
            return replace(count, parts=2) if count.units == 160 else count
    app = create_app(behaviour=WrongAt160)

Or swap it on a running app: `app.state.mock.behaviour = WrongAt160(app.state.mock)`
(the behaviour is looked up per request). Every check returns a `Failure` or None, so
`check_auth = lambda self, request: None` turns auth off, and a `build_success` that drops
a key breaks the 200 envelope. The state objects are plain too: `state.ledger`,
`state.ids`, `state.tokens`, `state.sandbox` can be replaced by subclasses of `Ledger`,
`MessageIds`, `TokenStore`, `Sandbox`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twosms_contract.lazy import lazy_attributes

if TYPE_CHECKING:
    from mockserver.app import SANDBOX_PATH, create_app
    from mockserver.behaviour import Behaviour
    from mockserver.context import Issued, Reach, SendContext
    from mockserver.core import Failure
    from mockserver.parts import PartCount, PartCounter, PartRules
    from mockserver.state import MockState

__all__ = [
    "SANDBOX_PATH",
    "Behaviour",
    "Failure",
    "Issued",
    "MockState",
    "PartCount",
    "PartCounter",
    "PartRules",
    "Reach",
    "SendContext",
    "create_app",
]

# Imported on first use, so that `twosms-contract` builds its parser without loading the
# app (Starlette, the validators): the CLI's other subcommands start faster.
_HOMES = {
    "SANDBOX_PATH": "mockserver.app",
    "MockState": "mockserver.state",
    "create_app": "mockserver.app",
    "Behaviour": "mockserver.behaviour",
    "Failure": "mockserver.core",
    "SendContext": "mockserver.context",
    "Issued": "mockserver.context",
    "Reach": "mockserver.context",
    "PartCount": "mockserver.parts",
    "PartCounter": "mockserver.parts",
    "PartRules": "mockserver.parts",
}


__getattr__ = lazy_attributes(__name__, _HOMES)
