"""What a conforming server must answer to a JSON request, from CONTRACT.md alone.

`judge(body, account, now)` walks the checks of CONTRACT.md's "Order of checks" from the
schema on (transport-level checks belong to the probes) and returns either the first
`Refusal` or the `Delivery` a 200 must describe. It is the suite's own reading of the
contract, shares no code with the mock, and is used only on requests whose answer the
contract fixes without ambiguity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract_tests.sms import parts
from twosms_contract.fixtures import Account
from twosms_contract.spec import Spec

EMAIL, SMS = "email", "sms"
_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")
# Which channels each map value asks for (CONTRACT.md, channel).
_CHANNELS: dict[int, frozenset[str] | None] = {
    0: None,  # default: SMS where there is a number, else e-mail
    1: frozenset({EMAIL}),
    2: frozenset({SMS}),
    3: frozenset({EMAIL, SMS}),
}
# Schema violations that answer with a business rule's code (x-contract.schemaRuleOverrides).
_OVERRIDDEN = {("Options", "Sender"), ("Options", "Reference")}


@dataclass(frozen=True, slots=True)
class Refusal:
    """The answer must be this status and code; `field` is what ErrorReason must name."""

    status: int
    code: str
    field: str
    why: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a 200 must say about recipients, text and credits."""

    sms_numbers: frozenset[str]
    emails: frozenset[str]  # lower-cased
    contacts: frozenset[str]
    quick_recipients: int
    text: str
    parts: int

    @property
    def sms_parts(self) -> int:
        return self.parts * len(self.sms_numbers)


def parse_time(value: str) -> datetime | None:
    """An RFC 3339 date-time (up to 7 fractional digits, as the seed shows)."""
    match = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})", value
    )
    if match is None:
        return None
    date, clock, fraction, offset = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        # In UTC, so that comparisons cannot overflow (9999-12-31T23:59-01:00 can't be).
        return datetime.fromisoformat(f"{date}T{clock}.{micro}{offset}").astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def render(template: str, placeholders: dict[str, str]) -> tuple[str, str | None]:
    """The template with `{n}` replaced in one pass; the first placeholder lacking a value."""
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in placeholders:
            missing.append(key)
            return match.group(0)
        return placeholders[key]

    text = _PLACEHOLDER.sub(substitute, template)
    return text, (missing[0] if missing else None)


def schema_errors(spec: Spec, body: Any) -> list[str]:
    """Schema violations other than those a business rule answers with its own code."""
    found: list[str] = []
    if spec.conforms("MessageV2", body):
        return found
    for error in spec.schema_validator("MessageV2").iter_errors(body):
        path = tuple(str(p) for p in error.absolute_path)
        if path[:2] in _OVERRIDDEN and error.validator in ("pattern", "maxLength", "minLength"):
            continue  # a string that breaks the Sender or Reference rule
        if error.validator in ("if", "then") or (
            path == ("Options",) and "RecurringOptions" in error.message
        ):
            continue
        found.append("$." + ".".join(path) + ": " + error.message)
    return found


class _Resolver:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.sms: set[str] = set()
        self.emails: set[str] = set()
        self.contacts: set[str] = set()

    def quick(self, key: str, channel: int) -> Refusal | None:
        is_number = key.startswith("+")
        asked = _CHANNELS[channel] or frozenset({SMS if is_number else EMAIL})
        if asked != frozenset({SMS if is_number else EMAIL}):
            return Refusal(400, "InvalidRecipient", key, f"channel {channel} cannot reach {key}")
        (self.sms if is_number else self.emails).add(key if is_number else key.lower())
        return None

    def contact(self, number: str, channel: int, *, in_group: bool) -> Refusal | None:
        contact = self.account.contacts[number]
        has = {SMS: contact.phone, EMAIL: contact.email}
        default = SMS if contact.phone else EMAIL
        asked = _CHANNELS[channel] or frozenset({default})
        if any(has[c] is None for c in asked):
            if in_group:
                return None  # a group member that lacks the channel is skipped
            return Refusal(
                400, "InvalidRecipient", number, f"contact {number} lacks a channel of {channel}"
            )
        self.contacts.add(number)
        if SMS in asked and contact.phone:
            self.sms.add(contact.phone)
        if EMAIL in asked and contact.email:
            self.emails.add(contact.email.lower())
        return None


