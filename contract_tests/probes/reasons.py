"""What an ErrorReason says: a business rule's names the field and the value; a
ValidationError's lists each violation by its JSON path (the first ones, up to the spec's
limit)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from contract_tests import ids
from contract_tests.core import Exchange, Violation, violation
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    QUICK_NUMBER,
    UNKNOWN_GUID,
    above,
    base_request,
    error_of,
    expect_refusal,
    too_long_reference,
    too_long_sender,
    unknown_contact,
    with_options,
)
from contract_tests.probes.error_codes import unknown_contact_request
from contract_tests.session import Session
from twosms_contract.spec import Spec

RULES, VALIDATION, ORDER = ids.ERROR_CODES, ids.VALIDATION, ids.ORDER
Build = Callable[[Session], Any]


def _reason_of_refusal(
    session: Session, body: Any, *, check: str, rule: str, code: str
) -> tuple[Exchange, list[Violation], str]:
    """Send `body`, which must be refused with 400 `code`: the exchange, what is wrong with
    the refusal itself (status, code, envelope), and the ErrorReason."""
    exchange, _ = session.send(body, observe=False)
    found = expect_refusal(session, exchange, check=check, rule=rule, code=code)
    return exchange, found, error_of(exchange)[1]


def _lists_each_violation(session: Session) -> Iterator[Violation]:
    exchange, found, reason = _reason_of_refusal(
        session,
        with_options(SrcPort=70000, DstPort=-5, Reads=-1),
        check=VALIDATION,
        rule=ids.VALIDATION_LISTS_ALL.rule,
        code="ValidationError",
    )
    yield from found
    if found:
        return
    missing = [name for name in ("SrcPort", "DstPort", "Reads") if name not in reason]
    if missing:
        yield violation(
            exchange,
            *ids.VALIDATION_LISTS_ALL,
            "the reason does not list every violation",
            reason,
            "a reason naming SrcPort, DstPort and Reads",
        )


def _first_listed(session: Session) -> Iterator[Violation]:
    """More violations than the reason lists (`x-contract.limits.validationErrorsListed`):
    numbers each with a channel outside the enum, one violation at each path."""
    listed = session.spec.terms.limits.validation_errors_listed
    keys = [f"+4477009{n:05d}" for n in range(listed + 5)]
    outside = above("$.Contacts.QuickRecipients.*")(session)
    exchange, found, reason = _reason_of_refusal(
        session,
        base_request(Contacts={"QuickRecipients": dict.fromkeys(keys, outside)}),
        check=VALIDATION,
        rule=ids.VALIDATION_FIRST_LISTED.rule,
        code="ValidationError",
    )
    yield from found
    if found:
        return
    named = [key for key in keys if key in reason]
    if len(named) != listed:
        yield violation(
            exchange,
            *ids.VALIDATION_FIRST_LISTED,
            f"the reason names {len(named)} of the {len(keys)} violations",
            reason[:400],
            f"the first {listed} violations, each by its key",
        )


def _reason_values(session: Session) -> Iterator[Violation]:
    """Every business rule's reason names the field and the value (docs/contract.md)."""
    cases: list[tuple[str, Any, str]] = [
        ("UnknownContact", unknown_contact_request(session), unknown_contact(session.account)),
        ("UnknownGroup", base_request(Contacts={"GroupID": {UNKNOWN_GUID: 0}}), UNKNOWN_GUID),
        (
            "InvalidRecipient",
            base_request(Contacts={"QuickRecipients": {QUICK_NUMBER: 1}}),
            QUICK_NUMBER,
        ),
        ("UnknownTemplate", base_request(Template={"ID": UNKNOWN_GUID}), UNKNOWN_GUID),
        ("InvalidSender", with_options(Sender=too_long_sender(session)), too_long_sender(session)),
        (
            "InvalidReference",
            with_options(Reference="Reference-" + too_long_reference(session)[10:]),
            "Reference-rrrr",
        ),
    ]
    codes = {check.code for check in session.spec.terms.checks}
    for code, body, value in cases:
        if code not in codes:
            continue  # a rule the spec has dropped
        exchange, found, reason = _reason_of_refusal(
            session, body, check=RULES, rule=ids.REASON_NAMES_VALUE.rule, code=code
        )
        yield from found
        if found:
            continue
        if value.lower() not in reason.lower():
            yield violation(
                exchange,
                *ids.REASON_NAMES_VALUE,
                f"the {code} reason does not name the offending value",
                reason,
                f"a reason with {value!r}",
            )


_BRACKETED = re.compile(r"\[\'([A-Za-z_][A-Za-z0-9_]*)\'\]")


def _dotted(reason: str) -> str:
    """The reason with RFC 9535 normalized paths (`$['Options']['SrcPort']`) written in
    the dot notation (`$.Options.SrcPort`): either is a JSON path."""
    return _BRACKETED.sub(r".\1", reason)


def _reason_paths(session: Session) -> Iterator[Violation]:
    cases: list[tuple[Any, Sequence[str]]] = [
        (with_options(SrcPort=70000), ["$.Options.SrcPort", "70000"]),
        (with_options(Repeat={"Frequency": 0}), ["$.Options.Repeat.Frequency"]),
        (with_options(SrcPort=-1, DstPort=65536), ["$.Options.SrcPort", "$.Options.DstPort"]),
        (
            base_request(Contacts={"QuickRecipients": {"447700900123": 2}}),
            ["$.Contacts.QuickRecipients", "447700900123"],
        ),
        (
            base_request(Contacts={"GroupID": {"not-a-guid": 0}}),
            ["$.Contacts.GroupID", "not-a-guid"],
        ),
    ]
    for body, wanted in cases:
        exchange, found, reason = _reason_of_refusal(
            session, body, check=VALIDATION, rule=ids.VALIDATION_REASON.rule, code="ValidationError"
        )
        yield from found
        if found:
            continue
        missing = [w for w in wanted if w not in _dotted(reason)]
        if missing:
            yield violation(
                exchange,
                *ids.VALIDATION_REASON,
                f"the reason does not name {', '.join(missing)}",
                reason,
                "a reason with " + " and ".join(wanted),
            )


def reason_probes(spec: Spec) -> list[Probe]:
    """What the ErrorReason of a business rule and of a ValidationError says."""
    listed = spec.terms.limits.validation_errors_listed
    return [
        Probe(
            id="error-reason-names-value",
            check=RULES,
            rule=ids.REASON_NAMES_VALUE.rule,
            description="Each business rule's ErrorReason names the field and the offending value.",
            run=_reason_values,
        ),
        Probe(
            id="validation-reason-first-listed",
            check=VALIDATION,
            rule=ids.VALIDATION_FIRST_LISTED.rule,
            description=f"With {listed + 5} violations, the reason lists the first {listed} "
            "(each key by its value).",
            run=_first_listed,
        ),
        Probe(
            id="validation-reason-paths",
            check=VALIDATION,
            rule=ids.VALIDATION_REASON.rule,
            description="A ValidationError reason names each violation by its JSON path "
            "($.Options.SrcPort), and a map key by its value.",
            run=_reason_paths,
        ),
        Probe(
            id="validation-lists-each-violation",
            check=VALIDATION,
            rule=ids.VALIDATION_LISTS_ALL.rule,
            description="A ValidationError reason lists each violation (here three) by its path.",
            run=_lists_each_violation,
        ),
    ]
