"""`twosms-contract mock` (serve the mock) and `twosms-contract mock-sandbox` (print or clear
what a running mock has accepted)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any

from twosms_contract.errors import ContractKitError
from twosms_contract.options import add_fixtures_option, add_spec_option


class SandboxUnreachable(ContractKitError):
    """The sandbox endpoint of a running mock could not be read."""


def _serve(args: argparse.Namespace) -> int:
    from mockserver.app import SANDBOX_PATH, create_app
    from mockserver.serving import serve
    from twosms_contract.fixtures import load_account
    from twosms_contract.spec import load_spec

    account = load_account(args.fixtures)
    app = create_app(account=account, spec=load_spec(args.spec))
    base = f"http://{args.host}:{args.port}"
    print(f"2SMS mock server on {base}")
    print(f"  token:    POST {base}/Token  grant_type=client_credentials")
    print(f"            client_id={account.client_id}  client_secret={account.client_secret}")
    print(f"  send:     POST {base}/api/v2/sms/messages  (Authorization: Bearer <token>)")
    print(f"  sandbox:  GET|DELETE {base}{SANDBOX_PATH}  (or: twosms-contract mock-sandbox)")
    print(f"            in a browser: {base}/_sandbox/")
    print(f"  account:  {account.user_id}, balance {account.balance}")
    sys.stdout.flush()
    serve(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from mockserver.app import SANDBOX_PATH

    url = args.url.rstrip("/") + SANDBOX_PATH
    request = urllib.request.Request(url, method="DELETE" if args.clear else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            data: dict[str, Any] = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SandboxUnreachable(f"{url}: {exc}") from None
    if args.clear:
        print(f"cleared {data.get('cleared', 0)} message(s)")
    elif args.json:
        text = json.dumps(data, indent=2, ensure_ascii=False)
        # A lone surrogate (a JSON string may hold one) has no UTF-8 form: write it as the
        # JSON escape it came as.
        print(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    else:
        print(render_messages(data))
    return 0


def render_messages(data: dict[str, Any]) -> str:
    """A human-readable list of the sandbox's messages."""
    messages = data.get("messages", [])
    lines = [f"{len(messages)} message(s); balance {data.get('balance')}"]
    for m in messages:
        to = ", ".join([*m["sms"], *m["emails"]])
        lines.append(
            f"#{m['seq']} {m['received_at']} type {m['type']} {m['result']}: "
            f"{m['parts']} part(s) {m['encoding']}, {m['credits']} credit(s) -> {to}"
        )
        lines.append(f"    {m['text']!r}")
        ids = m["advanced_message_id"] or ", ".join(
            f"{n}: {' '.join(v)}" for n, v in m["standard_message_ids"].items()
        )
        lines.append(f"    IDs: {ids}")
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `mock` and `mock-sandbox` to the CLI."""
    serve = sub.add_parser("mock", help="serve the mock server (the contract, executable)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (8080)")
    add_fixtures_option(serve)
    add_spec_option(serve)
    serve.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn's log level (warning); info also logs each request",
    )
    serve.set_defaults(handler=_serve)
    box = sub.add_parser("mock-sandbox", help="print (or clear) what a running mock accepted")
    box.add_argument("--url", default="http://127.0.0.1:8080", help="the mock's base URL")
    box.add_argument("--clear", action="store_true", help="forget the kept messages")
    box.add_argument("--json", action="store_true", help="print the raw JSON")
    box.set_defaults(handler=_sandbox)
