"""The business rules of `x-contract.checks` (after `schema`, before `balance`), one
overridable method `check_<id>` each, run in the spec's order (`rule_methods`)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.context import Reach, SendContext
from mockserver.core import BehaviourCore, Failure
from mockserver.instants import instant_of, parse_instant
from mockserver.state import MockState
from mockserver.validation import json_path, show

_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")
_CHANNEL_NAMES = {0: "default", 1: "e-mail", 2: "SMS", 3: "e-mail and SMS"}


class BusinessRules(BehaviourCore):
    """The business rules, with the facts they read from the spec's schemas."""

    #: The business rules, in the spec's order (ids of `x-contract.checks` after `schema`
    #: and before `balance`); `rule_methods()` maps each to `check_<id>`.
    business_rule_ids: tuple[str, ...]

    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        terms = state.spec.terms
        self.business_rule_ids = tuple(check.id for check in terms.business_rules)
        self._rule_method_names = _rule_method_names(self.business_rule_ids)
        self._rule_getter = _attributes_getter(self._rule_method_names)
        # The Sender and Reference rules are their schemas' (the fields their checks name;
        # a spec without one of those checks never runs its method).
        reference = terms.field(_field_of(self.checks.get("invalid-reference")))
        self.reference_max = reference.max_length if reference.max_length is not None else 1 << 30
        sender = terms.field(_field_of(self.checks.get("invalid-sender")))
        self.sender_pattern = re.compile(sender.pattern.pattern if sender.pattern else ".*")
        self.sender_lengths = (sender.min_length or 0, sender.max_length or 1 << 30)
        # How the reason says the rule: the longest sender of letters and of digits it allows.
        self.sender_rule = (
            f"1-{sender.longest('A')} letters/digits/spaces nor 1-{sender.longest('1')} digits"
        )

    def rule_methods(self) -> list[Callable[[SendContext], Failure | None]]:
        """The business-rule checks, in the spec's order (looked up per call, so a method
        replaced on the instance takes effect)."""
        return list(self._rule_getter(self))

    # -- business rules: recipients ---------------------------------------------------------

    def check_no_recipients(self, ctx: SendContext) -> Failure | None:
        maps = ctx.recipients
        if maps.get("QuickRecipients") or maps.get("ContactID") or maps.get("GroupID"):
            return None
        return self.fail("no-recipients", f"$.Contacts: {show(dict(maps))} names no recipient")

    def check_unknown_contact(self, ctx: SendContext) -> Failure | None:
        account = self.state.account
        for number in ctx.recipients.get("ContactID", {}):
            if number not in account.contacts:
                return self.fail(
                    "unknown-contact",
                    f"{json_path(('Contacts', 'ContactID', number))}: no such contact",
                )
        return None

    def check_unknown_group(self, ctx: SendContext) -> Failure | None:
        account = self.state.account
        for guid in ctx.recipients.get("GroupID", {}):
            if account.group(guid) is None:
                return self.fail(
                    "unknown-group", f"{json_path(('Contacts', 'GroupID', guid))}: no such group"
                )
        return None

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        """A quick recipient or a contact named directly that the asked channel cannot
        reach; else who the recipients reach (`resolve`) is the send's `reach`. It runs for
        a spec without the invalid-recipient check too, to resolve (`_rule_method_names`),
        and then refuses nobody."""
        reach = self.resolve(ctx.recipients)
        if isinstance(reach, Failure):
            return reach
        ctx.reach = reach
        return None

    def check_nobody_left(self, ctx: SendContext) -> Failure | None:
        """The second half of no-recipients: nobody left after resolution (every group
        member lacks the asked channel). Runs after invalid-recipient (`rule_methods`)."""
        if ctx.reach.sms or ctx.reach.emails:
            return None
        return self.fail(
            "no-recipients",
            f"$.Contacts: {show(dict(ctx.recipients))} leaves no SMS number or e-mail address"
            " (no group member has the asked channel)",
        )

    def resolve(self, recipients: Mapping[str, Any]) -> Reach | Failure:
        """Who the three maps reach: SMS numbers and e-mail addresses, each once, and the
        contacts reached; a group member without the asked channel is skipped. The first
        quick recipient or contact named directly that its channel cannot reach is the
        invalid-recipient failure instead. Contacts and groups not on the account reach
        nobody (their own rules). Where the spec has no invalid-recipient check, what a
        channel cannot reach is skipped instead. An override that resolves otherwise
        returns another `Reach` (`Reach.joined`, `dataclasses.replace`) or resolves other
        maps."""
        refuse = INVALID_RECIPIENT in self.checks
        sms: dict[str, None] = {}
        emails: dict[str, str] = {}
        contacts: dict[str, None] = {}
        for key, channel in recipients.get("QuickRecipients", {}).items():
            # A number is refused an e-mail channel (1, 3), an address an SMS one (2, 3).
            if key.startswith("+"):
                if channel in (1, 3):
                    if refuse:
                        return self._unreachable_quick(key, channel, "a phone number")
                    continue
                sms[key] = None
            elif channel in (2, 3):
                if refuse:
                    return self._unreachable_quick(key, channel, "an e-mail address")
                continue
            else:
                emails.setdefault(key.lower(), key)
        account = self.state.account
        for number, channel in recipients.get("ContactID", {}).items():
            contact = account.contacts.get(number)
            if contact is None:
                continue
            phones, addresses = _reach(contact.phone, contact.email, int(channel))
            wants_sms = channel in (2, 3) or (channel == 0 and contact.phone is not None)
            wants_email = channel in (1, 3) or (channel == 0 and contact.phone is None)
            if (wants_sms and not phones) or (wants_email and not addresses):
                if not refuse:
                    continue
                has = [
                    n for n, v in (("phone", contact.phone), ("e-mail", contact.email)) if v
                ] or ["nothing"]
                return self.fail(
                    "invalid-recipient",
                    f"{json_path(('Contacts', 'ContactID', number))}: channel {channel}"
                    f" ({_CHANNEL_NAMES.get(int(channel), '?')}) cannot reach contact"
                    f" {number}, who has {' and '.join(has)}",
                )
            _add(sms, emails, contacts, number, phones, addresses)
        for guid, channel in recipients.get("GroupID", {}).items():
            for member in account.group(guid) or ():
                contact = account.contacts[member]
                phones, addresses = _reach(contact.phone, contact.email, int(channel))
                _add(sms, emails, contacts, member, phones, addresses)
        return Reach(sms, emails, contacts)

    def _unreachable_quick(self, key: str, channel: Any, what: str) -> Failure:
        return self.fail(
            "invalid-recipient",
            f"{json_path(('Contacts', 'QuickRecipients', key))}: channel {channel}"
            f" ({_CHANNEL_NAMES.get(int(channel), '?')}) cannot reach {what}",
        )

    # -- business rules: content ------------------------------------------------------------

    def check_no_content(self, ctx: SendContext) -> Failure | None:
        if "Template" in ctx.body:
            return None
        content = ctx.body.get("Content")
        if content is None:
            return self.fail("no-content", "$.Content: missing and there is no Template")
        if content == "":
            return self.fail("no-content", '$.Content: "" is empty and there is no Template')
        return None

    def template_text(self, ctx: SendContext) -> str | None:
        template = ctx.body.get("Template")
        if not isinstance(template, dict) or "ID" not in template:
            return None
        return self.state.account.template(str(template["ID"]))

    def check_unknown_template(self, ctx: SendContext) -> Failure | None:
        template = ctx.body.get("Template")
        if template is None or self.template_text(ctx) is not None:
            return None
        if "ID" not in template:
            return self.fail("unknown-template", "$.Template.ID: missing, so no template")
        return self.fail(
            "unknown-template", f"$.Template.ID: {show(template['ID'])} is no template"
        )

    def check_missing_placeholder(self, ctx: SendContext) -> Failure | None:
        text = self.template_text(ctx)
        if text is None:
            return None
        values = ctx.body["Template"].get("PlaceHolders", {})
        for number in _PLACEHOLDER.findall(text):
            if number not in values:
                path = json_path(("Template", "PlaceHolders", number))
                return self.fail(
                    "missing-placeholder", f"{path}: missing, the template uses {{{number}}}"
                )
        return None

    # -- business rules: options ------------------------------------------------------------

    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        if sender is None:
            return None
        low, high = self.sender_lengths
        if low <= len(sender) <= high and self.sender_pattern.fullmatch(sender):
            return None
        return self.fail(
            "invalid-sender",
            f"$.Options.Sender: {show(sender)} is not {self.sender_rule}",
        )

    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if reference is None or len(reference) <= self.reference_max:
            return None
        return self.fail(
            "invalid-reference",
            f"$.Options.Reference: {show(reference)} is {len(reference)} characters, "
            f"at most {self.reference_max}",
        )

    def check_invalid_expiry(self, ctx: SendContext) -> Failure | None:
        expiry = ctx.options.get("ExpiryDate")
        if expiry is None:
            return None
        now = instant_of(ctx.now)
        send_at = parse_instant(ctx.options.get("DateToSend", "")) or now
        ends = parse_instant(expiry)
        if ends is None:
            return self.fail(
                "invalid-expiry", f"$.Options.ExpiryDate: {show(expiry)} is not a date-time"
            )
        if send_at > now:
            if ends > send_at:
                return None
            told = f"DateToSend {show(ctx.options['DateToSend'])}"
        else:
            if ends > now:
                return None
            told = f"now ({ctx.now.isoformat()})"
        return self.fail(
            "invalid-expiry", f"$.Options.ExpiryDate: {show(expiry)} is not after {told}"
        )

    def check_missing_recurring_options(self, ctx: SendContext) -> Failure | None:
        if ctx.type != 2:
            return None
        recurring = ctx.options.get("RecurringOptions")
        if recurring is None:
            return self.fail(
                "missing-recurring-options", "$.Options.RecurringOptions: required when Type is 2"
            )
        end = recurring.get("Range", 0)
        if end == 1 and "OccurrencesEnd" not in recurring:
            return self.fail(
                "missing-recurring-options",
                "$.Options.RecurringOptions.OccurrencesEnd: required when Range is 1",
            )
        if end == 2 and "ExpiryDate" not in ctx.options:
            return self.fail(
                "missing-recurring-options",
                "$.Options.ExpiryDate: required when RecurringOptions.Range is 2",
            )
        return None


