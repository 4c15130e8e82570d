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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract_tests import ids
from contract_tests.core import SEND_OPERATION, Exchange, Violation, violation
from twosms_contract.spec import Spec, pointer_escape, resolve_pointer

CHECK = ids.OPERATION
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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


def follow(spec: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """A node and the pointer it is really at, after its `$ref`s."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#"):
            break
        seen.add(ref)
        node, pointer = resolve_pointer(spec.document, ref), ref
    return node, pointer


def media_type_of(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _media_matches(kind: str, declared: str) -> bool:
    declared = media_type_of(declared)
    if declared in ("*/*", kind):
        return True
    return declared.endswith("/*") and kind.startswith(declared[:-1])


def is_json(kind: str) -> bool:
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
            node, pointer = follow(
                spec, responses[key], f"{operation.pointer}/responses/{pointer_escape(key)}"
            )
            return (node if isinstance(node, dict) else {}), pointer
    return None


def response_media_types(spec: Spec, operation_id: str, status: int) -> tuple[str, ...]:
    """The media types the spec documents for one operation's answer of `status` (none for
    a status it does not document)."""
    operation = next(op for op in spec_operations(spec) if op.operation_id == operation_id)
    documented = documented_response(spec, operation, status)
    content = documented[0].get("content") or {} if documented is not None else {}
    return tuple(str(name) for name in content)


def media_documented(kind: str, documented: tuple[str, ...]) -> bool:
    """Whether the media type `kind` (a Content-Type's, parameters ignored) is one of
    `documented` (ranges like `application/*` match)."""
    return any(_media_matches(media_type_of(kind), name) for name in documented)


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
    kind = media_type_of(response.header("content-type"))
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
    if not isinstance(media, dict) or "schema" not in media or not is_json(kind):
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
        header, at = follow(spec, header, f"{pointer}/headers/{pointer_escape(str(name))}")
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
