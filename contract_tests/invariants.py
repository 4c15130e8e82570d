"""The response rules of the contract, applied to every exchange of the send endpoint.

Check `response` (envelope and schema of every answer, headers of 401/405, media type),
and on every 200 the check `success-invariants` (CONTRACT.md "What a 200 says"), with the
account's facts when the request's answer is fixed by them (`oracle.judge`).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from contract_tests import ids
from contract_tests.core import Exchange, Violation, violation
from contract_tests.oracle import Delivery, Refusal, judge, parse_time
from contract_tests.sms import counter_for

if TYPE_CHECKING:
    from contract_tests.session import Session

RESPONSE, SUCCESS = ids.RESPONSE, ids.SUCCESS
#: Every (check, rule) that `check_exchange` can report.
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


def wanted_media_types(exchange: Exchange) -> set[str]:
    """The answer media types the request's Accept allows (CONTRACT.md: `text/json` when
    Accept asks for it, else `application/json`). `text/json` is asked for when it has a
    higher q than `application/json`; at equal q (both listed, or a wildcard) either answer
    is right; at q=0 it is refused."""
    accept = ", ".join(v for k, v in exchange.request.headers if k.lower() == "accept")
    quality: dict[str, float] = {}
    for item in accept.split(","):
        kind, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        kind = kind.strip().lower()
        if kind:
            quality[kind] = max(quality.get(kind, 0.0), q)
    text_q = quality.get("text/json", 0.0)
    json_q = max(
        quality.get("application/json", 0.0),
        quality.get("application/*", 0.0),
        quality.get("*/*", 0.0),
    )
    if text_q <= 0 or text_q < json_q:
        return {"application/json"}
    if text_q > json_q:
        return {"text/json"}
    return {"text/json", "application/json"}


def check_envelope(session: Session, exchange: Exchange) -> list[Violation]:
    """The envelope, media type and headers of any answer that uses the 2SMS envelope."""
    response = exchange.response
    status = response.status
    if status == 0:
        why = response.header("x-no-answer") or "no answer"
        return [
            json_violation(
                exchange,
                *ids.NO_ANSWER,
                f"the server gave no answer ({why})",
                why,
                "an HTTP answer to every request",
            )
        ]
    if status >= 500:
        return [
            json_violation(
                exchange,
                *ids.NOT_A_SERVER_ERROR,
                f"the server answered {status}",
                status,
                "no 5xx, whatever the request",
            )
        ]
    found: list[Violation] = []
    terms = session.spec.terms
    documented = terms.documented_statuses(*terms.operation("sendMessages"))
    if status not in documented:
        found.append(
            json_violation(
                exchange,
                *ids.DOCUMENTED_STATUS,
                f"status {status} is not in the spec",
                status,
                sorted(documented),
            )
        )
    media = (response.header("content-type") or "").split(";")[0].strip().lower()
    wanted = wanted_media_types(exchange)
    if media not in wanted:
        found.append(
            json_violation(
                exchange,
                *ids.RESPONSE_MEDIA_TYPE,
                f"Content-Type {media or '(none)'} for Accept of the request",
                media or "(none)",
                " or ".join(sorted(wanted)),
            )
        )
    raw = response.body
    try:
        raw.decode("utf-8")
        utf8 = not raw.startswith(b"\xef\xbb\xbf")
    except UnicodeDecodeError:
        utf8 = False
    if not utf8:
        found.append(
            json_violation(
                exchange,
                *ids.RESPONSE_UTF8,
                "the body is not UTF-8 without a byte order mark (RFC 8259 §8.1)",
                raw[:40],
                "UTF-8 JSON text",
            )
        )
    body = response_json(exchange)
    schema = "SendSuccessResponse" if status == 200 else "ErrorResponse"
    errors = (
        []
        if session.spec.conforms(schema, body)
        else [
            f"$.{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in session.spec.schema_validator(schema).iter_errors(body)
        ]
    )
    if errors:
        found.append(
            json_violation(
                exchange,
                *ids.ENVELOPE_SCHEMA,
                f"the {status} body does not match {schema}: {errors[0]}",
                body if body is not None else response.body[:200].decode("utf-8", "replace"),
                f"a {schema} (" + "; ".join(errors[:3]) + ")",
            )
        )
        return found
    if status != 200:
        found.extend(_error_rules(session, exchange, body["Error"]))
    return found


def _error_rules(session: Session, exchange: Exchange, error: dict[str, Any]) -> list[Violation]:
    found = []
    status = exchange.response.status
    code = error["ErrorCode"]
    terms = session.spec.terms
    statuses = terms.statuses
    if statuses.get(code) != status:
        found.append(
            json_violation(
                exchange,
                *ids.CODE_STATUS,
                f"ErrorCode {code} came with status {status}",
                f"{status} {code}",
                f"{statuses.get(code)} {code}",
            )
        )
    if status == terms.check("auth").status:
        challenges = [v for k, v in exchange.response.headers if k.lower() == "www-authenticate"]
        challenge = ", ".join(challenges)
        # One of the challenges (several may share a header, RFC 9110 §11.6.1) is Bearer.
        if not re.search(r"(^|,)\s*bearer(\s|,|$)", challenge, re.IGNORECASE):
            found.append(
                json_violation(
                    exchange,
                    *ids.WWW_AUTHENTICATE,
                    "a 401 without a Bearer challenge",
                    challenge or "(no WWW-Authenticate)",
                    "WWW-Authenticate: Bearer",
                )
            )
    if status == terms.check("method").status:
        allow = exchange.response.header("allow") or ""
        wanted = allowed_methods(session, exchange)
        # Empty list elements are ignored (RFC 9110 §5.6.1.2).
        if {m.strip().upper() for m in allow.split(",") if m.strip()} != set(wanted):
            found.append(
                json_violation(
                    exchange,
                    *ids.ALLOW_HEADER,
                    "a 405 whose Allow is not exactly the methods the spec gives the path",
                    allow or "(no Allow)",
                    f"Allow: {', '.join(wanted)}",
                )
            )
    return found


def allowed_methods(session: Session, exchange: Exchange) -> list[str]:
    """The methods of the spec's path item that the request's path reaches (the send
    path's when it reaches none: a 405 there is wrong anyway, 404 is the answer)."""
    from urllib.parse import unquote, urlsplit

    from contract_tests.operations import path_methods

    path = unquote(urlsplit(exchange.request.url).path)
    methods = path_methods(session.spec, path)
    if methods is None:
        methods = path_methods(session.spec, session.send_path) or []
    return methods


def _count(detail: dict[str, Any], name: str) -> int:
    return int(detail[name])


# What the observer judges across the run (ledger continuity, unique IDs) for one 200.
RunRules = Callable[["Session", Exchange, int, int, dict[str, Any]], list[Violation]]


def success_rules(session: Session, exchange: Exchange, across: RunRules) -> list[Violation]:
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
    session: Session, exchange: Exchange, request: dict[str, Any], data: dict[str, Any]
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
    "letters" to a Unicode-minded reading of CONTRACT.md (the spec decides ASCII)."""
    options = request.get("Options") or {}
    if verdict.code == "InvalidSender":
        sender = options.get("Sender")
        return isinstance(sender, str) and not sender.isascii()
    if verdict.code != "InvalidExpiry":
        return False
    send_at = parse_time(str(options.get("DateToSend", "")))
    return send_at is None or send_at < datetime.now(UTC) + _CLOCK_SLACK


def _against_account(
    session: Session,
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
