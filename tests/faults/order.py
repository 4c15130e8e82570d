"""Faults of the order of checks: a server that runs a later check before an earlier one,
so a request breaking both gets the later one's code.

The business rules' pairs are rows (`RULE_PAIRS`): each a server whose rules run in the
spec's order but for the later rule of the pair, moved up to run just before the earlier.
The HTTP checks and the schema, which read the request in stages, are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests import ids
from contract_tests.ids import RuleId
from mockserver import Behaviour, Failure, SendContext
from mockserver.behaviour import Intake
from mockserver.http import Answer, HttpRequest
from tests.faults.base import Catalog
from twosms_contract.spec import load_spec

catalog = Catalog()
fault = catalog.fault

_TERMS = load_spec().terms
# The business rules' check ids, by the code each answers (`x-contract.checks`).
_CHECK_OF = {check.code: check.id for check in _TERMS.business_rules}

# (earlier, later): the spec checks the first before the second; each row is a fault that
# checks the second first. The pairs the order probes send whose faults are written
# elsewhere (codes, rules) are not repeated here.
RULE_PAIRS: tuple[tuple[RuleId, RuleId], ...] = (
    (ids.NO_RECIPIENTS, ids.MISSING_PLACEHOLDER),
    (ids.NO_RECIPIENTS, ids.INVALID_SENDER),
    (ids.UNKNOWN_CONTACT, ids.UNKNOWN_GROUP),
    (ids.UNKNOWN_CONTACT, ids.INVALID_RECIPIENT),
    (ids.UNKNOWN_CONTACT, ids.INVALID_EXPIRY),
    (ids.UNKNOWN_GROUP, ids.INVALID_RECIPIENT),
    (ids.UNKNOWN_GROUP, ids.MISSING_PLACEHOLDER),
    (ids.INVALID_RECIPIENT, ids.UNKNOWN_TEMPLATE),
    (ids.NO_CONTENT, ids.INVALID_SENDER),
    (ids.NO_CONTENT, ids.INVALID_EXPIRY),
    (ids.UNKNOWN_TEMPLATE, ids.INVALID_SENDER),
    (ids.UNKNOWN_TEMPLATE, ids.INVALID_REFERENCE),
    (ids.MISSING_PLACEHOLDER, ids.INVALID_SENDER),
    (ids.MISSING_PLACEHOLDER, ids.MISSING_RECURRING_OPTIONS),
    (ids.INVALID_SENDER, ids.INVALID_REFERENCE),
    (ids.INVALID_SENDER, ids.MISSING_RECURRING_OPTIONS),
    (ids.INVALID_REFERENCE, ids.INVALID_EXPIRY),
    (ids.INVALID_EXPIRY, ids.MISSING_RECURRING_OPTIONS),
)


def _method(rule: RuleId) -> str:
    return "check_" + _CHECK_OF[rule.rule].replace("-", "_")


def checked_before(earlier: RuleId, later: RuleId) -> type[Behaviour]:
    """A server that runs `later`'s check just before `earlier`'s, the rest in order."""
    first, moved = _method(earlier), _method(later)

    class LaterFirst(Behaviour):
        def rule_methods(self) -> list[Callable[[SendContext], Failure | None]]:
            methods = super().rule_methods()
            (late,) = [m for m in methods if m.__name__ == moved]
            methods.remove(late)
            at = [m.__name__ for m in methods].index(first)
            return [*methods[:at], late, *methods[at:]]

    LaterFirst.__name__ = LaterFirst.__qualname__ = f"{later.rule}Before{earlier.rule}"
    return LaterFirst


for _earlier, _later in RULE_PAIRS:
    fault(
        f"order-{_later.rule}-before-{_earlier.rule}",
        f"{_later.rule} is checked before {_earlier.rule}",
        ids.order_rule(_earlier, _later),
    )(checked_before(_earlier, _later))


# -- a business rule before the schema ------------------------------------------------------


def _options(instance: Any) -> dict[str, Any]:
    options = instance.get("Options") if isinstance(instance, dict) else None
    return options if isinstance(options, dict) else {}


@fault(
    "order-no-recipients-before-schema",
    "the recipients are counted on the JSON before it is validated: an empty Contacts is"
    " NoRecipients even when another field breaks the schema",
    ids.order_rule(ids.VALIDATION_ERROR, ids.NO_RECIPIENTS),
)
class RecipientsBeforeSchema(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        contacts = instance.get("Contacts") if isinstance(instance, dict) else None
        if isinstance(contacts, dict) and not any(
            isinstance(named, dict) and named for named in contacts.values()
        ):
            return self.fail("no-recipients", "$.Contacts names no recipient")
        return super().check_schema(instance)


@fault(
    "order-reference-before-schema",
    "the Reference's length is checked before the rest of the schema",
    ids.order_rule(ids.VALIDATION_ERROR, ids.INVALID_REFERENCE),
)
class ReferenceBeforeSchema(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        reference = _options(instance).get("Reference")
        if isinstance(reference, str) and len(reference) > self.reference_max:
            return self.fail("invalid-reference", "$.Options.Reference: too long")
        return super().check_schema(instance)


@fault(
    "order-recurring-before-schema",
    "Type 2 without RecurringOptions is refused before the rest of the schema is checked",
    ids.order_rule(ids.VALIDATION_ERROR, ids.MISSING_RECURRING_OPTIONS),
)
class RecurringBeforeSchema(Behaviour):
    def check_schema(self, instance: Any) -> Failure | None:
        recurring = isinstance(instance, dict) and instance.get("Type") == 2
        if recurring and "RecurringOptions" not in _options(instance):
            return self.fail(
                "missing-recurring-options", "$.Options.RecurringOptions: required when Type is 2"
            )
        return super().check_schema(instance)


# -- the HTTP checks --------------------------------------------------------------------------


@fault(
    "order-json-before-auth",
    "a JSON body parser runs before the auth filter: a malformed body without a token is"
    " InvalidJson, not 401",
    ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.INVALID_JSON),
)
class JsonBeforeAuth(Behaviour):
    async def handle_send(self, request: HttpRequest, media_type: str) -> Answer | None:
        refused = self.check_auth(request)
        if refused is None or self.check_media_type(request) is not None:
            return await super().handle_send(request, media_type)
        body = await self.read_body(request)
        if body is None:
            return None
        if isinstance(body, bytes):
            parsed = self.check_json(body, "utf-8")
            if isinstance(parsed, Failure):
                return self.error_answer(parsed, media_type)
        return self.error_answer(refused, media_type)


@fault(
    "order-size-before-media-type",
    "the request size limit applies before the Content-Type is looked at: an oversized form"
    " body is 413, not 415",
    ids.order_rule(ids.UNSUPPORTED_MEDIA_TYPE, ids.PAYLOAD_TOO_LARGE),
)
class SizeBeforeMediaType(Behaviour):
    def stage_media_type(self, intake: Intake) -> Failure | None:
        declared = self.declared_length(intake.request)
        if declared is not None and declared > self.max_body:
            return self.check_size(declared, exact=True)
        return super().stage_media_type(intake)


@fault(
    "order-json-before-charset",
    "the body is parsed as UTF-8 JSON before the charset parameter is looked at: a latin-1"
    " body that is not JSON is InvalidJson, not 415",
    ids.order_rule(ids.TRANSPORT_CHARSET, ids.INVALID_JSON),
)
class JsonBeforeCharset(Behaviour):
    def stage_charset(self, intake: Intake) -> Failure | None:
        if intake.body is not None and intake.charset is None:
            parsed = self.check_json(intake.body, "utf-8")
            if isinstance(parsed, Failure):
                return parsed
        return super().stage_charset(intake)
