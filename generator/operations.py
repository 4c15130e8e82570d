"""One client method per operation: its request body, its parameters, the responses it
decodes (successes and errors), and whether it sends a token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.document import RawOperation, deref
from generator.errors import UnsupportedConstruct
from generator.media import request_media, response_key, response_media
from generator.operation_schemas import is_model
from generator.parameters import Parameter, parameters_of
from generator.schemas import Schema, ref_name
from twosms_contract.spec import pointer_escape


@dataclass(frozen=True, slots=True)
class Outcome:
    """A documented response: its status key (`200`, `2XX`, `default`), what its body is
    (`json` with a model, `any` JSON without a schema, `text`, `bytes`, or `empty`) and the
    model of a JSON body."""

    status: str
    kind: str
    model: str | None


@dataclass(frozen=True, slots=True)
class Body:
    """The request body: `json` (a model), `any` (JSON without a schema), `form`
    (urlencoded), `multipart`, or raw `text` or `bytes`; and the Python type it takes."""

    kind: str
    media_type: str
    annotation: str
    required: bool

    @property
    def model(self) -> str | None:
        return self.annotation if self.kind in ("json", "form", "multipart") else None


@dataclass(frozen=True, slots=True)
class Operation:
    """One client method."""

    operation_id: str
    method: str
    http_method: str
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    successes: tuple[Outcome, ...]
    errors: tuple[Outcome, ...]
    authenticated: bool


def _model_of(media: dict[str, Any] | None, pointer: str) -> str | None:
    if not media or not isinstance(media.get("schema"), dict):
        return None
    schema = media["schema"]
    if "$ref" not in schema:
        return None
    return ref_name(schema["$ref"], f"{pointer}/schema/$ref")


def _outcomes(document: dict[str, Any], op: RawOperation) -> tuple[list[Outcome], list[Outcome]]:
    """The successes (each 2xx; `default` when no 2xx is documented) and the error answers."""
    successes: list[Outcome] = []
    errors: list[Outcome] = []
    responses = op.node.get("responses") or {}
    for status in sorted(responses, key=str):
        pointer = f"{op.pointer}/responses/{pointer_escape(str(status))}"
        key = response_key(status, pointer)
        response = deref(document, responses[status])
        kind, media = response_media((response or {}).get("content", {}) or {})
        model = _model_of(media, pointer) if kind == "json" else None
        if kind == "json" and model is None:
            kind = "any"
        outcome = Outcome(key, kind, model)
        (successes if key.startswith("2") else errors).append(outcome)
    default = next((o for o in errors if o.status == "default"), None)
    if not successes and default is not None:
        successes.append(default)
    return successes, errors


def operation_of(
    document: dict[str, Any], op: RawOperation, schemas: dict[str, Schema]
) -> Operation:
    """The client method of `op`."""
    body_node = deref(document, op.node.get("requestBody"))
    body: Body | None = None
    if isinstance(body_node, dict):
        pointer = f"{op.pointer}/requestBody"
        found = request_media(body_node.get("content", {}) or {}, f"{pointer}/content")
        if found:
            kind, media_type, media = found
            where = f"{pointer}/content/{pointer_escape(media_type)}"
            model = _model_of(media, where) if kind in ("json", "form", "multipart") else None
            if kind in ("form", "multipart") and not (model and is_model(schemas.get(model))):
                raise UnsupportedConstruct(
                    f"{where}/schema", f"a {kind} body must be an object", media.get("schema")
                )
            annotation = model or {"json": "Any", "text": "str", "bytes": "bytes"}[kind]
            required = bool(body_node.get("required"))
            body = Body(
                kind if model or kind != "json" else "any", media_type, annotation, required
            )
    successes, errors = _outcomes(document, op)
    security = op.node.get("security", document.get("security", [])) or []
    fetchable = _token_schemes(document)
    return Operation(
        operation_id=op.operation_id,
        method=op.name,
        http_method=op.method.upper(),
        path=op.path,
        summary=str(op.node.get("summary", "")).strip(),
        parameters=parameters_of(document, op, schemas),
        body=body,
        successes=tuple(successes),
        errors=tuple(errors),
        # Only a requirement the client can meet itself (a client-credentials token) makes
        # it send one; with another scheme, pass your own `http_client` with its headers.
        authenticated=bool(security)
        and all(any(name in fetchable for name in requirement) for requirement in security),
    )


def _token_schemes(document: dict[str, Any]) -> set[str]:
    """The security schemes the client meets by fetching a client-credentials token."""
    schemes = document.get("components", {}).get("securitySchemes", {}) or {}
    return {
        name
        for name in schemes
        if isinstance(
            deref(document, schemes[name]).get("flows", {}).get("clientCredentials"), dict
        )
    }


def token_path(document: dict[str, Any]) -> str | None:
    """The `tokenUrl` of the first client-credentials flow, by scheme name."""
    schemes = document.get("components", {}).get("securitySchemes", {}) or {}
    for name in sorted(schemes):
        flows = deref(document, schemes[name]).get("flows", {})
        url = flows.get("clientCredentials", {}).get("tokenUrl")
        if isinstance(url, str):
            return url
    return None
