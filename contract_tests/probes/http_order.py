"""The order of the HTTP-level checks (docs/contract.md): 404, 405, auth, media type, size,
charset, JSON syntax. Each request breaks two; the check the spec runs first answers."""

from __future__ import annotations

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
    cases: list[tuple[str, Body, str, str]] = [
        ("NotFound-before-MethodNotAllowed",
         constant(Raw(method="GET", path="/api/v2/sms/nothing")), "path", "method"),
        ("MethodNotAllowed-before-Unauthorized",
         constant(Raw(method="GET", auth=False)), "method", "auth"),
        ("Unauthorized-before-PayloadTooLarge",
         lambda s: Raw(content=garbage(s), headers=no_auth, auth=False), "auth", "size"),
        ("UnsupportedMediaType-before-PayloadTooLarge",
         lambda s: Raw(content=garbage(s), headers=form), "media-type", "size"),
        ("PayloadTooLarge-before-InvalidJson",
         lambda s: Raw(content=garbage(s), headers=JSON_HEADERS), "size", "json"),
        ("charset-before-InvalidJson",
         constant(Raw(content=b"{not json", headers=latin1)), "charset", "json"),
        ("NotFound-before-Unauthorized",
         constant(Raw(path="/api/v2/sms/nothing", content=b"{}", headers=no_auth, auth=False)),
         "path", "auth"),
        ("PayloadTooLarge-before-charset",
         lambda s: Raw(content=garbage(s), headers=latin1), "size", "charset"),
        ("Unauthorized-before-InvalidJson",
         constant(Raw(content=b"{not json", headers=no_auth, auth=False)), "auth", "json"),
    ]  # fmt: skip
    return [
        refusal(
            f"order-{rule}",
            check="order",
            rule=rule,
            request=request,
            code=earlier(first, second),
            description=f"Two checks fail ({first}, {second}); the one the spec runs first "
            "answers.",
        )
        for rule, request, first, second in cases
    ]
