"""Request-validation faults of the recipient maps: keys normalised or read leniently before
the pattern (int(), uuid.UUID(), separators, Unicode digits, a final newline), channels
outside the enum, empty arrays taken for objects. The key patterns are schema edits
(`schema_edits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mockserver import Behaviour, Failure
from tests.faults.base import Catalog
from tests.faults.fields_base import (
    ACCEPTS,
    WRONG_CODE,
    ViewFault,
    python_int,
    python_uuid,
    walk,
)

catalog = Catalog()
fault = catalog.fault
variant = catalog.variant


# -- map keys (propertyNames) and channels of the other maps -------------------------------


def _rename_keys(path: tuple[str, ...], rename: Callable[[str], str | None]) -> type[Behaviour]:
    """Map keys at `path` renamed (normalised) before validation, as a lenient reader does;
    `rename` returns None to leave a key."""

    class Rename(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, path)):
                node = container[key]
                if isinstance(node, dict):
                    renamed = {}
                    for k, v in node.items():
                        new = rename(k)
                        renamed[new if new is not None else k] = v
                    container[key] = renamed
            return super().check_schema(instance)

    return Rename


variant(
    "contactid-key-read-with-int",
    "ContactID keys are read with int(): ' 1001', '+1001', '1_001' and Unicode digits are"
    " contact 1001",
)(_rename_keys(("Contacts", "ContactID"), python_int))
fault(
    "groupid-key-read-with-uuid",
    "GroupID keys are read with uuid.UUID(): braces, urn:uuid: and 32 hex digits without"
    " hyphens name the group",
    *ACCEPTS,
)(_rename_keys(("Contacts", "GroupID"), python_uuid))
fault(
    "quick-key-separators-stripped",
    "spaces, hyphens, dots and parentheses are stripped from QuickRecipients numbers before"
    " the pattern: '+44 7700 900123' is +447700900123",
    *ACCEPTS,
)(
    _rename_keys(
        ("Contacts", "QuickRecipients"),
        lambda k: re.sub(r"[ ().\-]", "", k) if k.startswith("+") else None,
    )
)


def _view_keys(path: tuple[str, ...], rename: Callable[[str], str]) -> type[Behaviour]:
    def view(self: Any, instance: Any) -> None:
        for container, key in list(walk(instance, path)):
            node = container[key]
            if isinstance(node, dict):
                container[key] = {rename(k): v for k, v in node.items()}

    return type("X", (ViewFault,), {"view": view})


def _ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


variant(
    "quick-key-unicode-digits",
    "the E.164 pattern is read with \\d (Unicode digits, as .NET and Python re do): "
    "'+٤٤٧٧٠٠٩٠٠١٢٣' is a number",
)(_view_keys(("Contacts", "QuickRecipients"), _ascii_digits))
variant(
    "quick-key-trailing-newline",
    "the QuickRecipients pattern ends with a plain $ in Python re, which matches before a"
    " final newline: '+447700900123\\n' is accepted",
)(_view_keys(("Contacts", "QuickRecipients"), lambda k: k[:-1] if k.endswith("\n") else k))
variant(
    "contactid-key-trailing-newline",
    "the ContactID pattern ends with a plain $: '1001\\n' is accepted (as an unknown contact:"
    " UnknownContact, not ValidationError)",
)(_view_keys(("Contacts", "ContactID"), lambda k: k[:-1] if k.endswith("\n") else k))


def _channel_default(map_name: str) -> type[Behaviour]:
    class ChannelDefault(Behaviour):
        """An out-of-enum channel becomes 0 (a C# enum cast accepts any integer)."""

        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, ("Contacts", map_name, "*"))):
                value = container[key]
                if isinstance(value, int) and not isinstance(value, bool) and value not in range(4):
                    container[key] = 0
            return super().check_schema(instance)

    return ChannelDefault


fault(
    "contactid-channel-out-of-enum-default",
    "a ContactID channel outside 0..3 is taken as 0 (default) instead of a ValidationError"
    " (QuickRecipients channels are checked)",
    *ACCEPTS,
)(_channel_default("ContactID"))
fault(
    "groupid-channel-out-of-enum-default",
    "a GroupID channel outside 0..3 is taken as 0 (default) instead of a ValidationError",
    *ACCEPTS,
)(_channel_default("GroupID"))


# -- objects taken leniently ----------------------------------------------------------------


def _empty_for_array(*path: str) -> type[Behaviour]:
    class EmptyForArray(Behaviour):
        def check_schema(self, instance: Any) -> Failure | None:
            for container, key in list(walk(instance, path)):
                if container[key] == []:
                    container[key] = {}
            return super().check_schema(instance)

    return EmptyForArray


fault(
    "options-empty-array-as-object",
    "Options [] is read as {} (an empty collection), not a ValidationError",
    *ACCEPTS,
)(_empty_for_array("Options"))
fault(
    "contacts-empty-array-as-object",
    "Contacts [] is read as {}: NoRecipients instead of ValidationError",
    *WRONG_CODE,
)(_empty_for_array("Contacts"))
fault(
    "quick-recipients-empty-array-as-object",
    "QuickRecipients [] is read as {} beside a valid ContactID map: accepted",
    *ACCEPTS,
)(_empty_for_array("Contacts", "QuickRecipients"))
fault("repeat-empty-array-as-object", "Options.Repeat [] is read as {}", *ACCEPTS)(
    _empty_for_array("Options", "Repeat")
)
fault("email-options-empty-array-as-object", "Options.EmailOptions [] is read as {}", *ACCEPTS)(
    _empty_for_array("Options", "EmailOptions")
)


@variant(
    "template-string-as-id",
    "a Template given as a string is taken for its ID (UnknownTemplate or a send, not a"
    " ValidationError)",
)
class TemplateStringAsId(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Template"), str):
            instance["Template"] = {"ID": instance["Template"], "PlaceHolders": {"1": ""}}
        return super().check_schema(instance)
