"""The success invariants of every 200 of the send endpoint (check `success-invariants`,
docs/contract.md "What a 200 says"), with the account's facts when the request's answer is fixed
by them (`oracle.judge`); and the helpers every response rule uses. They judge and write
nothing: `observer.Observer` applies them with the `response` rules (`envelope`) and keeps
what spans the run.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from contract_tests import ids
from contract_tests.core import Exchange, Judged, Violation, violation
from contract_tests.oracle import Delivery, Refusal, judge, parse_time
from contract_tests.sms import counter_for

RESPONSE, SUCCESS = ids.RESPONSE, ids.SUCCESS
#: Every (check, rule) that `Observer.observe` can report.
RULES: tuple[tuple[str, str], ...] = (*ids.RESPONSE_RULES, *ids.SUCCESS_RULES)
_COUNTS = (
    "NoOfContacts",
    "NoOfQuickRecipients",
    "NoOfSMS",
    "NoOfEmails",
    "PreTransaction",
    "PostTransaction",
    "CreditsUsed",
)
_DECIMAL = re.compile(r"^[0-9]+$")
# A send date this close to the run's clock may be either side of "now" on the server.
_CLOCK_SLACK = timedelta(minutes=10)


def json_violation(
    exchange: Exchange, check: str, rule: str, message: str, received: Any, expected: Any
) -> Violation:
    """`core.violation`, with JSON values shown as JSON."""

    def shown(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, default=str)

    return violation(exchange, check, rule, message, shown(received), shown(expected))


def request_json(exchange: Exchange) -> Any:
    """The JSON the request carried, or None when it carried none that parses."""
    if exchange.request.json_body is not None:
        return exchange.request.json_body
    body = exchange.request.body
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # a request nested deeper than Python parses
        return None


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def response_json(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.response.body)
    except (ValueError, RecursionError):
        return None


def post_transaction(exchange: Exchange) -> int | None:
    """The answer's `PostTransaction`, when it has one that is a number."""
    try:
        return int(response_json(exchange)["ResponseData"]["Detail"]["PostTransaction"])
    except (TypeError, KeyError, ValueError):
        return None


def _count(detail: dict[str, Any], name: str) -> int:
    return int(detail[name])


# What the observer judges across the run (ledger continuity, unique IDs) for one 200.
RunRules = Callable[[Judged, Exchange, int, int, dict[str, Any]], list[Violation]]


def success_rules(session: Judged, exchange: Exchange, across: RunRules) -> list[Violation]:
    """The success invariants of one 200 whose envelope conforms; `across` judges the
    rules that span the run (`Observer`)."""
    body = response_json(exchange)
    data = body["ResponseData"]
    detail = data["Detail"]
    message_ids = detail["IDs"]
    found: list[Violation] = []

    def fail(rule: str, message: str, received: Any, expected: Any) -> None:
        found.append(json_violation(exchange, SUCCESS, rule, message, received, expected))

    for name in _COUNTS:
        if not _DECIMAL.match(str(detail[name])):
            fail(
                ids.COUNTS_ARE_DECIMAL.rule,
                f"{name} is not a decimal count",
                detail[name],
                "digits",
            )
    if found:
        return found
    pre, post = _count(detail, "PreTransaction"), _count(detail, "PostTransaction")
    used, sms = _count(detail, "CreditsUsed"), _count(detail, "NoOfSMS")
    if used != pre - post or used != sms:
        fail(
            ids.CREDITS_ARITHMETIC.rule,
            "CreditsUsed, PreTransaction - PostTransaction and NoOfSMS differ",
            {"PreTransaction": pre, "PostTransaction": post, "CreditsUsed": used, "NoOfSMS": sms},
            "CreditsUsed = PreTransaction - PostTransaction = NoOfSMS",
        )
    found.extend(across(session, exchange, pre, post, message_ids))
    request = request_json(exchange)
    if not isinstance(request, dict):
        return found
    found.extend(_against_request(session, exchange, request, data))
    return found


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _against_request(
    session: Judged, exchange: Exchange, request: dict[str, Any], data: dict[str, Any]
) -> list[Violation]:
    found: list[Violation] = []
    detail, message_ids = data["Detail"], data["Detail"]["IDs"]

    def fail(rule: str, message: str, received: Any, expected: Any) -> None:
        found.append(json_violation(exchange, SUCCESS, rule, message, received, expected))

    text = detail["MessageText"]
    kind = request.get("Type")
    if (
        "Template" not in request
        and isinstance(request.get("Content"), str)
        and text != request["Content"]
    ):
        fail(
            ids.MESSAGE_TEXT.rule,
            "MessageText is not the request's Content",
            text,
            request["Content"],
        )
    quick = request.get("Contacts", {}).get("QuickRecipients") or {}
    # Keys are distinct strings; e-mail keys that differ only in case may count once.
    allowed = {len(quick), len({k if k.startswith("+") else k.lower() for k in quick})}
    if int(detail["NoOfQuickRecipients"]) not in allowed:
        fail(
            ids.QUICK_RECIPIENT_COUNT.rule,
            "NoOfQuickRecipients is not the number of QuickRecipients",
            detail["NoOfQuickRecipients"],
            str(len(quick)),
        )
    standard = message_ids["StandardMessageIDs"]
    n_parts = counter_for(session.spec.terms.parts).parts(text)
    if kind == 1:
        if message_ids["AdvancedMessageID"] is not None:
            fail(
                ids.STANDARD_IDS.rule,
                "a standard message has an AdvancedMessageID",
                message_ids["AdvancedMessageID"],
                None,
            )
        wrong = {k: len(v) for k, v in standard.items() if len(v) != n_parts}
        if wrong:
            fail(
                ids.SUCCESS_SMS_PARTS.rule,
                f"a recipient's list of message IDs is not one per part of MessageText "
                f"({n_parts} parts)",
                wrong,
                f"{n_parts} IDs per SMS recipient",
            )
        if sum(len(v) for v in standard.values()) != int(detail["NoOfSMS"]):
            fail(
                ids.STANDARD_IDS.rule,
                "NoOfSMS is not the number of StandardMessageIDs",
                detail["NoOfSMS"],
                str(sum(len(v) for v in standard.values())),
            )
        all_ids = [i for v in standard.values() for i in v]
        if len(set(all_ids)) != len(all_ids):
            fail(
                ids.UNIQUE_IDS.rule,
                "a message ID repeats within one response",
                all_ids,
                "distinct IDs",
            )
    elif kind in (0, 2):
        if not is_uuid(message_ids["AdvancedMessageID"]):
            fail(
                ids.SUCCESS_ADVANCED_IDS.rule,
                f"a Type {kind} message has no UUID AdvancedMessageID",
                message_ids["AdvancedMessageID"],
                "a UUID",
            )
        if standard != {}:
            fail(
                ids.SUCCESS_ADVANCED_IDS.rule,
                f"a Type {kind} message has StandardMessageIDs",
                standard,
                {},
            )
    found.extend(_result(exchange, request, data))
    found.extend(_against_account(session, exchange, request, data, n_parts))
    return found


