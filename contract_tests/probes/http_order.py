"""The order of the HTTP-level checks (docs/contract.md): 404, 405, auth, media type, size,
charset, JSON syntax. Each request breaks two; the check the spec runs first answers."""

from __future__ import annotations

from contract_tests import ids
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    JSON_HEADERS,
    Body,
    Raw,
    constant,
    earlier,
    refusal,
)
from contract_tests.session import Session


def _earlier_answers(*, rule: ids.RuleId, request: Body, first: str, second: str) -> Probe:
    """`request` fails checks `first` and `second` (ids of `x-contract.checks`): the one the
    spec runs first must answer."""
    return refusal(
        id=f"order-{rule.rule}",
        check=rule.check,
        rule=rule.rule,
        request=request,
        code=earlier(first, second),
        description=f"Two checks fail ({first}, {second}); the one the spec runs first answers.",
    )


def _garbage(session: Session) -> bytes:
    """Over the body limit, and not JSON."""
    return b"{" + b"x" * session.spec.terms.limits.max_body_bytes


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_LATIN1 = {"Content-Type": "application/json; charset=iso-8859-1"}
_NO_AUTH = {"Content-Type": "application/json"}


def http_order_probes() -> list[Probe]:
    """docs/contract.md's order of the HTTP-level checks: 404, 405, auth, media type, size,
    charset, JSON syntax. Each request breaks two; the earlier check must answer."""
    return [
        _earlier_answers(
            rule=ids.order_rule(ids.NOT_FOUND, ids.METHOD_NOT_ALLOWED),
            request=constant(Raw(method="GET", path="/api/v2/sms/nothing")),
            first="path",
            second="method",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.METHOD_NOT_ALLOWED, ids.AUTH_UNAUTHORIZED),
            request=constant(Raw(method="GET", auth=False)),
            first="method",
            second="auth",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.PAYLOAD_TOO_LARGE),
            request=lambda s: Raw(content=_garbage(s), headers=_NO_AUTH, auth=False),
            first="auth",
            second="size",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.UNSUPPORTED_MEDIA_TYPE, ids.PAYLOAD_TOO_LARGE),
            request=lambda s: Raw(content=_garbage(s), headers=_FORM),
            first="media-type",
            second="size",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.INVALID_JSON),
            request=lambda s: Raw(content=_garbage(s), headers=JSON_HEADERS),
            first="size",
            second="json",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.TRANSPORT_CHARSET, ids.INVALID_JSON),
            request=constant(Raw(content=b"{not json", headers=_LATIN1)),
            first="charset",
            second="json",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.NOT_FOUND, ids.AUTH_UNAUTHORIZED),
            request=constant(
                Raw(path="/api/v2/sms/nothing", content=b"{}", headers=_NO_AUTH, auth=False)
            ),
            first="path",
            second="auth",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.TRANSPORT_CHARSET),
            request=lambda s: Raw(content=_garbage(s), headers=_LATIN1),
            first="size",
            second="charset",
        ),
        _earlier_answers(
            rule=ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.INVALID_JSON),
            request=constant(Raw(content=b"{not json", headers=_NO_AUTH, auth=False)),
            first="auth",
            second="json",
        ),
    ]
