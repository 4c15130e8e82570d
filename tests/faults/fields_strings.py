"""Request-validation faults of the strings: Content and PlaceHolders coerced, booleans
coerced, Template.ID read with uuid.UUID(), e-mail addresses, the Sender and Reference
rules (their own codes). Type and format checks dropped are schema edits
(`schema_edits`).
"""

from __future__ import annotations

import re
from typing import Any

from mockserver import Behaviour, Failure, SendContext
from mockserver.validation import show
from tests.faults.base import Catalog
from tests.faults.fields_base import (
    ACCEPTS,
    REFUSES,
    CoerceFault,
    ViewFault,
    coerced,
    python_uuid,
    walk,
)

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


# -- strings ---------------------------------------------------------------------------------

fault("content-number-coerced", "a numeric Content (5) is read as the text '5'", *ACCEPTS)(
    coerced(
        (("Content",),),
        lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v,
    )
)
fault("content-bool-coerced", "a boolean Content (true) is read as the text 'True'", *ACCEPTS)(
    coerced((("Content",),), lambda v: str(v) if isinstance(v, bool) else v)
)
fault(
    "placeholder-value-coerced",
    "non-string PlaceHolders values (5, true) are read as their text",
    *ACCEPTS,
)(
    coerced(
        (("Template", "PlaceHolders", "*"),),
        lambda v: str(v) if isinstance(v, (int, float, bool)) else v,
    )
)
fault(
    "booleans-string-coerced",
    "the boolean options accept the strings 'true' and 'false' (any case)",
    *ACCEPTS,
)(
    coerced(
        tuple(
            ("Options", n)
            for n in (
                "DeliveryReceipt",
                "DeliverToValidatedOnly",
                "EmailReadReceipt",
                "SmsReadReceipt",
                "SecureMessage",
            )
        ),
        lambda v: {"true": True, "false": False}.get(v.lower(), v) if isinstance(v, str) else v,
    )
)
fault("booleans-int-coerced", "the boolean options accept 0 and 1", *ACCEPTS)(
    coerced(
        tuple(
            ("Options", n)
            for n in (
                "DeliveryReceipt",
                "DeliverToValidatedOnly",
                "EmailReadReceipt",
                "SmsReadReceipt",
                "SecureMessage",
            )
        ),
        lambda v: bool(v) if isinstance(v, int) and not isinstance(v, bool) and v in (0, 1) else v,
    )
)


# -- Template.ID (format uuid + pattern) ----------------------------------------------------


@variant(
    "template-id-read-with-uuid",
    "Template.ID is read with uuid.UUID(): '{guid}', 'urn:uuid:guid' and 32 hex digits name"
    " the template",
)
class TemplateIdUuid(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        template = instance.get("Template") if isinstance(instance, dict) else None
        if isinstance(template, dict) and isinstance(template.get("ID"), str):
            parsed = python_uuid(template["ID"])
            if parsed is not None:
                template["ID"] = parsed
        return super().check_schema(instance)


# -- e-mail addresses (EmailOptions) --------------------------------------------------------


@variant(
    "email-address-trailing-newline",
    "the EmailAddress pattern ends with a plain $ in Python re: 'ops@example.com\\n' is accepted",
)
class EmailNewline(ViewFault):
    def view(self, instance: Any) -> None:
        for path in (
            ("Options", "EmailOptions", "FromAddress"),
            ("Options", "EmailOptions", "ReplyTo"),
        ):
            for container, key in list(walk(instance, path)):
                value = container[key]
                if isinstance(value, str) and value.endswith("\n"):
                    container[key] = value[:-1]


# -- Sender and Reference (rules with their own code) ----------------------------------------


def _sender_pattern(pattern: str) -> type[Behaviour]:
    class SenderPattern(Behaviour):
        def __init__(self, state: Any) -> None:
            super().__init__(state)
            self.sender_pattern = re.compile(pattern)

    return SenderPattern


fault(
    "sender-letter-first",
    "an alphanumeric Sender must start with a letter: '24Shop' is InvalidSender",
    *REFUSES,
)(_sender_pattern(r"[A-Za-z][A-Za-z0-9 ]{0,10}|\+?[0-9]{1,15}"))
fault(
    "sender-max-10", "an alphanumeric Sender of 11 characters is InvalidSender (limit 10)", *REFUSES
)(_sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,10}|\+?[0-9]{1,15}"))
fault("sender-numeric-16-digits", "a numeric Sender of 16 digits is accepted", *ACCEPTS)(
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,16}")
)
fault(
    "sender-numeric-14-digits",
    "a numeric Sender of 15 digits is InvalidSender (limit 14)",
    *REFUSES,
)(_sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,14}"))
fault("sender-plus-not-allowed", "a numeric Sender with a leading + is InvalidSender", *REFUSES)(
    _sender_pattern(r"(?=[^\n]*[A-Za-z])[A-Za-z0-9 ]{1,11}|[0-9]{1,15}")
)


@variant(
    "sender-trailing-newline",
    "the Sender rule is a Python re with a plain $ (re.match): 'Shop\\n' is accepted",
)
class SenderNewline(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        sender = ctx.options.get("Sender")
        pattern = r"^(?:[A-Za-z][A-Za-z0-9 ]{0,10}|[A-Za-z0-9 ]{1,11})$"
        if (
            isinstance(sender, str)
            and sender.endswith("\n")
            and re.match(pattern, sender)
            and any(c.isalpha() for c in sender)
        ):
            return None
        return super().check_invalid_sender(ctx)


@fault(
    "sender-empty-is-default",
    "an empty Sender is taken for absent (the account default), not InvalidSender",
    *ACCEPTS,
)
class SenderEmptyDefault(Behaviour):
    def check_invalid_sender(self, ctx: SendContext) -> Failure | None:
        if ctx.options.get("Sender") == "":
            return None
        return super().check_invalid_sender(ctx)


@fault("reference-limit-65", "a Reference of 65 characters is accepted", *ACCEPTS)
class ReferenceLimit65(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference) == 65:
            return None
        return super().check_invalid_reference(ctx)


@variant(
    "reference-counts-utf16-units",
    "Reference length is counted in UTF-16 code units (as .NET's string.Length): 33 emoji"
    " (33 characters, 66 units) are InvalidReference; JSON Schema's maxLength counts"
    " characters",
)
class ReferenceUtf16(Behaviour):
    def check_invalid_reference(self, ctx: SendContext) -> Failure | None:
        reference = ctx.options.get("Reference")
        if isinstance(reference, str) and len(reference.encode("utf-16-le")) // 2 > 64:
            return self.fail(
                "invalid-reference",
                f"$.Options.Reference: {show(reference)} is over 64 characters",
            )
        return super().check_invalid_reference(ctx)


@fault(
    "reference-number-coerced", "a numeric Reference (12345) is read as the text '12345'", *ACCEPTS
)
class ReferenceNumber(CoerceFault):
    coerce_paths = (("Options", "Reference"),)

    def coerce(self, value: Any) -> Any:
        return (
            str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        )


@fault(
    "sender-number-coerced",
    "a numeric Sender (447700900123) is read as the text '447700900123'",
    *ACCEPTS,
)
class SenderNumber(CoerceFault):
    coerce_paths = (("Options", "Sender"),)

    def coerce(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
