"""What a conforming server must answer to a JSON request, from docs/contract.md alone.

`judge(body, account, now)` walks the checks of docs/contract.md ("The checks, in order") from the
schema on (transport-level checks belong to the probes) and returns either the first
`Refusal` or the `Delivery` a 200 must describe. It is the suite's own reading of the
contract, shares no code with the mock, and is used only on requests whose answer the
contract fixes without ambiguity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from contract_tests.sms import counter_for
from twosms_contract.contract import Contract, Field
from twosms_contract.fixtures import Account
from twosms_contract.spec import Spec

EMAIL, SMS = "email", "sms"
_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")
# Which channels each map value asks for (docs/contract.md, "Recipients").
_CHANNELS: dict[int, frozenset[str] | None] = {
    0: None,  # default: SMS where there is a number, else e-mail
    1: frozenset({EMAIL}),
    2: frozenset({SMS}),
    3: frozenset({EMAIL, SMS}),
}
#: The schema keywords a string breaks its rule with; the other violations at an overridden
#: path (a value of another type) are ValidationErrors (decision own-code-scope).
_STRING_RULE_KEYWORDS = ("pattern", "maxLength", "minLength")


@dataclass(frozen=True, slots=True)
class Refusal:
    """The answer must be the status and code the spec gives check `check` (`judge` fills
    them in); `field` is what ErrorReason must name."""

    check: str
    field: str
    why: str
    status: int = 0
    code: str = ""


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
    """Schema violations other than those a business rule answers with its own code
    (`x-contract.schemaRuleOverrides`)."""
    found: list[str] = []
    if spec.conforms("MessageV2", body):
        return found
    terms = spec.terms
    for error in spec.schema_validator("MessageV2").iter_errors(body):
        path = tuple(str(p) for p in error.absolute_path)
        override = terms.override_at(path)
        if (
            override is not None
            and override.when is None
            and error.validator in _STRING_RULE_KEYWORDS
        ):
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
            return Refusal("invalid-recipient", key, f"channel {channel} cannot reach {key}")
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
                "invalid-recipient", number, f"contact {number} lacks a channel of {channel}"
            )
        self.contacts.add(number)
        if SMS in asked and contact.phone:
            self.sms.add(contact.phone)
        if EMAIL in asked and contact.email:
            self.emails.add(contact.email.lower())
        return None


def _recipients(
    body: dict[str, Any], account: Account, rules: frozenset[str]
) -> list[Refusal] | _Resolver:
    """Every recipient rule of `rules` (the spec's) the body breaks (each rule's first
    case), or the resolution."""
    contacts = body["Contacts"]
    quick: dict[str, int] = contacts.get("QuickRecipients", {})
    by_id: dict[str, int] = contacts.get("ContactID", {})
    groups: dict[str, int] = contacts.get("GroupID", {})
    if not (quick or by_id or groups) and "no-recipients" in rules:
        return [Refusal("no-recipients", "Contacts", "no recipient in the three maps")]
    found: list[Refusal] = []
    unknown = [number for number in by_id if number not in account.contacts]
    if unknown:
        found.append(Refusal("unknown-contact", unknown[0], f"contact {unknown[0]} is unknown"))
    missing = [guid for guid in groups if account.group(guid) is None]
    if missing:
        found.append(Refusal("unknown-group", missing[0], f"group {missing[0]} is unknown"))
    resolver = _Resolver(account)
    invalid: list[Refusal] = []
    for key, channel in quick.items():
        if refusal := resolver.quick(key, channel):
            invalid.append(refusal)
    for number, channel in by_id.items():
        if number in account.contacts and (
            refusal := resolver.contact(number, channel, in_group=False)
        ):
            invalid.append(refusal)
    found.extend(invalid[:1])
    found = [refusal for refusal in found if refusal.check in rules]
    if found:
        return found
    for guid, channel in groups.items():
        for member in account.group(guid) or ():
            resolver.contact(member, channel, in_group=True)
    if not (resolver.sms or resolver.emails) and "no-recipients" in rules:
        return [Refusal("no-recipients", "Contacts", "nobody left after resolution")]
    return resolver


def _text(body: dict[str, Any], account: Account, rules: frozenset[str]) -> Refusal | str:
    """The text sent, or the first content rule of `rules` (the spec's) the body breaks.
    Without its rule, an unknown template sends `Content` and a placeholder without a
    value stays as written."""
    template = body.get("Template")
    text = account.template(str(template.get("ID", ""))) if template is not None else None
    if template is not None and text is None and "unknown-template" in rules:
        return Refusal("unknown-template", "Template", "unknown template")
    if text is None:
        content = body.get("Content")
        if not content and template is None and "no-content" in rules:
            return Refusal("no-content", "Content", "no Content and no Template")
        return str(content or "")
    rendered, missing = render(text, (template or {}).get("PlaceHolders", {}))
    if missing is not None and "missing-placeholder" in rules:
        return Refusal("missing-placeholder", "PlaceHolders", f"{{{missing}}} has no value")
    return rendered


def _options(
    body: dict[str, Any], now: datetime, terms: Contract, rules: frozenset[str]
) -> list[Refusal]:
    """Every option rule of `rules` (the spec's) the body breaks. (Whether the message is
    scheduled is the success invariants' business: `Result` is judged there, with a clock
    slack.) The Sender and Reference rules are the schemas of the fields their checks name."""
    options = body["Options"]
    found: list[Refusal] = []
    sender = options.get("Sender")
    if (
        sender is not None
        and "invalid-sender" in rules
        and not _field_of(terms, "invalid-sender").accepts_string(sender)
    ):
        found.append(Refusal("invalid-sender", "Sender", f"{sender!r}"))
    reference = options.get("Reference")
    if (
        reference is not None
        and "invalid-reference" in rules
        and not _field_of(terms, "invalid-reference").accepts_string(reference)
    ):
        found.append(Refusal("invalid-reference", "Reference", f"{len(reference)} characters"))
    send_at = parse_time(options["DateToSend"]) if "DateToSend" in options else None
    if "ExpiryDate" in options:
        expiry = parse_time(options["ExpiryDate"])
        start = send_at if send_at is not None and send_at > now else now
        if expiry is not None and expiry <= start:
            found.append(Refusal("invalid-expiry", "ExpiryDate", "not after the send date"))
    if body["Type"] == 2:
        recurring = options.get("RecurringOptions")
        if recurring is None:
            found.append(Refusal("missing-recurring-options", "RecurringOptions", "Type 2"))
        elif recurring.get("Range") == 1 and "OccurrencesEnd" not in recurring:
            found.append(Refusal("missing-recurring-options", "OccurrencesEnd", "Range 1"))
        elif recurring.get("Range") == 2 and "ExpiryDate" not in options:
            found.append(Refusal("missing-recurring-options", "ExpiryDate", "Range 2"))
    return found


def _answer(terms: Contract, refusal: Refusal) -> Refusal:
    check = terms.check(refusal.check)
    return replace(refusal, status=check.status, code=check.code)


def _field_of(terms: Contract, check_id: str) -> Field:
    return terms.field(terms.check(check_id).field or "$")


def judge(
    body: Any, account: Account, spec: Spec, *, now: datetime | None = None
) -> Refusal | Delivery:
    """The answer docs/contract.md fixes for a JSON body, from the schema check on."""
    now = now or datetime.now(UTC)
    terms = spec.terms
    if errors := schema_errors(spec, body):
        return _answer(terms, Refusal("schema", errors[0].split(":")[0], "; ".join(errors[:3])))
    # Each business rule is judged on its own; the spec's order of checks picks the answer.
    rules = frozenset(check.id for check in terms.checks)
    resolved = _recipients(body, account, rules)
    text = _text(body, account, rules)
    refusals = [
        *(resolved if isinstance(resolved, list) else []),
        *([text] if isinstance(text, Refusal) else []),
        *(refusal for refusal in _options(body, now, terms, rules) if refusal.check in rules),
    ]
    if refusals:
        order = {check.id: index for index, check in enumerate(terms.checks)}
        return _answer(terms, min(refusals, key=lambda r: order[r.check]))
    assert isinstance(resolved, _Resolver) and isinstance(text, str)
    quick = body["Contacts"].get("QuickRecipients", {})
    return Delivery(
        sms_numbers=frozenset(resolved.sms),
        emails=frozenset(resolved.emails),
        contacts=frozenset(resolved.contacts),
        quick_recipients=len(quick),
        text=text,
        parts=counter_for(spec.terms.parts).parts(text),
    )
