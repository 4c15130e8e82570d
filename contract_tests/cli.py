"""`twosms-contract test`: run the contract suite against the embedded mock or a live server.

Exit codes: 0 the server conforms, 1 it breaks the contract, 2 usage or configuration
errors (unreachable server, refused credentials, bad fixtures file), each one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract_tests.output import add_report_options, check_report_paths
from twosms_contract.options import add_fixtures_option, add_spec_option

if TYPE_CHECKING:
    from rich.console import Console

    from contract_tests.session import Session
    from contract_tests.shards import Shard
    from twosms_contract.spec import Spec

DEFAULT_PROFILE = "ci"  # kept equal to runner.DEFAULT_PROFILE (a test checks it)
PROFILE_NAMES = ("quick", "ci", "thorough")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not more than 0 seconds")
    return value


def _shard(text: str) -> Shard:
    from contract_tests.shards import Shard, ShardError

    try:
        return Shard.parse(text)
    except ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `test` subcommand to the `twosms-contract` parser."""
    parser = sub.add_parser(
        "test",
        help="run the contract suite against a server (default: the embedded mock)",
        description=(
            "Run the contract suite: targeted probes of every rule, domain properties and "
            "Schemathesis over the spec. Without --base-url, the embedded mock in process "
            "with the demo account. Exit 0 conforming, 1 violations, 2 usage errors."
        ),
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="a live server, e.g. http://127.0.0.1:8080"
    )
    parser.add_argument("--client-id", metavar="ID", help="client id for POST /Token")
    parser.add_argument("--client-secret", metavar="SECRET", help="client secret for POST /Token")
    parser.add_argument("--token", metavar="TOKEN", help="a bearer token to use instead of /Token")
    parser.add_argument(
        "--expired-token",
        metavar="TOKEN",
        help="a token the server issued that has expired, for the 401-on-expiry probe (a live "
        "server's tokens last as long as the spec's token lifetime, hours, so without it that "
        "probe runs only on the embedded mock)",
    )
    add_spec_option(parser, help="the spec the suite judges by (and the embedded mock serves)")
    add_fixtures_option(parser)
    parser.add_argument(
        "--profile",
        choices=PROFILE_NAMES,
        default=DEFAULT_PROFILE,
        help=f"how many examples (default: {DEFAULT_PROFILE})",
    )
    parser.add_argument(
        "--max-examples", metavar="N", type=_positive, help="examples per operation and property"
    )
    parser.add_argument("--seed", metavar="N", type=int, help="seed for reproducible runs")
    parser.add_argument(
        "--workers", metavar="N", type=_positive, default=1, help="Schemathesis workers"
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="run every stage in this process, one after the other (by default Schemathesis "
        "runs in two forked processes beside the other stages)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=10.0,
        help="how long to wait for each answer (10); three timeouts in a row end the run",
    )
    parser.add_argument(
        "--keep-balance",
        action="store_true",
        help="leave out the exact-balance probe, which ends the run by spending every credit "
        "of the account (a send costing exactly the balance must be accepted)",
    )
    parser.add_argument(
        "--example-db",
        metavar="DIR|redis://HOST:PORT/N",
        help="keep the properties' failing examples there (Hypothesis's directory or Redis "
        "database) and replay them first in every run that shares it; default: none",
    )
    parser.add_argument(
        "--shard",
        metavar="I/N",
        type=_shard,
        help="run shard I of N of the run (give every shard the same --seed and a server of "
        "its own; `merge-reports` joins their --json results)",
    )
    add_report_options(parser)
    parser.set_defaults(handler=_run, parser=parser)


def _check_usage(args: argparse.Namespace) -> None:
    parser: argparse.ArgumentParser = args.parser
    if (args.client_id is None) != (args.client_secret is None):
        parser.error("--client-id and --client-secret go together")
    if args.token is not None and args.client_id is not None:
        parser.error("--token replaces --client-id/--client-secret: give one or the other")
    if args.shard is not None and args.shard.count > 1 and args.seed is None:
        parser.error(
            f"--shard {args.shard} needs --seed: every shard of a run must draw the same cases"
        )
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        parser.error(f"--base-url {args.base_url!r} is not an http:// or https:// URL")
    check_report_paths(args)


def open_session(
    *,
    base_url: str | None,
    fixtures: Path | None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token: str | None = None,
    expired_token: str | None = None,
    timeout: float = 10.0,
    spec: Spec | Path | None = None,
) -> Session:
    """The session the arguments describe: the embedded mock, or a live server; `spec` (a
    loaded spec or a file; default: `paths.default_spec()`) is the one the suite judges by
    and the embedded mock serves."""
    from contract_tests.session import Session
    from twosms_contract.fixtures import load_account
    from twosms_contract.spec import Spec, load_spec

    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    account = load_account(fixtures)
    credentials: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": client_secret,
        "token": token,
    }
    if base_url is None:
        from mockserver import create_app

        app = create_app(account=account, spec=loaded)
        session = Session.for_app(app, account=account, spec=loaded, **credentials)
        # The embedded mock can mint an expired token, so the expiry probe applies too.
        session.expired_token = app.state.mock.mint_expired_token()
        return session
    session = Session.for_url(
        base_url, account=account, spec=loaded, timeout=timeout, **credentials
    )
    session.expired_token = expired_token
    return session


def _run(args: argparse.Namespace) -> int:
    _check_usage(args)
    from rich.console import Console

    from contract_tests.output import finish
    from contract_tests.runner import run_suite

    console = Console(stderr=True)
    example_db = None
    if args.example_db is not None:
        from contract_tests.exampledb import open_example_db

        example_db = open_example_db(args.example_db)
    session = open_session(
        base_url=args.base_url,
        fixtures=args.fixtures,
        spec=args.spec,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token=args.token,
        expired_token=args.expired_token,
        timeout=args.timeout,
    )
    session.example_db, session.example_db_name = example_db, args.example_db
    try:
        with _RichProgress(console) as progress:
            result = run_suite(
                session,
                profile=args.profile,
                max_examples=args.max_examples,
                seed=args.seed,
                workers=args.workers,
                progress=progress,
                # Schemathesis runs in forked processes beside the other stages.
                parallel=not args.serial,
                spend_balance=not args.keep_balance,
                **({"shard": args.shard} if args.shard is not None else {}),
            )
    finally:
        session.close()
    return finish(result, args)


class _RichProgress:
    """The runner's `Progress`, drawn with rich on stderr."""

    def __init__(self, console: Console) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[cases]} cases"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("starting", total=None, cases=0)

    def __enter__(self) -> _RichProgress:
        # The display (and its refresh thread) starts with the first stage: the runner
        # forks its Schemathesis processes before that, while this process has one thread.
        self._started = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            self._progress.__exit__(None, None, None)

    def stage(self, name: str) -> None:
        if not self._started:
            self._started = True
            self._progress.__enter__()
        self._progress.update(self._task, description=name)

    def advance(self, cases: int) -> None:
        self._progress.update(self._task, cases=cases)
