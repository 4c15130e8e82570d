"""Building blocks of the probes: a valid base request, and what a refusal or an acceptance
must look like."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from contract_tests.core import Exchange, Violation, violation
from contract_tests.envelope import check_envelope
from contract_tests.invariants import response_json
from contract_tests.probe import Probe
from contract_tests.session import Session
from twosms_contract.fixtures import Account

# A number outside every account's contacts: quick recipients need no address book.
QUICK_NUMBER = "+447700900123"
QUICK_EMAIL = "quick.recipient@example.com"
UNKNOWN_GUID = "00000000-0000-4000-8000-00000000dead"


def base_request(**overrides: Any) -> dict[str, Any]:
    """docs/contract.md's public example ("Where each statement comes from"), which a
    conforming server accepts, with overrides."""
    body: dict[str, Any] = {
        "Contacts": {"QuickRecipients": {QUICK_NUMBER: 2}},
        "Content": "Contract test",
        "Options": {},
        "Type": 1,
    }
    body.update(copy.deepcopy(overrides))
    return body


def with_options(**options: Any) -> dict[str, Any]:
    return base_request(Options=options)


def iso(delta: timedelta) -> str:
    """A date-time `delta` from now, with 7 fractional digits as the help page writes them."""
    moment = datetime.now(UTC) + delta
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0+00:00"


def iso_at(delta: timedelta, offset_hours: int, *, zulu: bool = False) -> str:
    """The instant `delta` from now, written at a UTC offset of `offset_hours` (or with
    `Z` when `zulu`)."""
    zone = timezone(timedelta(hours=offset_hours))
    moment = (datetime.now(UTC) + delta).astimezone(zone)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return (
        text + "Z" if zulu else text + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
    )


def at_offset(days_ahead: timedelta, clock: str, offset: str) -> str:
    """A local date-time on the day `days_ahead` from now (UTC), written with `offset`:
    `at_offset(2 * DAY, "10:00:00", "+05:00")` is 05:00 UTC that day."""
    day = (datetime.now(UTC) + days_ahead).date().isoformat()
    return f"{day}T{clock}{offset}"


DAY = timedelta(days=1)


def error_of(exchange: Exchange) -> tuple[str | None, str]:
    body = response_json(exchange)
    if isinstance(body, dict) and isinstance(body.get("Error"), dict):
        error = body["Error"]
        return error.get("ErrorCode"), str(error.get("ErrorReason") or "")
    return None, ""


def observe(session: Session, exchange: Exchange) -> list[Violation]:
    """The response rules: all of them on the send endpoint; the envelope's elsewhere, for
    the answers that use it there (404 and 405)."""
    path = exchange.request.url.split("?")[0].rstrip("/").lower()
    if path.endswith(session.send_path.lower()):
        return session.observe(exchange)
    terms = session.spec.terms
    if exchange.response.status in (terms.check("path").status, terms.check("method").status):
        return check_envelope(session, exchange)
    return []


def expect_refusal(
    session: Session,
    exchange: Exchange,
    *,
    check: str,
    rule: str,
    status: int | None = None,
    code: str | None,
    names: Sequence[str] = (),
) -> list[Violation]:
    """The exchange must be refused with exactly this status and ErrorCode, and its
    ErrorReason must name one of `names` (the field, or the offending value).

    The status of a contract error code is the spec's (`x-contract.errorCodes`), whatever
    `status` says; `status` is for answers outside that list (a bare status, RFC 6749)."""
    statuses = session.spec.terms.statuses
    if code is not None and code in statuses:
        status = statuses[code]
    if status is None:
        raise ValueError(f"{rule}: no status for code {code!r}")
    found = observe(session, exchange)
    got_status = exchange.response.status
    got_code, reason = error_of(exchange)
    wanted = f"{status} {code}" if code else str(status)
    received = f"{got_status} {got_code}" if got_code else str(got_status)
    if got_status != status or (code is not None and got_code != code):
        found.append(
            violation(exchange, check, rule, f"expected {wanted}, got {received}", received, wanted)
        )
    elif names and not any(name.lower() in reason.lower() for name in names):
        found.append(
            violation(
                exchange,
                check,
                rule,
                "the ErrorReason does not name the field or the value",
                reason or "(empty ErrorReason)",
                "a reason naming " + " or ".join(repr(n) for n in names),
            )
        )
    return found


def expect_acceptance(
    session: Session, exchange: Exchange, *, check: str, rule: str
) -> list[Violation]:
    """A valid request: the answer must be 200, and every success invariant must hold."""
    found = observe(session, exchange)
    if exchange.response.status != 200:
        code, reason = error_of(exchange)
        received = f"{exchange.response.status} {code or ''} {reason}".strip()
        found.append(
            violation(exchange, check, rule, "a valid request was refused", received, "200")
        )
    return found


def success_detail(exchange: Exchange) -> dict[str, Any] | None:
    body = response_json(exchange)
    try:
        detail = body["ResponseData"]["Detail"]
    except (TypeError, KeyError):
        return None
    return detail if isinstance(detail, dict) else None


# -- the account's facts, as probes need them -------------------------------------------


def contact_with(account: Account, *, phone: bool, email: bool) -> str | None:
    for number, contact in sorted(account.contacts.items()):
        if (contact.phone is not None) == phone and (contact.email is not None) == email:
            return number
    return None


def contact_request(*, phone: bool, email: bool, channel: int) -> Callable[[Session], Any]:
    """The base request to the account's first contact with (or without) a phone and an
    e-mail address, by `channel`; None (not applicable) when the account has no such one."""

    def build(session: Session) -> Any:
        number = contact_with(session.account, phone=phone, email=email)
        if number is None:
            return None
        return base_request(Contacts={"ContactID": {number: channel}})

    return build


def unknown_contact(account: Account) -> str:
    number = 987654321
    while str(number) in account.contacts:
        number += 1
    return str(number)


def template_with_placeholders(account: Account, minimum: int) -> tuple[str, str, list[str]] | None:
    """A template whose text has at least `minimum` distinct placeholders."""
    import re

    for guid, text in sorted(account.templates.items()):
        keys = sorted(set(re.findall(r"\{([0-9]+)\}", text)), key=int)
        if len(keys) >= minimum:
            return guid, text, keys
    return None


# -- probe constructors -------------------------------------------------------------------


Body = Callable[[Session], Any]


def constant(request: Any) -> Body:
    """A probe request that does not depend on the session."""
    return lambda _session: request


@dataclass(frozen=True, slots=True)
class Raw:
    """A request the probe builds by hand: bytes and headers, or another method or path."""

    method: str = "POST"
    path: str | None = None  # the spec's send path
    content: bytes | None = None
    headers: Mapping[str, str | None] | None = None
    auth: bool = True
    chunked: bool = False


def send_raw(session: Session, raw: Raw) -> Exchange:
    return session.request(
        raw.method,
        raw.path if raw.path is not None else session.send_path,
        content=raw.content,
        headers=raw.headers,
        auth=raw.auth,
        chunked=raw.chunked,
    )


def send_any(session: Session, request: Any) -> Exchange | None:
    """Send a JSON body (a dict or list), a `Raw` request, or nothing (None: not applicable)."""
    if request is None:
        return None
    if isinstance(request, Raw):
        return send_raw(session, request)
    exchange, _ = session.send(request, observe=False)
    return exchange


def refusal(
    *,
    id: str,
    check: str,
    rule: str,
    request: Body,
    status: int | None = None,
    code: str | Callable[[Session], str] | None,
    names: Sequence[str] | Callable[[Session], Sequence[str]] = (),
    description: str,
) -> Probe:
    """A probe whose request must be refused with `code` (or, callable, the code the spec
    makes it: the earlier of two checks, say) and its status (see `expect_refusal`)."""

    def run(session: Session) -> Iterator[Violation]:
        exchange = send_any(session, request(session))
        if exchange is None:
            return
        wanted = names(session) if callable(names) else names
        expected = code(session) if callable(code) else code
        yield from expect_refusal(
            session, exchange, check=check, rule=rule, status=status, code=expected, names=wanted
        )

    return Probe(id=id, check=check, rule=rule, description=description, run=run)


def acceptance(
    *,
    id: str,
    check: str,
    rule: str,
    request: Body,
    description: str,
    then: Callable[[Session, Exchange], Iterable[Violation]] | None = None,
) -> Probe:
    """A probe whose request must be accepted (see `expect_acceptance`); `then` judges
    the 200 further."""

    def run(session: Session) -> Iterator[Violation]:
        exchange = send_any(session, request(session))
        if exchange is None:
            return
        found = expect_acceptance(session, exchange, check=check, rule=rule)
        yield from found
        if then is not None and exchange.response.status == 200:
            yield from then(session, exchange)

    return Probe(id=id, check=check, rule=rule, description=description, run=run)


# -- values at the spec's bounds ----------------------------------------------------------

Value = Callable[[Session], Any]


def above(path: str) -> Value:
    """One more than the request field's maximum (or its largest enum member)."""

    def value(session: Session) -> int:
        field = session.spec.terms.field(path)
        top = max(field.enum) if field.enum else field.maximum
        if top is None:
            raise ValueError(f"{field.pointer}: no maximum or enum for a value above it")
        return int(top) + 1

    return value


