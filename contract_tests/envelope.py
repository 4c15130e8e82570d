"""The `response` rules of every answer that uses the 2SMS envelope (the send endpoint's,
and the 404 and 405 elsewhere): no 5xx, a documented status, the media type Accept asks
for, UTF-8, the envelope's schema, each error code's status, the headers of 401 and 405.
The success invariants of a 200 are `invariants`'; `observer.Observer` applies both.
"""

from __future__ import annotations

import re
from typing import Any

from contract_tests import ids
from contract_tests.core import Exchange, Judged, Violation
from contract_tests.invariants import json_violation, response_json


def wanted_media_types(exchange: Exchange) -> set[str]:
    """The answer media types the request's Accept allows (docs/contract.md: `text/json` when
    Accept asks for it, else `application/json`). `text/json` is asked for when it has a
    higher q than `application/json`; at equal q (both listed, or a wildcard) either answer
    is right; at q=0 it is refused."""
    accept = ", ".join(v for k, v in exchange.request.headers if k.lower() == "accept")
    quality: dict[str, float] = {}
    for item in accept.split(","):
        kind, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        kind = kind.strip().lower()
        if kind:
            quality[kind] = max(quality.get(kind, 0.0), q)
    text_q = quality.get("text/json", 0.0)
    json_q = max(
        quality.get("application/json", 0.0),
        quality.get("application/*", 0.0),
        quality.get("*/*", 0.0),
    )
    if text_q <= 0 or text_q < json_q:
        return {"application/json"}
    if text_q > json_q:
        return {"text/json"}
    return {"text/json", "application/json"}


def check_envelope(session: Judged, exchange: Exchange) -> list[Violation]:
    """The envelope, media type and headers of any answer that uses the 2SMS envelope."""
    response = exchange.response
    status = response.status
    if status == 0:
        why = response.header("x-no-answer") or "no answer"
        return [
            json_violation(
                exchange,
                *ids.NO_ANSWER,
                f"the server gave no answer ({why})",
                why,
                "an HTTP answer to every request",
            )
        ]
    if status >= 500:
        return [
            json_violation(
                exchange,
                *ids.NOT_A_SERVER_ERROR,
                f"the server answered {status}",
                status,
                "no 5xx, whatever the request",
            )
        ]
    found: list[Violation] = []
    terms = session.spec.terms
    documented = terms.documented_statuses(*terms.operation("sendMessages"))
    if status not in documented:
        found.append(
            json_violation(
                exchange,
                *ids.DOCUMENTED_STATUS,
                f"status {status} is not in the spec",
                status,
                sorted(documented),
            )
        )
    media = (response.header("content-type") or "").split(";")[0].strip().lower()
    wanted = wanted_media_types(exchange)
    if media not in wanted:
        found.append(
            json_violation(
                exchange,
                *ids.RESPONSE_MEDIA_TYPE,
                f"Content-Type {media or '(none)'} for Accept of the request",
                media or "(none)",
                " or ".join(sorted(wanted)),
            )
        )
    raw = response.body
    try:
        raw.decode("utf-8")
        utf8 = not raw.startswith(b"\xef\xbb\xbf")
    except UnicodeDecodeError:
        utf8 = False
    if not utf8:
        found.append(
            json_violation(
                exchange,
                *ids.RESPONSE_UTF8,
                "the body is not UTF-8 without a byte order mark (RFC 8259 §8.1)",
                raw[:40],
                "UTF-8 JSON text",
            )
        )
    body = response_json(exchange)
    schema = "SendSuccessResponse" if status == 200 else "ErrorResponse"
    errors = (
        []
        if session.spec.conforms(schema, body)
        else [
            f"$.{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in session.spec.schema_validator(schema).iter_errors(body)
        ]
    )
    if errors:
        found.append(
            json_violation(
                exchange,
                *ids.ENVELOPE_SCHEMA,
                f"the {status} body does not match {schema}: {errors[0]}",
                body if body is not None else response.body[:200].decode("utf-8", "replace"),
                f"a {schema} (" + "; ".join(errors[:3]) + ")",
            )
        )
        return found
    if status != 200:
        found.extend(_error_rules(session, exchange, body["Error"]))
    return found


def _error_rules(session: Judged, exchange: Exchange, error: dict[str, Any]) -> list[Violation]:
    found = []
    status = exchange.response.status
    code = error["ErrorCode"]
    terms = session.spec.terms
    statuses = terms.statuses
    if statuses.get(code) != status:
        found.append(
            json_violation(
                exchange,
                *ids.CODE_STATUS,
                f"ErrorCode {code} came with status {status}",
                f"{status} {code}",
                f"{statuses.get(code)} {code}",
            )
        )
    if status == terms.check("auth").status:
        challenges = [v for k, v in exchange.response.headers if k.lower() == "www-authenticate"]
        challenge = ", ".join(challenges)
        # One of the challenges (several may share a header, RFC 9110 §11.6.1) is Bearer.
        if not re.search(r"(^|,)\s*bearer(\s|,|$)", challenge, re.IGNORECASE):
            found.append(
                json_violation(
                    exchange,
                    *ids.WWW_AUTHENTICATE,
                    "a 401 without a Bearer challenge",
                    challenge or "(no WWW-Authenticate)",
                    "WWW-Authenticate: Bearer",
                )
            )
    if status == terms.check("method").status:
        allow = exchange.response.header("allow") or ""
        wanted = allowed_methods(session, exchange)
        # Empty list elements are ignored (RFC 9110 §5.6.1.2).
        if {m.strip().upper() for m in allow.split(",") if m.strip()} != set(wanted):
            found.append(
                json_violation(
                    exchange,
                    *ids.ALLOW_HEADER,
                    "a 405 whose Allow is not exactly the methods the spec gives the path",
                    allow or "(no Allow)",
                    f"Allow: {', '.join(wanted)}",
                )
            )
    return found


def allowed_methods(session: Judged, exchange: Exchange) -> list[str]:
    """The methods of the spec's path item that the request's path reaches (the send
    path's when it reaches none: a 405 there is wrong anyway, 404 is the answer)."""
    from urllib.parse import unquote, urlsplit

    from contract_tests.operations import path_methods

    path = unquote(urlsplit(exchange.request.url).path)
    methods = path_methods(session.spec, path)
    if methods is None:
        methods = path_methods(session.spec, session.send_path) or []
    return methods
