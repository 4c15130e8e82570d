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


# What breaks each rule: a patch of the base request (None: not applicable).
_BREAKS: dict[str, Build] = {
    "UnknownContact": lambda s: {"Contacts": {"ContactID": {unknown_contact(s.account): 0}}},
    "UnknownGroup": lambda s: {"Contacts": {"GroupID": {UNKNOWN_GUID: 0}}},
    "InvalidRecipient": lambda s: {"Contacts": {"QuickRecipients": {QUICK_NUMBER: 1}}},
    "NoRecipients": lambda s: {"Contacts": {"QuickRecipients": {}}},
    "NoContent": lambda s: {"Content": ""},
    "UnknownTemplate": lambda s: {"Template": {"ID": UNKNOWN_GUID}},
    "MissingPlaceholder": _only("Template", missing_placeholder),
    "InvalidSender": lambda s: {"Options": {"Sender": too_long_sender(s)}},
    "InvalidReference": lambda s: {"Options": {"Reference": too_long_reference(s)}},
    "InvalidExpiry": lambda s: {"Options": {"DateToSend": iso(2 * DAY), "ExpiryDate": iso(DAY)}},
    "MissingRecurringOptions": lambda s: {"Type": 2},
    "ValidationError": lambda s: {"Options": {"SrcPort": 70000}},
}


def _both(*parts: Build) -> Build:
    """The base request with every part's patch merged in (the first that touches Contacts
    replaces them); None when a part is not applicable."""

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


def _pair(*, first: str, second: str) -> Probe:
    """A request breaking the rules of codes `first` and `second`: the one the spec checks
    first must answer."""
    return refusal(
        id=f"order-{first}-before-{second}",
        check=ORDER,
        rule=ids.order_rule(first, second).rule,
        request=_both(_BREAKS[first], _BREAKS[second]),
        code=earlier_code(first, second),
        description=f"A request breaking {first} and {second} gets the one the spec checks first.",
    )


def order_probes(_spec: Spec) -> list[Probe]:
    """One probe per pair of checks (docs/contract.md "Order of checks"), the earlier
    first: a request breaking both gets the earlier's code."""
    return [
        _pair(first="ValidationError", second="NoRecipients"),
        _pair(first="ValidationError", second="InvalidSender"),
        _pair(first="ValidationError", second="InvalidReference"),
        _pair(first="ValidationError", second="MissingRecurringOptions"),
        _pair(first="NoRecipients", second="NoContent"),
        _pair(first="UnknownContact", second="UnknownGroup"),
        _pair(first="UnknownGroup", second="InvalidRecipient"),
        _pair(first="InvalidRecipient", second="NoContent"),
        _pair(first="NoContent", second="InvalidSender"),
        _pair(first="UnknownTemplate", second="InvalidSender"),
        _pair(first="MissingPlaceholder", second="InvalidSender"),
        _pair(first="InvalidSender", second="InvalidReference"),
        _pair(first="InvalidReference", second="InvalidExpiry"),
        _pair(first="InvalidExpiry", second="MissingRecurringOptions"),
        # Every group of rules before the next: recipients, content, options.
        _pair(first="UnknownContact", second="UnknownTemplate"),
        _pair(first="UnknownGroup", second="MissingPlaceholder"),
        _pair(first="InvalidRecipient", second="UnknownTemplate"),
        _pair(first="NoRecipients", second="MissingPlaceholder"),
        _pair(first="NoRecipients", second="InvalidSender"),
        _pair(first="UnknownContact", second="InvalidExpiry"),
        _pair(first="UnknownTemplate", second="InvalidReference"),
        _pair(first="MissingPlaceholder", second="MissingRecurringOptions"),
        _pair(first="NoContent", second="InvalidExpiry"),
        _pair(first="InvalidSender", second="MissingRecurringOptions"),
        _pair(first="UnknownContact", second="InvalidRecipient"),
    ]