def _recipients(body: dict[str, Any], account: Account) -> Refusal | _Resolver:
    contacts = body["Contacts"]
    quick: dict[str, int] = contacts.get("QuickRecipients", {})
    by_id: dict[str, int] = contacts.get("ContactID", {})
    groups: dict[str, int] = contacts.get("GroupID", {})
    if not (quick or by_id or groups):
        return Refusal(400, "NoRecipients", "Contacts", "no recipient in the three maps")
    for number in by_id:
        if number not in account.contacts:
            return Refusal(400, "UnknownContact", number, f"contact {number} is unknown")
    for guid in groups:
        if account.group(guid) is None:
            return Refusal(400, "UnknownGroup", guid, f"group {guid} is unknown")
    resolver = _Resolver(account)
    for key, channel in quick.items():
        if refusal := resolver.quick(key, channel):
            return refusal
    for number, channel in by_id.items():
        if refusal := resolver.contact(number, channel, in_group=False):
            return refusal
    for guid, channel in groups.items():
        for member in account.group(guid) or ():
            resolver.contact(member, channel, in_group=True)
    if not (resolver.sms or resolver.emails):
        return Refusal(400, "NoRecipients", "Contacts", "nobody left after resolution")
    return resolver


def _text(body: dict[str, Any], account: Account) -> Refusal | str:
    template = body.get("Template")
    if template is None:
        content = body.get("Content")
        if not content:
            return Refusal(400, "NoContent", "Content", "no Content and no Template")
        return str(content)
    text = account.template(str(template.get("ID", "")))
    if text is None:
        return Refusal(400, "UnknownTemplate", "Template", "unknown template")
    rendered, missing = render(text, template.get("PlaceHolders", {}))
    if missing is not None:
        return Refusal(400, "MissingPlaceholder", "PlaceHolders", f"{{{missing}}} has no value")
    return rendered


# CONTRACT.md's Sender rule, matched whole (no final newline slips past an anchor).
_SENDER = re.compile(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,15}")


def _options(body: dict[str, Any], now: datetime) -> Refusal | None:
    """The first option rule the body breaks, if any. (Whether the message is scheduled is
    the success invariants' business: `Result` is judged there, with a clock slack.)"""
    options = body["Options"]
    sender = options.get("Sender")
    if sender is not None and not _SENDER.fullmatch(sender):
        return Refusal(400, "InvalidSender", "Sender", f"{sender!r}")
    reference = options.get("Reference")
    if reference is not None and len(reference) > 64:
        return Refusal(400, "InvalidReference", "Reference", f"{len(reference)} characters")
    send_at = parse_time(options["DateToSend"]) if "DateToSend" in options else None
    if "ExpiryDate" in options:
        expiry = parse_time(options["ExpiryDate"])
        start = send_at if send_at is not None and send_at > now else now
        if expiry is not None and expiry <= start:
            return Refusal(400, "InvalidExpiry", "ExpiryDate", "not after the send date")
    if body["Type"] == 2:
        recurring = options.get("RecurringOptions")
        if recurring is None:
            return Refusal(400, "MissingRecurringOptions", "RecurringOptions", "Type 2")
        if recurring.get("Range") == 1 and "OccurrencesEnd" not in recurring:
            return Refusal(400, "MissingRecurringOptions", "OccurrencesEnd", "Range 1")
        if recurring.get("Range") == 2 and "ExpiryDate" not in options:
            return Refusal(400, "MissingRecurringOptions", "ExpiryDate", "Range 2")
    return None


def judge(
    body: Any, account: Account, spec: Spec, *, now: datetime | None = None
) -> Refusal | Delivery:
    """The answer CONTRACT.md fixes for a JSON body, from the schema check on."""
    now = now or datetime.now(UTC)
    if errors := schema_errors(spec, body):
        return Refusal(400, "ValidationError", errors[0].split(":")[0], "; ".join(errors[:3]))
    resolved = _recipients(body, account)
    if isinstance(resolved, Refusal):
        return resolved
    text = _text(body, account)
    if isinstance(text, Refusal):
        return text
    if refusal := _options(body, now):
        return refusal
    quick = body["Contacts"].get("QuickRecipients", {})
    return Delivery(
        sms_numbers=frozenset(resolved.sms),
        emails=frozenset(resolved.emails),
        contacts=frozenset(resolved.contacts),
        quick_recipients=len(quick),
        text=text,
        parts=parts(text),
    )