def below(path: str) -> Value:
    """One less than the request field's minimum (or its smallest enum member)."""

    def value(session: Session) -> int:
        field = session.spec.terms.field(path)
        low = min(field.enum) if field.enum else field.minimum
        if low is None:
            raise ValueError(f"{field.pointer}: no minimum or enum for a value below it")
        return int(low) - 1

    return value


def longest_sender(session: Session, unit: str = "A", prefix: str = "") -> str:
    """The longest Sender of `unit`s the spec's Sender rule accepts."""
    field = session.spec.terms.field("$.Options.Sender")
    return prefix + unit * field.longest(unit, prefix=prefix)


def too_long_sender(session: Session, unit: str = "A", prefix: str = "") -> str:
    """One `unit` more than `longest_sender`: an InvalidSender."""
    return longest_sender(session, unit, prefix) + unit


def longest_reference(session: Session, unit: str = "r") -> str:
    field = session.spec.terms.field("$.Options.Reference")
    return unit * (field.max_length if field.max_length is not None else 64)


def too_long_reference(session: Session, unit: str = "r") -> str:
    """One character more than Reference's maxLength: an InvalidReference."""
    return longest_reference(session, unit) + unit


def e164_digits(session: Session) -> tuple[int, int]:
    """The fewest and most digits after `+` that the QuickRecipients key pattern admits."""
    field = session.spec.terms.field("$.Contacts.QuickRecipients")
    names = field.schema.get("propertyNames") or {}
    pattern = re.compile(str(names.get("pattern", ".*")))
    counts = [n for n in range(1, 40) if pattern.search("+" + "1" * n)]
    if not counts:
        raise ValueError(f"{field.pointer}/propertyNames: admits no + number")
    return min(counts), max(counts)


