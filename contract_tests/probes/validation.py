"""Every schema rule's ValidationError: each probe breaks one schema rule of a request the
contract otherwise accepts, and must get 400 ValidationError naming the JSON path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    QUICK_NUMBER,
    UNKNOWN_GUID,
    Raw,
    above,
    base_request,
    below,
    constant,
    e164_digits,
    json_bytes,
    refusal,
)
from contract_tests.session import Session
from twosms_contract.spec import Spec

RULES, VALIDATION, ORDER = ids.ERROR_CODES, ids.VALIDATION, ids.ORDER
Build = Callable[[Session], Any]


def _resolved(value: Any, session: Session) -> Any:
    """A value, with the callables in it (`above`, `below`: read from the spec) called."""
    if callable(value):
        return value(session)
    if isinstance(value, dict):
        return {key: _resolved(item, session) for key, item in value.items()}
    return value


def _set(path: str, value: Any) -> Build:
    """The base request with one value set at a dotted path (a callable value is read from
    the session's spec)."""

    def build(session: Session) -> Any:
        body = base_request()
        node = body
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _resolved(value, session)
        return body

    return build


def _recurring_set(recurring: dict[str, Any]) -> Build:
    """A recurring message (Type 2, where RecurringOptions count) with these options."""
    return lambda s: base_request(Type=2, Options={"RecurringOptions": _resolved(recurring, s)})


def _short_e164(session: Session) -> str:
    """`+` and one digit fewer than the QuickRecipients key pattern admits."""
    return "+" + "1234567890123456789"[: e164_digits(session)[0] - 1]


def _long_e164(session: Session) -> str:
    """`+` and one digit more than the QuickRecipients key pattern admits."""
    most = e164_digits(session)[1] + 1
    return "+" + ("1234567890" * (most // 10 + 1))[:most]


def _without(key: str) -> Build:
    return lambda s: {k: v for k, v in base_request().items() if k != key}


_FREQUENCY, _REPETITIONS = "$.Options.Repeat.Frequency", "$.Options.Repeat.Repetitions"
_RECURRING = "$.Options.RecurringOptions."


def _seed_sample() -> Any:
    import json

    from twosms_contract.paths import project_file

    return json.loads(project_file("examples/seed-request.json").read_text())


def validation_probes(_spec: Spec) -> list[Probe]:
    """One probe per schema rule of the request; the help page's sample; top-level JSON that
    is not an object."""
    table: list[tuple[str, Build, Sequence[str]]] = [
        ("type-missing", _without("Type"), ["Type"]),
        ("contacts-missing", _without("Contacts"), ["Contacts"]),
        ("options-missing", _without("Options"), ["Options"]),
        ("type-out-of-enum", _set("Type", above("$.Type")), ["Type"]),
        ("type-as-text", _set("Type", "Standard"), ["Type"]),
        ("content-not-a-string", _set("Content", 5), ["Content"]),
        ("content-null", _set("Content", None), ["Content"]),
        ("options-null", _set("Options", None), ["Options"]),
        ("template-null", _set("Template", None), ["Template"]),
        ("sender-null", _set("Options.Sender", None), ["Sender"]),
        ("quick-recipients-null", _set("Contacts.QuickRecipients", None), ["QuickRecipients"]),
        (
            "channel-null",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: None}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        (
            "channel-out-of-enum",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: above("$.Contacts.QuickRecipients.*")}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        (
            "channel-negative",
            _set("Contacts.QuickRecipients", {QUICK_NUMBER: -1}),
            [QUICK_NUMBER, "QuickRecipients"],
        ),
        ("src-port-above", _set("Options.SrcPort", above("$.Options.SrcPort")), ["SrcPort"]),
        ("src-port-below", _set("Options.SrcPort", below("$.Options.SrcPort")), ["SrcPort"]),
        ("src-port-huge", _set("Options.SrcPort", 10**30), ["SrcPort"]),
        ("dst-port-above", _set("Options.DstPort", above("$.Options.DstPort")), ["DstPort"]),
        ("frequency-below", _set("Options.Repeat.Frequency", below(_FREQUENCY)), ["Frequency"]),
        ("frequency-above", _set("Options.Repeat.Frequency", above(_FREQUENCY)), ["Frequency"]),
        (
            "repetitions-above",
            _set("Options.Repeat.Repetitions", above(_REPETITIONS)),
            ["Repetitions"],
        ),
        (
            "repetitions-below",
            _set("Options.Repeat.Repetitions", below(_REPETITIONS)),
            ["Repetitions"],
        ),
        (
            "response-alert-out-of-enum",
            _set("Options.ResponseAlert", above("$.Options.ResponseAlert")),
            ["ResponseAlert"],
        ),
        ("reads-negative", _set("Options.Reads", below("$.Options.Reads")), ["Reads"]),
        (
            "response-limit-negative",
            _set("Options.ResponseLimit", below("$.Options.ResponseLimit")),
            ["ResponseLimit"],
        ),
        (
            "occurrences-zero",
            _recurring_set({"Range": 1, "OccurrencesEnd": below(_RECURRING + "OccurrencesEnd")}),
            ["OccurrencesEnd"],
        ),
        (
            "schedule-days-above",
            _recurring_set({"PatternScheduleDays": above(_RECURRING + "PatternScheduleDays")}),
            ["PatternScheduleDays"],
        ),
        (
            "schedule-days-below",
            _recurring_set({"PatternScheduleDays": below(_RECURRING + "PatternScheduleDays")}),
            ["PatternScheduleDays"],
        ),
        ("range-out-of-enum", _recurring_set({"Range": above(_RECURRING + "Range")}), ["Range"]),
        ("date-not-a-date", _set("Options.DateToSend", "tomorrow"), ["DateToSend"]),
        ("boolean-as-string", _set("Options.DeliveryReceipt", "maybe"), ["DeliveryReceipt"]),
        ("src-port-fraction", _set("Options.SrcPort", 80.5), ["SrcPort"]),
        (
            "quick-key-not-e164",
            _set("Contacts.QuickRecipients", {"447700900123": 2}),
            ["QuickRecipients", "447700900123"],
        ),
        (
            "quick-key-too-few-digits",
            lambda s: base_request(Contacts={"QuickRecipients": {_short_e164(s): 2}}),
            ["QuickRecipients", "+1"],
        ),
        (
            "quick-key-too-many-digits",
            lambda s: base_request(Contacts={"QuickRecipients": {_long_e164(s): 2}}),
            ["QuickRecipients", "+1"],
        ),
        (
            "quick-key-seed-placeholder",
            _set("Contacts.QuickRecipients", {"sample string 1": 0}),
            ["QuickRecipients", "sample string 1"],
        ),
        (
            "contact-key-not-digits",
            _set("Contacts.ContactID", {"sample string 1": 0}),
            ["ContactID", "sample string 1"],
        ),
        (
            "group-key-not-guid",
            _set("Contacts.GroupID", {"sample string 1": 0}),
            ["GroupID", "sample string 1"],
        ),
        (
            "email-from-address",
            _set("Options.EmailOptions", {"FromAddress": "not an address"}),
            ["FromAddress"],
        ),
        # null is not absent, at every depth (docs/contract.md "null is not absent").
        ("type-null", _set("Type", None), ["Type"]),
        ("contacts-null", _set("Contacts", None), ["Contacts"]),
        ("contact-ids-null", _set("Contacts.ContactID", None), ["ContactID"]),
        ("group-ids-null", _set("Contacts.GroupID", None), ["GroupID"]),
        ("repeat-null", _set("Options.Repeat", None), ["Repeat"]),
        ("frequency-null", _set("Options.Repeat", {"Frequency": None}), ["Frequency"]),
        ("recurring-options-null", _set("Options.RecurringOptions", None), ["RecurringOptions"]),
        ("email-options-null", _set("Options.EmailOptions", None), ["EmailOptions"]),
        ("reply-to-null", _set("Options.EmailOptions", {"ReplyTo": None}), ["ReplyTo"]),
        ("date-to-send-null", _set("Options.DateToSend", None), ["DateToSend"]),
        ("reference-null", _set("Options.Reference", None), ["Reference"]),
        ("template-id-null", _set("Template", {"ID": None}), ["Template"]),
        (
            "placeholder-null",
            _set("Template", {"ID": UNKNOWN_GUID, "PlaceHolders": {"1": None}}),
            ["PlaceHolders"],
        ),
        (
            "range-null",
            _recurring_set({"Range": None}),
            ["Range"],
        ),
        # An address key must be an address: one @, something on each side, no space.
        *(
            (
                f"quick-key-address-{name}",
                _set("Contacts.QuickRecipients", {key: 1}),
                ["QuickRecipients", key],
            )
            for name, key in (
                ("no-domain", "bob@"),
                ("no-local-part", "@example.com"),
                ("two-ats", "ann@bob@example.com"),
                ("space", "ann smith@example.com"),
            )
        ),
    ]
    probes = [
        refusal(
            f"validation-{probe_id}",
            check=VALIDATION,
            rule=ids.VALIDATION_ERROR.rule,
            request=build,
            code="ValidationError",
            names=names,
            description=f"A schema violation ({probe_id}) is ValidationError naming its JSON path.",
        )
        for probe_id, build, names in table
    ]
    for kind, value in (("array", []), ("string", "text"), ("number", 1), ("null", None)):
        probes.append(
            refusal(
                f"validation-top-level-{kind}",
                check=VALIDATION,
                rule=ids.VALIDATION_ERROR.rule,
                request=constant(
                    Raw(content=json_bytes(value), headers={"Content-Type": "application/json"})
                ),
                code="ValidationError",
                description=f"A top-level JSON {kind} is a ValidationError, not InvalidJson.",
            )
        )
    probes.append(
        refusal(
            "validation-seed-sample",
            check=VALIDATION,
            rule=ids.VALIDATION_ERROR.rule,
            request=lambda s: _seed_sample(),
            code="ValidationError",
            names=["sample string", "ContactID", "GroupID", "QuickRecipients"],
            description="The help page's request sample: its placeholder keys fail the patterns.",
        )
    )
    return probes