def _result(exchange: Exchange, request: dict[str, Any], data: dict[str, Any]) -> list[Violation]:
    options = request.get("Options") or {}
    send_at = (
        parse_time(options["DateToSend"]) if isinstance(options.get("DateToSend"), str) else None
    )
    now = datetime.now(UTC)
    if "DateToSend" in options and send_at is None:
        return []  # a date-time this reading cannot place (a leap second, say)
    if send_at is not None and abs(send_at - now) < _CLOCK_SLACK:
        return []  # too close to call
    scheduled = request.get("Type") == 2 or (send_at is not None and send_at > now)
    expected = "Scheduled" if scheduled else "Sent"
    if data["Result"] != expected:
        why = (
            "Type is 2"
            if request.get("Type") == 2
            else ("DateToSend is in the future" if scheduled else "the message is sent now")
        )
        return [
            json_violation(
                exchange,
                *ids.SUCCESS_RESULT,
                f"Result should be {expected}: {why}",
                data["Result"],
                expected,
            )
        ]
    return []


def _ambiguous(request: dict[str, Any], verdict: Refusal) -> bool:
    """Where a refusal is not certain: an expiry judged against "now" (no future
    DateToSend) depends on the server's clock; a Sender with letters outside ASCII is
    "letters" to a Unicode-minded reading of docs/contract.md (the spec decides ASCII)."""
    options = request.get("Options") or {}
    if verdict.code == "InvalidSender":
        sender = options.get("Sender")
        return isinstance(sender, str) and not sender.isascii()
    if verdict.code != "InvalidExpiry":
        return False
    send_at = parse_time(str(options.get("DateToSend", "")))
    return send_at is None or send_at < datetime.now(UTC) + _CLOCK_SLACK


def _against_account(
    session: Judged,
    exchange: Exchange,
    request: dict[str, Any],
    data: dict[str, Any],
    n_parts: int,
) -> list[Violation]:
    verdict = judge(request, session.account, session.spec)
    found: list[Violation] = []

    def fail(rule: str, message: str, received: Any, expected: Any) -> None:
        found.append(json_violation(exchange, SUCCESS, rule, message, received, expected))

    if isinstance(verdict, Refusal) and not _ambiguous(request, verdict):
        fail(
            ids.ACCEPTED_INVALID.rule,
            f"a request the contract refuses was accepted: {verdict.why}",
            "200",
            f"{verdict.status} {verdict.code}",
        )
        return found
    if not isinstance(verdict, Delivery):
        return found
    detail = data["Detail"]
    if data["Identification"]["UserId"] != session.account.user_id:
        fail(
            ids.USER_ID.rule,
            "Identification.UserId is not the account's",
            data["Identification"]["UserId"],
            session.account.user_id,
        )
    if detail["MessageText"] != verdict.text:
        fail(
            ids.MESSAGE_TEXT.rule,
            "MessageText is not the text the request produces",
            detail["MessageText"],
            verdict.text,
        )
        return found
    expected = {
        "NoOfContacts": str(len(verdict.contacts)),
        "NoOfEmails": str(len(verdict.emails)),
        "NoOfSMS": str(verdict.sms_parts),
    }
    received = {k: detail[k] for k in expected}
    # Compared as numbers: a decimal string may have leading zeros (counts-are-decimal
    # judges the notation).
    if {k: _number(v) for k, v in received.items()} != {k: int(v) for k, v in expected.items()}:
        rule = (
            ids.SUCCESS_SMS_PARTS.rule
            if received["NoOfSMS"] != expected["NoOfSMS"]
            and (received["NoOfContacts"], received["NoOfEmails"])
            == (expected["NoOfContacts"], expected["NoOfEmails"])
            else ids.FIXTURE_COUNTS.rule
        )
        fail(
            rule,
            f"counts differ from the account's facts ({n_parts} part(s) x "
            f"{len(verdict.sms_numbers)} SMS number(s), {len(verdict.emails)} e-mail(s), "
            f"{len(verdict.contacts)} contact(s))",
            received,
            expected,
        )
    standard = data["Detail"]["IDs"]["StandardMessageIDs"]
    if request.get("Type") == 1 and set(standard) != set(verdict.sms_numbers):
        fail(
            ids.STANDARD_IDS.rule,
            "StandardMessageIDs are not keyed by the SMS recipients' numbers",
            sorted(standard),
            sorted(verdict.sms_numbers),
        )
    return found