def _add(
    sms: dict[str, None],
    emails: dict[str, str],
    contacts: dict[str, None],
    contact: str,
    phones: tuple[str, ...],
    addresses: tuple[str, ...],
) -> None:
    """Count a contact reached on `phones` and `addresses` (nobody when both are empty)."""
    if not phones and not addresses:
        return
    contacts.setdefault(contact, None)
    for phone in phones:
        sms.setdefault(phone, None)
    for address in addresses:
        emails.setdefault(address.lower(), address)


NO_RECIPIENTS, INVALID_RECIPIENT = "no-recipients", "invalid-recipient"
_RECIPIENT_RULES = (NO_RECIPIENTS, "unknown-contact", "unknown-group")


def _rule_method_names(rule_ids: tuple[str, ...]) -> tuple[str, ...]:
    """`check_<id>` for each rule, in order, with `check_nobody_left` (the half of
    no-recipients that needs the resolution) right after the later of no-recipients and
    invalid-recipient, where the spec has no-recipients."""
    names = ["check_" + rule.replace("-", "_") for rule in rule_ids]
    if INVALID_RECIPIENT not in rule_ids:
        # Who the send reaches is resolved by that rule's method: without the rule, it
        # still runs (refusing nobody), after the other recipient rules (or first).
        before = [i for i, rule in enumerate(rule_ids) if rule in _RECIPIENT_RULES]
        at = max(before) + 1 if before else 0
        names.insert(at, "check_invalid_recipient")
        rule_ids = (*rule_ids[:at], INVALID_RECIPIENT, *rule_ids[at:])
    if NO_RECIPIENTS in rule_ids:
        after = max(rule_ids.index(NO_RECIPIENTS), rule_ids.index(INVALID_RECIPIENT))
        names.insert(after + 1, "check_nobody_left")
    return tuple(names)


def _field_of(check: Any) -> str:
    """The field a check names: the whole request (`$`) for a check that names none, or
    for a spec without that check (whose method then never runs)."""
    field = getattr(check, "field", None)
    return str(field) if field else "$"


def _attributes_getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """A function that looks up every attribute of `names` on an object, in one call."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def _reach(
    phone: str | None, email: str | None, channel: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The numbers and addresses a channel reaches on a contact (what it has of them)."""
    if channel == 0:
        return ((phone,), ()) if phone else ((), (email,) if email else ())
    phones = (phone,) if phone and channel in (2, 3) else ()
    emails = (email,) if email and channel in (1, 3) else ()
    return phones, emails
