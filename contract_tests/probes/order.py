"""The order of checks: a request breaking two rules gets the one the spec checks first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    DAY,
    QUICK_NUMBER,
    UNKNOWN_GUID,
    base_request,
    earlier_code,
    iso,
    refusal,
    too_long_reference,
    too_long_sender,
    unknown_contact,
)
from contract_tests.probes.error_codes import missing_placeholder
from contract_tests.session import Session
from twosms_contract.spec import Spec

RULES, VALIDATION, ORDER = ids.ERROR_CODES, ids.VALIDATION, ids.ORDER
Build = Callable[[Session], Any]


# Pairs of checks, the earlier first (docs/contract.md "Order of checks"): a request breaking both
# must be answered by the earlier.
def order_probes(_spec: Spec) -> list[Probe]:
    """One probe per pair of checks: a request breaking both gets the earlier's code."""

    def both(*parts: Build) -> Build:
        def build(session: Session) -> Any:
            body = base_request()
            replaced = False
            for part in parts:
                patch = part(session)
                if patch is None:
                    return None
                if "Contacts" in patch and not replaced:
                    body["Contacts"], replaced = {}, True
                _merge(body, patch)
            return body

        return build

    breaks: dict[str, Build] = {
        "UnknownContact": lambda s: {"Contacts": {"ContactID": {unknown_contact(s.account): 0}}},
        "UnknownGroup": lambda s: {"Contacts": {"GroupID": {UNKNOWN_GUID: 0}}},
        "InvalidRecipient": lambda s: {"Contacts": {"QuickRecipients": {QUICK_NUMBER: 1}}},
        "NoRecipients": lambda s: {"Contacts": {"QuickRecipients": {}}},
        "NoContent": lambda s: {"Content": ""},
        "UnknownTemplate": lambda s: {"Template": {"ID": UNKNOWN_GUID}},
        "MissingPlaceholder": _only("Template", missing_placeholder),
        "InvalidSender": lambda s: {"Options": {"Sender": too_long_sender(s)}},
        "InvalidReference": lambda s: {"Options": {"Reference": too_long_reference(s)}},
        "InvalidExpiry": lambda s: {
            "Options": {"DateToSend": iso(2 * DAY), "ExpiryDate": iso(DAY)}
        },
        "MissingRecurringOptions": lambda s: {"Type": 2},
        "ValidationError": lambda s: {"Options": {"SrcPort": 70000}},
    }
    pairs = [
        ("ValidationError", "NoRecipients"),
        ("ValidationError", "InvalidSender"),
        ("ValidationError", "InvalidReference"),
        ("ValidationError", "MissingRecurringOptions"),
        ("NoRecipients", "NoContent"),
        ("UnknownContact", "UnknownGroup"),
        ("UnknownGroup", "InvalidRecipient"),
        ("InvalidRecipient", "NoContent"),
        ("NoContent", "InvalidSender"),
        ("UnknownTemplate", "InvalidSender"),
        ("MissingPlaceholder", "InvalidSender"),
        ("InvalidSender", "InvalidReference"),
        ("InvalidReference", "InvalidExpiry"),
        ("InvalidExpiry", "MissingRecurringOptions"),
        # Every group of rules before the next: recipients, content, options.
        ("UnknownContact", "UnknownTemplate"),
        ("UnknownGroup", "MissingPlaceholder"),
        ("InvalidRecipient", "UnknownTemplate"),
        ("NoRecipients", "MissingPlaceholder"),
        ("NoRecipients", "InvalidSender"),
        ("UnknownContact", "InvalidExpiry"),
        ("UnknownTemplate", "InvalidReference"),
        ("MissingPlaceholder", "MissingRecurringOptions"),
        ("NoContent", "InvalidExpiry"),
        ("InvalidSender", "MissingRecurringOptions"),
        ("UnknownContact", "InvalidRecipient"),
    ]
    probes = []
    for first, second in pairs:
        probes.append(
            refusal(
                f"order-{first}-before-{second}",
                check=ORDER,
                rule=ids.order_rule(first, second).rule,
                request=both(breaks[first], breaks[second]),
                code=earlier_code(first, second),
                description=f"A request breaking {first} and {second} gets the one the spec "
                "checks first.",
            )
        )
    return probes


def _only(key: str, build: Build) -> Build:
    """The `key` part of what `build` makes (None stays None): a patch of one field."""

    def patch(session: Session) -> Any:
        body = build(session)
        return None if body is None else {key: body[key]}

    return patch


def _merge(into: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
