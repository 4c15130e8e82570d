"""`pytest contract_tests`: the contract suite as plain pytest, one test per (check, rule).

The suite runs once per pytest session (the `suite_result` fixture) against the embedded
mock, or against a live server named by environment variables:

| variable | meaning |
|---|---|
| `TWOSMS_BASE_URL` | the server (absent: the embedded mock in process) |
| `TWOSMS_CLIENT_ID`, `TWOSMS_CLIENT_SECRET` | credentials for `POST /Token` |
| `TWOSMS_TOKEN` | a bearer token instead of credentials |
| `TWOSMS_SPEC` | the spec (default as the CLI's `--spec`) |
| `TWOSMS_FIXTURES` | the account facts (YAML or JSON; default the demo account) |
| `TWOSMS_PROFILE` | quick, ci (default) or thorough |
| `TWOSMS_MAX_EXAMPLES`, `TWOSMS_SEED`, `TWOSMS_WORKERS` | as the CLI's options |
| `TWOSMS_KEEP_BALANCE` | any value: leave out the exact-balance probe (it spends every credit) |
| `TWOSMS_REPORT` | write the Markdown report there too |

A usage or configuration error (unreachable server, refused credentials, bad fixtures)
stops the session with exit status 2 and a one-line message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contract_tests.runner import DEFAULT_PROFILE, run_suite
from contract_tests.verdict import SuiteResult
from twosms_contract.errors import ContractKitError


def _int(name: str) -> int | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pytest.exit(f"{name}={value!r} is not a whole number", returncode=2)


@pytest.fixture(scope="session")
def suite_result() -> SuiteResult:
    """One run of the whole suite, configured from the environment (see the module doc)."""
    from contract_tests.cli import open_session

    env = os.environ.get
    fixtures = env("TWOSMS_FIXTURES")
    spec = env("TWOSMS_SPEC")
    try:
        session = open_session(
            base_url=env("TWOSMS_BASE_URL") or None,
            fixtures=Path(fixtures) if fixtures else None,
            spec=Path(spec) if spec else None,
            client_id=env("TWOSMS_CLIENT_ID") or None,
            client_secret=env("TWOSMS_CLIENT_SECRET") or None,
            token=env("TWOSMS_TOKEN") or None,
        )
        try:
            result = run_suite(
                session,
                profile=env("TWOSMS_PROFILE") or DEFAULT_PROFILE,
                max_examples=_int("TWOSMS_MAX_EXAMPLES"),
                seed=_int("TWOSMS_SEED"),
                workers=_int("TWOSMS_WORKERS") or 1,
                spend_balance=not env("TWOSMS_KEEP_BALANCE"),
            )
        finally:
            session.close()
    except (ContractKitError, ValueError) as exc:
        pytest.exit(f"twosms-contract: error: {exc}", returncode=2)
    report = env("TWOSMS_REPORT")
    if report:
        from contract_tests.report import markdown_report

        Path(report).write_text(markdown_report(result), encoding="utf-8")
    return result
