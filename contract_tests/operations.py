"""Every operation of the spec, judged from the spec alone (the suite's own reading).

The send endpoint has the contract's business rules (`Session.observe`, the invariants);
every other operation is judged by what the spec documents for it:

- `response:<operation>`: each answer has a documented status (exact, `NXX` or
  `default`), a documented media type for it, a body valid against that media type's
  schema (the spec's validator, formats checked), and the headers the response requires,
  valid against their schemas. Schemathesis's responses go through it (the
  `twosms_operations` check of `schema_run`), and so do the probe's.
- `security:<operation>`: an operation that declares security (its own `security`, else
  the root's) answers 401 without a token, with a `WWW-Authenticate: Bearer` challenge for
  an oauth2 or bearer scheme; with the run's token and a request built from the parameters'
  examples (else their schemas), it answers a documented status that is not 401, whose
  body validates.

`<operation>` is the operationId, or "METHOD /path" without one. The suite does not share
the mock's reading of the spec (`mockserver.routes`): an oracle that shares the server's
bug catches nothing.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from contract_tests import ids
from contract_tests.core import Exchange, Probe, Violation, violation
from contract_tests.session import SEND_OPERATION, Session
from twosms_contract.spec import Spec, pointer_escape, resolve_pointer

CHECK = ids.OPERATION
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BEARER = re.compile(r"(^|,)\s*bearer(\s|,|$)", re.IGNORECASE)
_BEARER_SCHEMES = frozenset({"oauth2", "openidconnect"})


@dataclass(frozen=True, slots=True)
class SpecOperation:
    """One operation as the suite reads it."""

    method: str  # upper case
    path: str
    operation_id: str
    pointer: str
    node: Mapping[str, Any] = field(repr=False)
    security: tuple[Mapping[str, Any], ...]

    @property
    def name(self) -> str:
        return self.operation_id or f"{self.method} {self.path}"

    @property
    def secured(self) -> bool:
        return bool(self.security) and all(self.security)

    @property
    def response_rule(self) -> str:
        return f"response:{self.name}"

    @property
    def security_rule(self) -> str:
        return f"security:{self.name}"


def spec_operations(spec: Spec) -> list[SpecOperation]:
    """Every operation of the spec's `paths`, in the spec's order."""
    root_security = spec.document.get("security", [])
    out: list[SpecOperation] = []
    for path, item in (spec.document.get("paths") or {}).items():
        item = spec.deref(item)
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            security = node.get("security", root_security)
            out.append(
                SpecOperation(
                    method=method.upper(),
                    path=str(path),
                    operation_id=str(node.get("operationId", "")),
                    pointer=f"#/paths/{pointer_escape(str(path))}/{method}",
                    node=node,
                    security=tuple(r for r in security if isinstance(r, dict))
                    if isinstance(security, list)
                    else (),
                )
            )
    return out


def _template_matches(template: str, path: str) -> bool:
    """A request path against a path template: case-insensitive, trailing slash ignored,
    one segment per `{parameter}` (the contract's path rule, for every path)."""
    pattern = "".join(
        "[^/]+" if index % 2 else re.escape(piece)
        for index, piece in enumerate(re.split(r"\{[^{}/]+\}", template.rstrip("/") or "/"))
    )
    return re.fullmatch(pattern, path.rstrip("/") or "/", re.IGNORECASE) is not None


def path_methods(spec: Spec, path: str) -> list[str] | None:
    """The methods of the spec's path that a request path reaches (a path without
    parameters before a template), or None when no path of the spec matches it."""
    paths = spec.document.get("paths") or {}
    ordered = sorted(paths, key=lambda t: str(t).count("{"))
    for template in ordered:
        if _template_matches(str(template), path):
            item = spec.deref(paths[template])
            if isinstance(item, dict):
                return [m.upper() for m in _METHODS if isinstance(item.get(m), dict)]
    return None


def unknown_path_below(spec: Spec, base: str) -> str:
    """A path below `base` that no path of the spec matches (for the 404 probe)."""
    candidate = base + "/42"
    while path_methods(spec, candidate) is not None:
        candidate += "/0"
    return candidate


def is_send(operation: SpecOperation) -> bool:
    """The send operation (`sendMessages`), whose answers `Session.observe` judges."""
    return operation.operation_id == SEND_OPERATION


def operation_rules(spec: Spec) -> list[tuple[str, str]]:
    """The (check, rule) pairs a run over `spec` can report for its operations."""
    rules: list[tuple[str, str]] = []
    for operation in spec_operations(spec):
        if not is_send(operation):
            rules.append((CHECK, operation.response_rule))
        if operation.secured:
            rules.append((CHECK, operation.security_rule))
    return rules


def _follow(spec: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """A node and the pointer it is really at, after its `$ref`s."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#"):
            break
        seen.add(ref)
        node, pointer = resolve_pointer(spec.document, ref), ref
    return node, pointer


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _media_matches(kind: str, declared: str) -> bool:
    declared = _media_type(declared)
    if declared in ("*/*", kind):
        return True
    return declared.endswith("/*") and kind.startswith(declared[:-1])


def _is_json(kind: str) -> bool:
    subtype = kind.partition("/")[2]
    return subtype == "json" or subtype.endswith("+json")


def documented_response(
    spec: Spec, operation: SpecOperation, status: int
) -> tuple[Mapping[str, Any], str] | None:
    """The response object the spec gives a status (exact, `NXX`, `default`), with its
    pointer; None when the status is not documented."""
    responses = operation.node.get("responses") or {}
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            node, pointer = _follow(
                spec, responses[key], f"{operation.pointer}/responses/{pointer_escape(key)}"
            )
            return (node if isinstance(node, dict) else {}), pointer
    return None


def response_findings(
    spec: Spec, operation: SpecOperation, exchange: Exchange
) -> list[tuple[str, str, str]]:
    """What is wrong with one answer of the operation: (message, received, expected)."""
    response = exchange.response
    status = response.status
    documented = documented_response(spec, operation, status)
    if documented is None:
        listed = ", ".join(map(str, operation.node.get("responses") or {}))
        return [
            (
                f"{operation.name} answered {status}, which the spec does not document",
                str(status),
                f"one of {listed}",
            )
        ]
    node, pointer = documented
    found: list[tuple[str, str, str]] = []
    found.extend(_header_findings(spec, operation, node, pointer, exchange))
    content = node.get("content") or {}
    if not content or exchange.request.method.upper() == "HEAD":
        return found
    kind = _media_type(response.header("content-type"))
    match = next((name for name in content if _media_matches(kind, str(name))), None)
    if match is None:
        found.append(
            (
                f"{operation.name} answered {status} as {kind or 'no Content-Type'}",
                kind or "(none)",
                f"one of {', '.join(map(str, content))}",
            )
        )
        return found
    media = content[match]
    if not isinstance(media, dict) or "schema" not in media or not _is_json(kind):
        return found
    try:
        body = json.loads(response.body)
    except ValueError as exc:
        found.append(
            (
                f"{operation.name} answered {status} {kind} that is not JSON: {exc}",
                response.body[:200].decode("utf-8", "replace"),
                "JSON",
            )
        )
        return found
    schema_pointer = f"{pointer}/content/{pointer_escape(str(match))}/schema"
    errors = sorted(
        spec.validator(schema_pointer).iter_errors(body), key=lambda e: list(e.absolute_path)
    )
    if errors:
        first = errors[0]
        where = "$" + "".join(f"[{json.dumps(p)}]" for p in first.absolute_path)
        found.append(
            (
                f"{operation.name} answered {status} with a body that breaks {schema_pointer}: "
                f"{where}: {first.message[:300]}",
                response.body[:300].decode("utf-8", "replace"),
                f"a body valid against {schema_pointer}",
            )
        )
    return found


def _header_findings(
    spec: Spec,
    operation: SpecOperation,
    node: Mapping[str, Any],
    pointer: str,
    exchange: Exchange,
) -> Iterator[tuple[str, str, str]]:
    for name, header in (node.get("headers") or {}).items():
        if str(name).lower() == "content-type":
            continue
        header, at = _follow(spec, header, f"{pointer}/headers/{pointer_escape(str(name))}")
        if not isinstance(header, dict):
            continue
        value = exchange.response.header(str(name))
        if value is None:
            if header.get("required"):
                yield (
                    f"{operation.name} answered {exchange.response.status} without {name}",
                    "(no header)",
                    f"a {name} header ({at})",
                )
            continue
        if "schema" not in header:
            continue
        schema = spec.deref(header["schema"])
        kind = schema.get("type") if isinstance(schema, dict) else None
        instance: Any = value
        if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
            instance = int(value)
        if not spec.validator(f"{at}/schema").is_valid(instance):
            yield (
                f"{operation.name} answered {exchange.response.status} with {name}: {value!r}",
                value,
                f"a value valid against {at}/schema",
            )


def judge_response(spec: Spec, operation: SpecOperation, exchange: Exchange) -> list[Violation]:
    """`response_findings` as violations of `response:<operation>`."""
    return [
        violation(exchange, CHECK, operation.response_rule, message, received, expected)
        for message, received, expected in response_findings(spec, operation, exchange)
    ]


# -- requests built from the spec ----------------------------------------------------------


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
    return _follow(spec, resolve_pointer(spec.document, pointer), pointer)[1]


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
    item, item_pointer = _follow(
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
            node, at = _follow(spec, raw, f"{base}/{index}")
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
    body, body_pointer = _follow(
        spec, operation.node.get("requestBody"), f"{operation.pointer}/requestBody"
    )
    if isinstance(body, dict) and body.get("content"):
        name, media = next(iter(body["content"].items()))
        at = f"{body_pointer}/content/{pointer_escape(str(name))}"
        ok, value = value_for(spec, media if isinstance(media, dict) else {}, at)
        if not ok:
            if body.get("required"):
                missing.append("body")
        elif _is_json(_media_type(str(name))):
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


def security_probe(operation: SpecOperation) -> Probe:
    """`security:<operation>` (see the module docstring)."""

    def run(session: Session) -> Iterator[Violation]:
        spec = session.spec
        built = build_request(spec, operation)
        rule = operation.security_rule
        exchange = _send(session, operation, built, auth=False)
        if is_send(operation):
            yield from session.observe(exchange)
        else:
            yield from judge_response(spec, operation, exchange)
        status = exchange.response.status
        if status != 401:
            yield violation(
                exchange,
                CHECK,
                rule,
                f"{operation.name} without a token answered {status}",
                f"{status} {exchange.response.body[:200].decode('utf-8', 'replace')}",
                "401: the operation declares security",
            )
        elif _challenges_bearer(spec, operation):
            challenge = exchange.response.header("www-authenticate") or ""
            if not _BEARER.search(challenge):
                yield violation(
                    exchange,
                    CHECK,
                    rule,
                    f"{operation.name}'s 401 has no Bearer challenge",
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
        if exchange.response.status == 401:
            yield violation(
                exchange,
                CHECK,
                rule,
                f"{operation.name} refused the run's token",
                f"401 {exchange.response.body[:200].decode('utf-8', 'replace')}",
                "the token that the send endpoint takes",
            )

    return Probe(
        id=f"operation-security-{operation.name}",
        check=CHECK,
        rule=operation.security_rule,
        description=f"{operation.name}: 401 without a token, a documented answer with one",
        run=run,
    )


def operation_probes(spec: Spec) -> list[Probe]:
    """One security probe per operation that declares security."""
    return [security_probe(op) for op in spec_operations(spec) if op.secured]
