"""Comparing paths, operations, parameters, bodies, media types, responses, headers, security."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from twosms_kit.diff.model import ABSENT, Change
from twosms_kit.diff.pointers import canonical, deref_object, join
from twosms_kit.diff.rules import rule
from twosms_kit.diff.schema_base import ANNOTATIONS, Context, Emit
from twosms_kit.diff.schemas import SchemaComparer
from twosms_kit.diff.security import compare_security, compare_security_schemes

METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OperationComparer:
    """Walks both documents' paths and compares what an operation exchanges."""

    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any], emit: Emit) -> None:
        self._old = old_doc
        self._new = new_doc
        self._emit = emit
        self._schemas = SchemaComparer(old_doc, new_doc, emit)

    def run(self) -> None:
        old_paths = _dict(self._old.get("paths"))
        new_paths = _dict(self._new.get("paths"))
        for path in sorted({*old_paths, *new_paths}):
            pointer = join("#/paths", path)
            if path not in new_paths:
                ops = _operation_ids(old_paths[path])
                self._change(
                    "api-path-removed", pointer, f"path {path} was removed", path, ABSENT, ops
                )
            elif path not in old_paths:
                ops = _operation_ids(new_paths[path])
                self._change("api-path-added", pointer, f"path {path} was added", ABSENT, path, ops)
            else:
                self._path(path, pointer)
        compare_security_schemes(self._old, self._new, self._change)
        self._extensions(self._old, self._new, "#", ())

    # -- operations -------------------------------------------------------------------------

    def _path(self, path: str, pointer: str) -> None:
        old_item, _ = deref_object(self._old, self._old["paths"][path], pointer)
        new_item, _ = deref_object(self._new, self._new["paths"][path], pointer)
        for method in METHODS:
            old_op, new_op = old_item.get(method), new_item.get(method)
            here = join(pointer, method)
            label = f"{method.upper()} {path}"
            if isinstance(old_op, dict) and not isinstance(new_op, dict):
                ops = _ids(old_op)
                self._change(
                    "api-operation-removed", here, f"{label} was removed", label, ABSENT, ops
                )
            elif isinstance(new_op, dict) and not isinstance(old_op, dict):
                ops = _ids(new_op)
                self._change("api-operation-added", here, f"{label} was added", ABSENT, label, ops)
            elif isinstance(old_op, dict) and isinstance(new_op, dict):
                self._operation(label, here, (old_item, old_op), (new_item, new_op))

    def _operation(
        self,
        label: str,
        pointer: str,
        old: tuple[dict[str, Any], dict[str, Any]],
        new: tuple[dict[str, Any], dict[str, Any]],
    ) -> None:
        (old_item, old_op), (new_item, new_op) = old, new
        ops = tuple(sorted({*_ids(old_op), *_ids(new_op)}))
        if old_op.get("operationId") != new_op.get("operationId"):
            self._change(
                "api-operation-id-changed",
                join(pointer, "operationId"),
                f"the operationId of {label} changed",
                old_op.get("operationId", ABSENT),
                new_op.get("operationId", ABSENT),
                ops,
            )
        ctx_ops = ops
        self._parameters(pointer, (old_item, old_op), (new_item, new_op), ctx_ops)
        self._request_body(pointer, old_op, new_op, ctx_ops)
        self._responses(pointer, old_op, new_op, ctx_ops)
        compare_security(
            self._old, self._new, label, pointer, old_op, new_op, ctx_ops, self._change
        )
        self._extensions(old_op, new_op, pointer, ctx_ops)

    def _parameters(
        self,
        pointer: str,
        old: tuple[dict[str, Any], dict[str, Any]],
        new: tuple[dict[str, Any], dict[str, Any]],
        ops: tuple[str, ...],
    ) -> None:
        old_params = dict(self._params(self._old, pointer, *old))
        new_params = dict(self._params(self._new, pointer, *new))
        for key in sorted({*old_params, *new_params}):
            where, name = key
            label = f"{where} parameter {name!r}"
            if key not in new_params:
                param, at = old_params[key]
                self._change(
                    "request-parameter-removed", at, f"{label} was removed", name, ABSENT, ops
                )
                continue
            param, at = new_params[key]
            if key not in old_params:
                kind = "required" if param.get("required") else "optional"
                self._change(
                    f"new-{kind}-request-parameter", at, f"{label} was added", ABSENT, name, ops
                )
                continue
            before, old_at = old_params[key]
            if bool(before.get("required")) != bool(param.get("required")):
                kind = "required" if param.get("required") else "optional"
                self._change(
                    f"request-parameter-became-{kind}",
                    join(at, "required"),
                    f"{label} became {kind}",
                    bool(before.get("required")),
                    bool(param.get("required")),
                    ops,
                )
            self._schema_of(before, old_at, param, at, Context("request", "request-parameter", ops))

    def _params(
        self, document: dict[str, Any], pointer: str, item: dict[str, Any], op: dict[str, Any]
    ) -> Iterator[tuple[tuple[str, str], tuple[dict[str, Any], str]]]:
        path_pointer = pointer.rsplit("/", 1)[0]
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for base, holder in ((path_pointer, item), (pointer, op)):
            for index, raw in enumerate(holder.get("parameters") or []):
                param, at = deref_object(document, raw, join(base, "parameters", index))
                if isinstance(param, dict):
                    found[(str(param.get("in")), str(param.get("name")))] = (param, at)
        yield from found.items()

    def _request_body(
        self, pointer: str, old_op: dict[str, Any], new_op: dict[str, Any], ops: tuple[str, ...]
    ) -> None:
        here = join(pointer, "requestBody")
        old_raw, new_raw = old_op.get("requestBody"), new_op.get("requestBody")
        if old_raw is None and new_raw is None:
            return
        if new_raw is None:
            self._change(
                "request-body-removed", here, "the request body was removed", "body", ABSENT, ops
            )
            return
        new_body, new_at = deref_object(self._new, new_raw, here)
        if old_raw is None:
            kind = "required" if new_body.get("required") else "optional"
            self._change(
                f"request-body-added-{kind}", here, "a request body was added", ABSENT, "body", ops
            )
            return
        old_body, old_at = deref_object(self._old, old_raw, here)
        if bool(old_body.get("required")) != bool(new_body.get("required")):
            kind = "required" if new_body.get("required") else "optional"
            self._change(
                f"request-body-became-{kind}",
                join(new_at, "required"),
                f"the request body became {kind}",
                bool(old_body.get("required")),
                bool(new_body.get("required")),
                ops,
            )
        self._content(
            (old_body, old_at),
            (new_body, new_at),
            Context("request", "request-property", ops),
            "request-body-media-type",
        )

    def _content(
        self,
        old: tuple[dict[str, Any], str],
        new: tuple[dict[str, Any], str],
        ctx: Context,
        stem: str,
    ) -> None:
        (old_obj, old_at), (new_obj, new_at) = old, new
        old_content, new_content = _dict(old_obj.get("content")), _dict(new_obj.get("content"))
        for media in sorted({*old_content, *new_content}):
            old_media_at = join(old_at, "content", media)
            new_media_at = join(new_at, "content", media)
            if media not in new_content:
                self._change(
                    f"{stem}-removed",
                    old_media_at,
                    f"media type {media} was removed",
                    media,
                    ABSENT,
                    ctx.operations,
                )
            elif media not in old_content:
                self._change(
                    f"{stem}-added",
                    new_media_at,
                    f"media type {media} was added",
                    ABSENT,
                    media,
                    ctx.operations,
                )
            else:
                self._schema_of(
                    old_content[media], old_media_at, new_content[media], new_media_at, ctx
                )

    def _schema_of(
        self, old: dict[str, Any], old_at: str, new: dict[str, Any], new_at: str, ctx: Context
    ) -> None:
        if "schema" in old or "schema" in new:
            self._schemas.compare_nodes(
                old.get("schema", {}),
                join(old_at, "schema"),
                new.get("schema", {}),
                join(new_at, "schema"),
                ctx,
            )

    def _responses(
        self, pointer: str, old_op: dict[str, Any], new_op: dict[str, Any], ops: tuple[str, ...]
    ) -> None:
        old_responses, new_responses = (
            _dict(old_op.get("responses")),
            _dict(new_op.get("responses")),
        )
        for status in sorted({*old_responses, *new_responses}, key=str):
            here = join(pointer, "responses", status)
            kind = "success" if str(status).startswith("2") else "non-success"
            if status not in new_responses:
                self._change(
                    f"response-{kind}-status-removed",
                    here,
                    f"response {status} was removed",
                    status,
                    ABSENT,
                    ops,
                )
                continue
            if status not in old_responses:
                self._change(
                    f"response-{kind}-status-added",
                    here,
                    f"response {status} was added",
                    ABSENT,
                    status,
                    ops,
                )
                continue
            old_resp = deref_object(self._old, old_responses[status], here)
            new_resp = deref_object(self._new, new_responses[status], here)
            self._content(
                old_resp,
                new_resp,
                Context("response", "response-property", ops),
                "response-media-type",
            )
            self._headers(old_resp, new_resp, ops)

    def _headers(
        self, old: tuple[dict[str, Any], str], new: tuple[dict[str, Any], str], ops: tuple[str, ...]
    ) -> None:
        (old_resp, old_at), (new_resp, new_at) = old, new
        # Header names compare case-insensitively (RFC 9110).
        old_headers = {k.lower(): (k, v) for k, v in _dict(old_resp.get("headers")).items()}
        new_headers = {k.lower(): (k, v) for k, v in _dict(new_resp.get("headers")).items()}
        for key in sorted({*old_headers, *new_headers}):
            if key not in new_headers:
                name, raw = old_headers[key]
                header, _ = deref_object(self._old, raw, join(old_at, "headers", name))
                kind = "required" if header.get("required") else "optional"
                self._change(
                    f"{kind}-response-header-removed",
                    join(old_at, "headers", name),
                    f"header {name} was removed",
                    name,
                    ABSENT,
                    ops,
                )
                continue
            name, raw = new_headers[key]
            here = join(new_at, "headers", name)
            if key not in old_headers:
                self._change(
                    "response-header-added", here, f"header {name} was added", ABSENT, name, ops
                )
                continue
            old_name, old_raw = old_headers[key]
            before, before_at = deref_object(self._old, old_raw, join(old_at, "headers", old_name))
            after, after_at = deref_object(self._new, raw, here)
            if bool(before.get("required")) != bool(after.get("required")):
                kind = "required" if after.get("required") else "optional"
                self._change(
                    f"response-header-became-{kind}",
                    join(after_at, "required"),
                    f"header {name} became {kind}",
                    bool(before.get("required")),
                    bool(after.get("required")),
                    ops,
                )
            self._schema_of(
                before, before_at, after, after_at, Context("response", "response-header", ops)
            )

    def _extensions(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str, ops: tuple[str, ...]
    ) -> None:
        keys = {k for k in (*old, *new) if k.startswith("x-")} - {"x-contract", *ANNOTATIONS}
        for key in sorted(keys):
            before, after = old.get(key, ABSENT), new.get(key, ABSENT)
            if canonical(before) != canonical(after):
                self._change(
                    "api-extension-changed",
                    join(pointer, key),
                    f"{key} changed",
                    before,
                    after,
                    ops,
                )

    def _change(
        self, rule_id: str, pointer: str, message: str, old: Any, new: Any, ops: tuple[str, ...]
    ) -> None:
        self._emit(Change(rule(rule_id), pointer, message, old, new, operations=ops))


def _ids(operation: dict[str, Any]) -> tuple[str, ...]:
    value = operation.get("operationId")
    return (value,) if isinstance(value, str) else ()


def _operation_ids(item: Any) -> tuple[str, ...]:
    if not isinstance(item, dict):
        return ()
    return tuple(sorted(i for m in METHODS if isinstance(item.get(m), dict) for i in _ids(item[m])))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
