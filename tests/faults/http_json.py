"""Faults of JSON reading: syntax and extremes, null and unknown properties at depth, map
keys, ValidationError reasons.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from contract_tests import ids
from mockserver import Behaviour, Failure, MockState, SendContext
from mockserver.behaviour import _DECODER, _deeper_than, _skip_space
from tests.faults.base import Catalog

catalog = Catalog()
fault = catalog.fault


# -- JSON syntax --------------------------------------------------------------------------------


@fault(
    "trailing-data-accepted",
    "a JSON object followed by more text ({...} xyz) is read up to the object and accepted",
    ids.INVALID_JSON,
)
class TrailingData(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if isinstance(value, Failure) and "Extra data" in value.reason:
            codec = "ascii" if charset == "us-ascii" else charset
            text = body.decode(codec).removeprefix("\ufeff")
            return _DECODER.raw_decode(text, _skip_space(text, 0))[0]
        return value


def _reject_positive(name: str) -> Any:
    if name == "-Infinity":
        return float("-inf")
    raise ValueError(f"{name} is not JSON")


@fault(
    "negative-infinity-accepted",
    "NaN and Infinity are InvalidJson but -Infinity is read as a number",
    ids.INVALID_JSON,
)
class NegativeInfinity(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if isinstance(value, Failure) and "-Infinity" in value.reason:
            codec = "ascii" if charset == "us-ascii" else charset
            text = body.decode(codec).removeprefix("\ufeff")
            try:
                return json.loads(text, parse_constant=_reject_positive)
            except ValueError:
                return value
        return value


@fault(
    "huge-integer-500",
    "an integer literal of more than 4300 digits crashes the server (Python's int limit)",
    ids.NOT_A_SERVER_ERROR,
    ids.INVALID_JSON,
)
class HugeInteger500(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        codec = "ascii" if charset == "us-ascii" else charset
        try:
            json.loads(body.decode(codec))
        except ValueError as exc:
            if type(exc) is ValueError:  # not JSONDecodeError nor UnicodeDecodeError
                raise
        except RecursionError:
            pass
        return super().check_json(body, charset)


@fault(
    "deep-nesting-500-mid-depth",
    "nesting past the parser's limit is InvalidJson, but nesting of 65..~900 levels parses and"
    " crashes the recursive validator (500)",
    ids.NOT_A_SERVER_ERROR,
    ids.INVALID_JSON,
)
class DeepMid500(Behaviour):
    def __init__(self, state: MockState) -> None:
        super().__init__(state)
        self.max_depth = 1 << 30  # only the parser's own RecursionError limits depth

    def check_schema(self, instance: Any) -> Failure | None:
        if _deeper_than(instance, 64):
            raise RecursionError("maximum recursion depth exceeded in the validator")
        return super().check_schema(instance)


@fault(
    "utf16-decode-error-500",
    "bytes that do not decode as the declared UTF-16/UTF-32 crash the server (only the UTF-8"
    " and US-ASCII decoding is guarded)",
    ids.NOT_A_SERVER_ERROR,
    ids.INVALID_JSON,
)
class Utf16Decode500(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        if charset.startswith(("utf-16", "utf-32")):
            body.decode(charset)  # UnicodeDecodeError escapes
        return super().check_json(body, charset)


# -- null, unknown properties, map keys ---------------------------------------------------------


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


@fault(
    "null-absent-in-nested-options",
    "null inside Options.Repeat/RecurringOptions/EmailOptions and Template.PlaceHolders is"
    " taken for absent (nested models default to None)",
    ids.VALIDATION_ERROR,
)
class NullNested(Behaviour):
    def check_json(self, body: bytes, charset: str) -> Any | Failure:
        value = super().check_json(body, charset)
        if not isinstance(value, dict):
            return value
        options = value.get("Options")
        if isinstance(options, dict):
            for key in ("Repeat", "RecurringOptions", "EmailOptions"):
                if isinstance(options.get(key), dict):
                    options[key] = _drop_nulls(options[key])
        template = value.get("Template")
        if isinstance(template, dict) and isinstance(template.get("PlaceHolders"), dict):
            template["PlaceHolders"] = _drop_nulls(template["PlaceHolders"])
        return value


@fault(
    "unknown-contacts-property-refused",
    "an unknown property inside Contacts (a strict Contacts model) is a ValidationError",
    ids.ACCEPT_UNKNOWN_PROPERTIES,
)
class UnknownInContacts(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict) and isinstance(instance.get("Contacts"), dict):
            for key in instance["Contacts"]:
                if key not in ("QuickRecipients", "ContactID", "GroupID"):
                    return self.fail("schema", f"$.Contacts.{key}: unknown property")
        return super().check_schema(instance)


_EMAIL_KEY = re.compile(r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+")


@fault(
    "bad-email-key-invalid-recipient",
    "a QuickRecipients key with an '@' that is not an address (bob@, a b@c) is InvalidRecipient,"
    " not ValidationError (address keys are checked by the business rule)",
    ids.VALIDATION_ERROR,
)
class BadEmailKey(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        if isinstance(instance, dict):
            contacts = instance.get("Contacts")
            quick = contacts.get("QuickRecipients") if isinstance(contacts, dict) else None
            if (
                isinstance(contacts, dict)
                and isinstance(quick, dict)
                and any("@" in k for k in quick)
            ):
                trimmed = {k: v for k, v in quick.items() if "@" not in k}
                instance = {**instance, "Contacts": {**contacts, "QuickRecipients": trimmed}}
        return super().check_schema(instance)

    def check_invalid_recipient(self, ctx: SendContext) -> Failure | None:
        for key in ctx.recipients.get("QuickRecipients", {}):
            if "@" in key and not _EMAIL_KEY.fullmatch(key):
                return self.fail(
                    "invalid-recipient", f"$.Contacts.QuickRecipients[{key!r}]: not an address"
                )
        return super().check_invalid_recipient(ctx)


# -- ValidationError reasons --------------------------------------------------------------------

_PATH = re.compile(r'\$((?:\.[A-Za-z0-9_]+|\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\])*)')


def _pointer(match: re.Match[str]) -> str:
    parts = re.findall(r'\.([A-Za-z0-9_]+)|\["((?:[^"\\]|\\.)*)"\]|\[([0-9]+)\]', match.group(1))
    return "/" + "/".join(a or b or c for a, b, c in parts)


@fault(
    "validation-path-as-pointer",
    "ValidationError reasons name fields by JSON Pointer (/Options/SrcPort), not JSON path",
    ids.VALIDATION_REASON,
)
class PathAsPointer(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        if failure is None:
            return None
        return replace(failure, reason=_PATH.sub(_pointer, failure.reason))


@fault(
    "validation-key-not-named",
    "a map key that fails its pattern is reported without the key",
    ids.VALIDATION_REASON,
)
class KeyNotNamed(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        failure = super().check_schema(instance)
        if failure is None:
            return None
        reason = re.sub(
            r'\$\.Contacts\.(\w+)\["(?:[^"\\]|\\.)*"\]: '
            r'key "(?:[^"\\]|\\.)*" does not match [^;\s]+',
            r"$.Contacts.\1: a key does not match the pattern",
            failure.reason,
        )
        return replace(failure, reason=reason)
