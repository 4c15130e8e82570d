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


def http_order_probes() -> list[Probe]:
    """docs/contract.md's order of the HTTP-level checks: 404, 405, auth, media type, size,
    charset, JSON syntax. Each request breaks two; the earlier check must answer."""

    def garbage(session: Session) -> bytes:
        """Over the body limit, and not JSON."""
        return b"{" + b"x" * session.spec.terms.limits.max_body_bytes

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    latin1 = {"Content-Type": "application/json; charset=iso-8859-1"}
    no_auth = {"Content-Type": "application/json"}
    # (rule, the request, the two checks of x-contract.checks it fails): the one the spec
    # runs first must answer.
    cases: list[tuple[ids.RuleId, Body, str, str]] = [
        (ids.order_rule(ids.NOT_FOUND, ids.METHOD_NOT_ALLOWED),
         constant(Raw(method="GET", path="/api/v2/sms/nothing")), "path", "method"),
        (ids.order_rule(ids.METHOD_NOT_ALLOWED, ids.AUTH_UNAUTHORIZED),
         constant(Raw(method="GET", auth=False)), "method", "auth"),
        (ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.PAYLOAD_TOO_LARGE),
         lambda s: Raw(content=garbage(s), headers=no_auth, auth=False), "auth", "size"),
        (ids.order_rule(ids.UNSUPPORTED_MEDIA_TYPE, ids.PAYLOAD_TOO_LARGE),
         lambda s: Raw(content=garbage(s), headers=form), "media-type", "size"),
        (ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.INVALID_JSON),
         lambda s: Raw(content=garbage(s), headers=JSON_HEADERS), "size", "json"),
        (ids.order_rule(ids.TRANSPORT_CHARSET, ids.INVALID_JSON),
         constant(Raw(content=b"{not json", headers=latin1)), "charset", "json"),
        (ids.order_rule(ids.NOT_FOUND, ids.AUTH_UNAUTHORIZED),
         constant(Raw(path="/api/v2/sms/nothing", content=b"{}", headers=no_auth, auth=False)),
         "path", "auth"),
        (ids.order_rule(ids.PAYLOAD_TOO_LARGE, ids.TRANSPORT_CHARSET),
         lambda s: Raw(content=garbage(s), headers=latin1), "size", "charset"),
        (ids.order_rule(ids.AUTH_UNAUTHORIZED, ids.INVALID_JSON),
         constant(Raw(content=b"{not json", headers=no_auth, auth=False)), "auth", "json"),
    ]  # fmt: skip
    return [
        refusal(
            f"order-{rule.rule}",
            check=rule.check,
            rule=rule.rule,
            request=request,
            code=earlier(first, second),
            description=f"Two checks fail ({first}, {second}); the one the spec runs first "
            "answers.",
        )
        for rule, request, first, second in cases
    ]
