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


def _invalid(*, name: str, request: Build, names: Sequence[str]) -> Probe:
    """`request` breaks one schema rule (`name` says which); the reason names one of
    `names`."""
    return refusal(
        id=f"validation-{name}",
        check=VALIDATION,
        rule=ids.VALIDATION_ERROR.rule,
        request=request,
        code="ValidationError",
        names=names,
        description=f"A schema violation ({name}) is ValidationError naming its JSON path.",
    )


def _top_level(*, kind: str, value: Any) -> Probe:
    """A body of JSON that is not an object (`value`, a JSON `kind`)."""
    return refusal(
        id=f"validation-top-level-{kind}",
        check=VALIDATION,
        rule=ids.VALIDATION_ERROR.rule,
        request=constant(
            Raw(content=json_bytes(value), headers={"Content-Type": "application/json"})
        ),
        code="ValidationError",
        description=f"A top-level JSON {kind} is a ValidationError, not InvalidJson.",
    )


def validation_probes(_spec: Spec) -> list[Probe]:
    """One probe per schema rule of the request; the help page's sample; top-level JSON that
    is not an object."""
    return [
        _invalid(name="type-missing", request=_without("Type"), names=["Type"]),
        _invalid(name="contacts-missing", request=_without("Contacts"), names=["Contacts"]),
        _invalid(name="options-missing", request=_without("Options"), names=["Options"]),
        _invalid(name="type-out-of-enum", request=_set("Type", above("$.Type")), names=["Type"]),
        _invalid(name="type-as-text", request=_set("Type", "Standard"), names=["Type"]),
        _invalid(name="content-not-a-string", request=_set("Content", 5), names=["Content"]),
        _invalid(name="content-null", request=_set("Content", None), names=["Content"]),
        _invalid(name="options-null", request=_set("Options", None), names=["Options"]),
        _invalid(name="template-null", request=_set("Template", None), names=["Template"]),
        _invalid(name="sender-null", request=_set("Options.Sender", None), names=["Sender"]),
        _invalid(
            name="quick-recipients-null",
            request=_set("Contacts.QuickRecipients", None),
            names=["QuickRecipients"],
        ),
        _invalid(
            name="channel-null",
            request=_set("Contacts.QuickRecipients", {QUICK_NUMBER: None}),
            names=[QUICK_NUMBER, "QuickRecipients"],
        ),
        _invalid(
            name="channel-out-of-enum",
            request=_set(
                "Contacts.QuickRecipients", {QUICK_NUMBER: above("$.Contacts.QuickRecipients.*")}
            ),
            names=[QUICK_NUMBER, "QuickRecipients"],
        ),
        _invalid(
            name="channel-negative",
            request=_set("Contacts.QuickRecipients", {QUICK_NUMBER: -1}),
            names=[QUICK_NUMBER, "QuickRecipients"],
        ),
        _invalid(
            name="src-port-above",
            request=_set("Options.SrcPort", above("$.Options.SrcPort")),
            names=["SrcPort"],
        ),
        _invalid(
            name="src-port-below",
            request=_set("Options.SrcPort", below("$.Options.SrcPort")),
            names=["SrcPort"],
        ),
        _invalid(name="src-port-huge", request=_set("Options.SrcPort", 10**30), names=["SrcPort"]),
        _invalid(
            name="dst-port-above",
            request=_set("Options.DstPort", above("$.Options.DstPort")),
            names=["DstPort"],
        ),
        _invalid(
            name="frequency-below",
            request=_set("Options.Repeat.Frequency", below(_FREQUENCY)),
            names=["Frequency"],
        ),
        _invalid(
            name="frequency-above",
            request=_set("Options.Repeat.Frequency", above(_FREQUENCY)),
            names=["Frequency"],
        ),
        _invalid(
            name="repetitions-above",
            request=_set("Options.Repeat.Repetitions", above(_REPETITIONS)),
            names=["Repetitions"],
        ),
        _invalid(
            name="repetitions-below",
            request=_set("Options.Repeat.Repetitions", below(_REPETITIONS)),
            names=["Repetitions"],
        ),
        _invalid(
            name="response-alert-out-of-enum",
            request=_set("Options.ResponseAlert", above("$.Options.ResponseAlert")),
            names=["ResponseAlert"],
        ),
        _invalid(
            name="reads-negative",
            request=_set("Options.Reads", below("$.Options.Reads")),
            names=["Reads"],
        ),
        _invalid(
            name="response-limit-negative",
            request=_set("Options.ResponseLimit", below("$.Options.ResponseLimit")),
            names=["ResponseLimit"],
        ),
        _invalid(
            name="occurrences-zero",
            request=_recurring_set(
                {"Range": 1, "OccurrencesEnd": below(_RECURRING + "OccurrencesEnd")}
            ),
            names=["OccurrencesEnd"],
        ),
        _invalid(
            name="schedule-days-above",
            request=_recurring_set(
                {"PatternScheduleDays": above(_RECURRING + "PatternScheduleDays")}
            ),
            names=["PatternScheduleDays"],
        ),
        _invalid(
            name="schedule-days-below",
            request=_recurring_set(
                {"PatternScheduleDays": below(_RECURRING + "PatternScheduleDays")}
            ),
            names=["PatternScheduleDays"],
        ),
        _invalid(
            name="range-out-of-enum",
            request=_recurring_set({"Range": above(_RECURRING + "Range")}),
            names=["Range"],
        ),
        _invalid(
            name="date-not-a-date",
            request=_set("Options.DateToSend", "tomorrow"),
            names=["DateToSend"],
        ),
        _invalid(
            name="boolean-as-string",
            request=_set("Options.DeliveryReceipt", "maybe"),
            names=["DeliveryReceipt"],
        ),
        _invalid(
            name="src-port-fraction", request=_set("Options.SrcPort", 80.5), names=["SrcPort"]
        ),
        _invalid(
            name="quick-key-not-e164",
            request=_set("Contacts.QuickRecipients", {"447700900123": 2}),
            names=["QuickRecipients", "447700900123"],
        ),
        _invalid(
            name="quick-key-too-few-digits",
            request=lambda s: base_request(Contacts={"QuickRecipients": {_short_e164(s): 2}}),
            names=["QuickRecipients", "+1"],
        ),
        _invalid(
            name="quick-key-too-many-digits",
            request=lambda s: base_request(Contacts={"QuickRecipients": {_long_e164(s): 2}}),
            names=["QuickRecipients", "+1"],
        ),
        _invalid(
            name="quick-key-seed-placeholder",
            request=_set("Contacts.QuickRecipients", {"sample string 1": 0}),
            names=["QuickRecipients", "sample string 1"],
        ),
        _invalid(
            name="contact-key-not-digits",
            request=_set("Contacts.ContactID", {"sample string 1": 0}),
            names=["ContactID", "sample string 1"],
        ),
        _invalid(
            name="group-key-not-guid",
            request=_set("Contacts.GroupID", {"sample string 1": 0}),
            names=["GroupID", "sample string 1"],
        ),
        _invalid(
            name="email-from-address",
            request=_set("Options.EmailOptions", {"FromAddress": "not an address"}),
            names=["FromAddress"],
        ),
        # null is not absent, at every depth (docs/contract.md "null is not absent").
        _invalid(name="type-null", request=_set("Type", None), names=["Type"]),
        _invalid(name="contacts-null", request=_set("Contacts", None), names=["Contacts"]),
        _invalid(
            name="contact-ids-null", request=_set("Contacts.ContactID", None), names=["ContactID"]
        ),
        _invalid(name="group-ids-null", request=_set("Contacts.GroupID", None), names=["GroupID"]),
        _invalid(name="repeat-null", request=_set("Options.Repeat", None), names=["Repeat"]),
        _invalid(
            name="frequency-null",
            request=_set("Options.Repeat", {"Frequency": None}),
            names=["Frequency"],
        ),
        _invalid(
            name="recurring-options-null",
            request=_set("Options.RecurringOptions", None),
            names=["RecurringOptions"],
        ),
        _invalid(
            name="email-options-null",
            request=_set("Options.EmailOptions", None),
            names=["EmailOptions"],
        ),
        _invalid(
            name="reply-to-null",
            request=_set("Options.EmailOptions", {"ReplyTo": None}),
            names=["ReplyTo"],
        ),
        _invalid(
            name="date-to-send-null", request=_set("Options.DateToSend", None), names=["DateToSend"]
        ),
        _invalid(
            name="reference-null", request=_set("Options.Reference", None), names=["Reference"]
        ),
        _invalid(
            name="template-id-null", request=_set("Template", {"ID": None}), names=["Template"]
        ),
        _invalid(
            name="placeholder-null",
            request=_set("Template", {"ID": UNKNOWN_GUID, "PlaceHolders": {"1": None}}),
            names=["PlaceHolders"],
        ),
        _invalid(
            name="range-null",
            request=_recurring_set({"Range": None}),
            names=["Range"],
        ),
        # An address key must be an address: one @, something on each side, no space.
        _invalid(
            name="quick-key-address-no-domain",
            request=_set("Contacts.QuickRecipients", {"bob@": 1}),
            names=["QuickRecipients", "bob@"],
        ),
        _invalid(
            name="quick-key-address-no-local-part",
            request=_set("Contacts.QuickRecipients", {"@example.com": 1}),
            names=["QuickRecipients", "@example.com"],
        ),
        _invalid(
            name="quick-key-address-two-ats",
            request=_set("Contacts.QuickRecipients", {"ann@bob@example.com": 1}),
            names=["QuickRecipients", "ann@bob@example.com"],
        ),
        _invalid(
            name="quick-key-address-space",
            request=_set("Contacts.QuickRecipients", {"ann smith@example.com": 1}),
            names=["QuickRecipients", "ann smith@example.com"],
        ),
        _top_level(kind="array", value=[]),
        _top_level(kind="string", value="text"),
        _top_level(kind="number", value=1),
        _top_level(kind="null", value=None),
        refusal(
            id="validation-seed-sample",
            check=VALIDATION,
            rule=ids.VALIDATION_ERROR.rule,
            request=lambda s: _seed_sample(),
            code="ValidationError",
            names=["sample string", "ContactID", "GroupID", "QuickRecipients"],
            description="The help page's request sample: its placeholder keys fail the patterns.",
        ),
    ]
