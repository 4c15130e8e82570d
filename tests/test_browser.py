"""What a person sees, in headless Chromium: the HTML report and the sandbox page.

Each test saves screenshots under its `tmp_path` (desktop and phone width).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from contract_tests import ids
from contract_tests.html_report import html_report
from contract_tests.runner import run_suite
from contract_tests.session import Session
from contract_tests.verdict import rule_id
from mockserver import Behaviour, Failure, create_app
from mockserver.http import HttpRequest
from mockserver.testing import public_request
from tests.browser import PHONE, browser_page, fits_width
from tests.loopback import served
from twosms_contract.fixtures import load_account
from twosms_contract.spec import load_spec

SPEC = load_spec()
SEND = "/api/v2/sms/messages"


class _NoAuth(Behaviour):
    """A server that forgets to check the bearer token."""

    def check_auth(self, request: HttpRequest) -> Failure | None:
        return None


def _broken_report(tmp_path: Path) -> Path:
    account = load_account()
    app = create_app(account=account, spec=SPEC, behaviour=_NoAuth)
    session = Session.for_app(app, account=account, spec=SPEC)
    try:
        result = run_suite(session, profile="quick", seed=1, stages=("probes",))
    finally:
        session.close()
    assert result.rule(*ids.AUTH_UNAUTHORIZED) in result.failed
    path = tmp_path / "report.html"
    path.write_text(html_report(result), encoding="utf-8")
    return path


def test_the_html_report_shows_the_failing_rule(tmp_path: Path) -> None:
    report = _broken_report(tmp_path)
    failing = rule_id(*ids.AUTH_UNAUTHORIZED)
    with browser_page(tmp_path) as page:
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(report.as_uri())
        assert "breaks the contract" in page.inner_text("#verdict")
        # What the window shows first (a full-page shot of a long report takes a software
        # renderer many seconds), then the failure itself.
        page.screenshot(path=str(tmp_path / "report.png"))
        section = page.locator(f"#rule-{failing}")
        assert section.is_visible()
        section.screenshot(path=str(tmp_path / "report-failure.png"))
        shown = section.inner_text()
        assert f"{failing} auth / Unauthorized" in shown
        assert "Received" in shown and "Expected" in shown and "curl -i -X POST" in shown
        assert "from twosms_client import" in shown or "import httpx" in shown
        assert page.locator("#boundary-table").is_visible()
        assert page.locator("#never-exercised").count() == 1
        page.click("button[data-filter=failed]")
        row = page.locator("tr.rule", has_text=failing)
        assert row.is_visible() and "failed" in row.inner_text()
        assert page.locator("tr.rule[data-verdict=passed]:visible").count() == 0
        page.fill("#rule-search", failing.lower())
        assert page.locator("tr.rule:visible").count() == 1
        page.locator("#rules").screenshot(path=str(tmp_path / "report-rules.png"))
        assert fetched == [report.as_uri()], f"the report fetched {fetched[1:]}"
    with browser_page(tmp_path, viewport=PHONE) as phone:
        phone.goto(report.as_uri())
        assert phone.locator(f"#rule-{failing}").is_visible()
        assert fits_width(phone), "the report scrolls sideways at phone width"
        phone.screenshot(path=str(tmp_path / "report-phone.png"))
    assert (tmp_path / "report.png").stat().st_size > 0


def test_the_sandbox_page_shows_messages_as_they_arrive(tmp_path: Path) -> None:
    app = create_app(spec=SPEC)
    token = app.state.mock.issue_token()
    parts = SPEC.terms.parts
    text = "a" * (parts.gsm7_single + 1)  # 161 characters: two parts
    with served(app) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {token}"}
        with browser_page(tmp_path) as page:
            page.goto(f"{base}/_sandbox/")
            page.wait_for_selector("#live:has-text('live')")
            assert page.inner_text("#message-count") == "0"
            accepted = client.post(
                SEND,
                json=public_request(Content=text, Options={"Reference": "order-42"}),
                headers=headers,
            )
            assert accepted.status_code == 200
            refused = client.post(SEND, json=public_request(Contacts={}), headers=headers)
            assert refused.status_code == 400
            # No reload: the page picks the message up by itself.
            card = page.wait_for_selector("article.message")
            assert card is not None
            page.wait_for_selector("#message-count:has-text('1')")
            shown = card.inner_text()
            assert "GSM-7" in shown and "order-42" in shown and "+12345678901" in shown
            page.wait_for_selector("#refused-count:has-text('1')")  # the page asked for nothing
            part_texts = [s.inner_text() for s in card.query_selector_all(".part")]
            assert [len(t) for t in part_texts] == [parts.gsm7_multi, len(text) - parts.gsm7_multi]
            rows = [r.inner_text() for r in card.query_selector_all("tr.part-row")]
            assert len(rows) == 2
            assert f"character {parts.gsm7_multi}" in rows[0]
            assert f"character {len(text)}" in rows[1]
            assert page.inner_text("#balance") == str(app.state.mock.ledger.balance)
            page.screenshot(path=str(tmp_path / "sandbox.png"), full_page=True)

            page.fill("#search", "order-42")
            assert page.locator("article.message:visible").count() == 1
            page.fill("#search", "no such text")
            assert page.locator("article.message:visible").count() == 0
            page.fill("#search", "")

            page.click("#tab-refused")
            refusal = page.wait_for_selector("article.refused")
            assert refusal is not None and "NoRecipients" in refusal.inner_text()
            assert page.locator("#messages").is_hidden()
            page.screenshot(path=str(tmp_path / "sandbox-refused.png"), full_page=True)

            page.click("#clear")
            page.wait_for_selector("#message-count:has-text('0')")
            assert page.locator("article").count() == 0
            assert client.get("/_sandbox/messages").json()["count"] == 0
        client.post(SEND, json=public_request(Content=text), headers=headers)
        with browser_page(tmp_path, viewport=PHONE) as phone:
            phone.goto(f"{base}/_sandbox/")
            phone.wait_for_selector("article.message")
            assert fits_width(phone), "the sandbox scrolls sideways at phone width"
            phone.screenshot(path=str(tmp_path / "sandbox-phone.png"), full_page=True)
    assert (tmp_path / "sandbox.png").stat().st_size > 0
