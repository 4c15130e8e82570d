"""One security probe per operation of the spec that declares security (`security:<operation>`,
see `contract_tests.operations`): without a token it answers 401 with a Bearer challenge;
with the run's token and a request built from the parameters' examples (else values drawn
from their schemas) it answers a documented status that is not 401, whose body validates.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from contract_tests.core import Exchange, Violation, violation
from contract_tests.operations import (
    CHECK,
    SpecOperation,
    follow,
    is_json,
    is_send,
    judge_response,
    media_type_of,
    spec_operations,
)
from contract_tests.probe import Probe
from contract_tests.session import Session
from twosms_contract.contract import Contract
from twosms_contract.spec import Spec, pointer_escape, resolve_pointer

_BEARER = re.compile(r"(^|,)\s*bearer(\s|,|$)", re.IGNORECASE)


_BEARER_SCHEMES = frozenset({"oauth2", "openidconnect"})


def value_for(spec: Spec, node: Mapping[str, Any], pointer: str) -> tuple[bool, Any]:
    """A value for a parameter or a media type: its `example`, the first of its
    `examples`, else one drawn from its schema (hypothesis-jsonschema, valid against the
    spec's validator); (False, None) when none can be had."""
    if "example" in node:
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            example = spec.deref(example)
            if isinstance(example, dict) and "value" in example:
                return True, example["value"]
    if "schema" not in node:
        return False, None
    return drawn(spec, f"{pointer}/schema")


_DRAWN: dict[tuple[str, str], tuple[bool, Any]] = {}


def drawn(spec: Spec, pointer: str) -> tuple[bool, Any]:
    """A value valid against the schema at `pointer`: its own example, else the smallest
    hypothesis-jsonschema finds in a bounded search."""
    key = (spec.sha256, pointer)
    if key in _DRAWN:
        return _DRAWN[key]
    validator = spec.validator(pointer)
    schema = spec.deref(resolve_pointer(spec.document, pointer))
    result: tuple[bool, Any] = (False, None)
    for key_name in ("examples", "example", "default", "const", "enum"):
        if isinstance(schema, dict) and key_name in schema:
            value = schema[key_name]
            if key_name in ("examples", "enum"):
                value = value[0] if isinstance(value, list) and value else None
            if validator.is_valid(value):
                result = (True, value)
                break
    if not result[0] and isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        # An object: each required property drawn on its own (hypothesis-jsonschema's
        # object strategy does not run on the pinned hypothesis).
        value = {}
        for name in schema.get("required", []):
            if name not in schema["properties"]:
                break
            ok, item = drawn(spec, f"{_at(spec, pointer)}/properties/{pointer_escape(name)}")
            if not ok:
                break
            value[name] = item
        else:
            if validator.is_valid(value):
                result = (True, value)
    if not result[0]:
        result = _search(spec, schema, validator)
    _DRAWN[key] = result
    return result


def _at(spec: Spec, pointer: str) -> str:
    """The pointer a schema really is at, after its `$ref`s."""
    return follow(spec, resolve_pointer(spec.document, pointer), pointer)[1]


def _search(spec: Spec, schema: Any, validator: Any) -> tuple[bool, Any]:
    import hypothesis
    from hypothesis_jsonschema import from_schema

    settings = hypothesis.settings(
        max_examples=200,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
    )
    try:
        strategy = from_schema(_inline(spec, schema, 0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return True, hypothesis.find(strategy, validator.is_valid, settings=settings)
    except Exception:  # no value: the probe says so instead of sending a guess
        return False, None


def _inline(spec: Spec, node: Any, depth: int) -> Any:
    if depth > 32:
        raise RecursionError("references nest too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(spec, spec.deref(node), depth + 1)
        return {k: _inline(spec, v, depth + 1) for k, v in node.items() if not k.startswith("x-")}
    if isinstance(node, list):
        return [_inline(spec, v, depth + 1) for v in node]
    return node


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class BuiltRequest:
    """A request for an operation: path with query, headers and maybe a JSON/form body."""

    target: str
    headers: dict[str, str]
    json_body: Any = None
    form: dict[str, str] | None = None
    has_json: bool = False
    missing: tuple[str, ...] = ()  # required parts that no value could be made for


def build_request(spec: Spec, operation: SpecOperation) -> BuiltRequest:
    """A request from the parameters' examples or schemas (required ones, and optional
    ones with an example), and the body's first media type."""
    item, item_pointer = follow(
        spec,
        (spec.document.get("paths") or {}).get(operation.path, {}),
        f"#/paths/{pointer_escape(operation.path)}",
    )
    params: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for base, nodes in (
        (
            f"{item_pointer}/parameters",
            item.get("parameters", []) if isinstance(item, dict) else [],
        ),
        (f"{operation.pointer}/parameters", operation.node.get("parameters", [])),
    ):
        for index, raw in enumerate(nodes if isinstance(nodes, list) else []):
            node, at = follow(spec, raw, f"{base}/{index}")
            if isinstance(node, dict) and "name" in node and "in" in node:
                params[(str(node["in"]), str(node["name"]))] = (node, at)
    path = operation.path
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    missing: list[str] = []
    for (location, name), (node, at) in params.items():
        required = bool(node.get("required", location == "path"))
        if not required and "example" not in node and "examples" not in node:
            continue
        ok, value = value_for(spec, node, at)
        if not ok:
            if required:
                missing.append(f"{location}.{name}")
            continue
        if location == "path":
            path = path.replace("{" + name + "}", quote(_text(value), safe=""))
        elif location == "query":
            if isinstance(value, list) and node.get("explode", True):
                query.extend((name, _text(v)) for v in value)
            else:
                query.append((name, _text(value)))
        elif location == "header":
            headers[name] = _text(value)
        elif location == "cookie":
            existing = headers.get("Cookie")
            pair = f"{name}={_text(value)}"
            headers["Cookie"] = f"{existing}; {pair}" if existing else pair
    target = path + ("?" + urlencode(query) if query else "")
    body, body_pointer = follow(
        spec, operation.node.get("requestBody"), f"{operation.pointer}/requestBody"
    )
    if isinstance(body, dict) and body.get("content"):
        name, media = next(iter(body["content"].items()))
        at = f"{body_pointer}/content/{pointer_escape(str(name))}"
        ok, value = value_for(spec, media if isinstance(media, dict) else {}, at)
        if not ok:
            if body.get("required"):
                missing.append("body")
        elif is_json(media_type_of(str(name))):
            headers["Content-Type"] = str(name)
            return BuiltRequest(target, headers, value, None, True, tuple(missing))
        elif isinstance(value, dict):
            form = {str(k): _text(v) for k, v in value.items()}
            return BuiltRequest(target, headers, None, form, False, tuple(missing))
    return BuiltRequest(target, headers, missing=tuple(missing))


def _challenges_bearer(spec: Spec, operation: SpecOperation) -> bool:
    """Whether a missing token must be answered with a Bearer challenge: one of the
    operation's requirements names an oauth2, openIdConnect or HTTP bearer scheme."""
    schemes = (spec.document.get("components") or {}).get("securitySchemes") or {}
    for requirement in operation.security:
        for name in requirement:
            scheme = spec.deref(schemes.get(name, {}))
            kind = str(scheme.get("type", "")).lower() if isinstance(scheme, dict) else ""
            if kind in _BEARER_SCHEMES or (
                kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
            ):
                return True
    return False


def _send(
    session: Session, operation: SpecOperation, built: BuiltRequest, *, auth: bool
) -> Exchange:
    if built.has_json:
        return session.request(
            operation.method,
            built.target,
            json_body=built.json_body,
            headers=built.headers,
            auth=auth,
        )
    return session.request(
        operation.method, built.target, form=built.form, headers=built.headers, auth=auth
    )


def security_probe(operation: SpecOperation, *, terms: Contract) -> Probe:
    """`security:<operation>` (see the module docstring), described with `terms`' statuses."""

    def run(session: Session) -> Iterator[Violation]:
        spec = session.spec
        unauthorized = spec.terms.check("auth").status
        built = build_request(spec, operation)
        rule = operation.security_rule
        exchange = _send(session, operation, built, auth=False)
        if is_send(operation):
            yield from session.observe(exchange)
        else:
            yield from judge_response(spec, operation, exchange)
        status = exchange.response.status
        if status != unauthorized:
            yield violation(
                exchange,
                CHECK,
                rule,
                f"{operation.name} without a token answered {status}",
                f"{status} {exchange.response.body[:200].decode('utf-8', 'replace')}",
                f"{unauthorized}: the operation declares security",
            )
        elif _challenges_bearer(spec, operation):
            challenge = exchange.response.header("www-authenticate") or ""
            if not _BEARER.search(challenge):
                yield violation(
                    exchange,
                    CHECK,
                    rule,
                    f"{operation.name}'s {unauthorized} has no Bearer challenge",
                    challenge or "(no WWW-Authenticate)",
                    "WWW-Authenticate: Bearer",
                )
        if is_send(operation):
            return  # its acceptance is the business rules' probes' to judge
        if built.missing:
            yield violation(
                None,
                CHECK,
                rule,
                f"no value could be made for {', '.join(built.missing)} of {operation.name}",
                "(no request sent with a token)",
                "parameters with an example or a schema that has a valid instance",
            )
            return
        exchange = _send(session, operation, built, auth=True)
        yield from judge_response(spec, operation, exchange)
        if exchange.response.status == unauthorized:
            yield violation(
                exchange,
                CHECK,
                rule,
                f"{operation.name} refused the run's token",
                f"{unauthorized} {exchange.response.body[:200].decode('utf-8', 'replace')}",
                "the token that the send endpoint takes",
            )

    return Probe(
        id=f"operation-security-{operation.name}",
        check=CHECK,
        rule=operation.security_rule,
        description=f"{operation.name}: {terms.check('auth').status} without a token, a "
        "documented answer with one",
        run=run,
    )


def operation_probes(spec: Spec) -> list[Probe]:
    """One security probe per operation that declares security."""
    return [security_probe(op, terms=spec.terms) for op in spec_operations(spec) if op.secured]