def earlier(first: str, second: str) -> Callable[[Session], str]:
    """The code of whichever of two checks (ids of `x-contract.checks`) the spec runs
    first: what a request that fails both must get."""

    def code(session: Session) -> str:
        terms = session.spec.terms
        order = [check.id for check in terms.checks]
        winner = first if order.index(first) < order.index(second) else second
        return terms.check(winner).code

    return code


def earlier_code(first: str, second: str) -> Callable[[Session], str]:
    """`earlier` for two business rules named by their codes."""

    def code(session: Session) -> str:
        terms = session.spec.terms
        return first if terms.precedes(first, second) else second

    return code


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


JSON_HEADERS = {"Content-Type": "application/json"}


def padded(size: int, fill: str = "x") -> bytes:
    """A valid request of exactly `size` bytes in UTF-8 (an unknown property carries the
    padding: `fill` characters, and `x`s for what a whole `fill` would overshoot)."""
    body = base_request()
    room = size - len(json_bytes({**body, "Padding": ""}))
    width = len(fill.encode("utf-8"))
    content = json_bytes({**body, "Padding": fill * (room // width) + "x" * (room % width)})
    assert len(content) == size
    return content


def oversized(session: Session) -> bytes:
    return padded(session.spec.terms.limits.max_body_bytes + 1)
