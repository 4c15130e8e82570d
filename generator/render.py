"""Stage 4: the jinja2 templates, given already-decided objects; no I/O, no formatting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import MODULES
from generator.ir import Operation, Parameter, Project


@dataclass(frozen=True, slots=True)
class Flavour:
    """What differs between the sync and the async client."""

    name: str
    adjective: str
    http: str
    transport: str
    def_: str
    await_: str
    with_: str
    lock: str
    sleep: str
    sleep_result: str
    close: str
    enter: str
    exit: str


SYNC = Flavour(
    "Client",
    "A synchronous",
    "Client",
    "BaseTransport",
    "def",
    "",
    "with",
    "threading.Lock",
    "time.sleep",
    "None",
    "close",
    "__enter__",
    "__exit__",
)
ASYNC = Flavour(
    "AsyncClient",
    "An asynchronous",
    "AsyncClient",
    "AsyncBaseTransport",
    "async def",
    "await ",
    "async with",
    "asyncio.Lock",
    "asyncio.sleep",
    "Awaitable[None]",
    "aclose",
    "__aenter__",
    "__aexit__",
)


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a client method."""

    python: str
    wire: str
    annotation: str


@dataclass(frozen=True, slots=True)
class Method:
    """A client method, with everything its template needs decided."""

    method: str
    summary: str
    http_method: str
    path: str
    authenticated: bool
    positional: tuple[Argument, ...]
    keywords: tuple[Argument, ...]
    path_args: tuple[Argument, ...]
    query_args: tuple[Argument, ...]
    body_kind: str | None
    body_expr: str
    model: str | None
    status: int
    returns: str


def _argument(param: Parameter) -> Argument:
    annotation = param.annotation if param.required else f"{param.annotation} | None"
    return Argument(param.python, param.wire, annotation)


def _method(op: Operation) -> Method:
    positional: list[Argument] = []
    keywords: list[Argument] = []
    body_expr = ""
    if op.body_model is not None:
        if op.body_required:
            positional.append(Argument("body", "", op.body_model))
            body_expr = "body.to_wire()"
        else:
            keywords.append(Argument("body", "", f"{op.body_model} | None"))
            body_expr = "body.to_wire() if body is not None else {}"
    for param in op.parameters:
        (positional if param.required else keywords).append(_argument(param))
    model = op.success.model if op.success else None
    summary = op.summary.rstrip(".") + "." if op.summary else f"`{op.operation_id}`."
    return Method(
        method=op.method,
        summary=summary.replace('"""', "'''"),
        http_method=op.http_method,
        path=op.path,
        authenticated=op.authenticated,
        positional=tuple(positional),
        keywords=tuple(keywords),
        path_args=tuple(_argument(p) for p in op.parameters if p.location == "path"),
        query_args=tuple(_argument(p) for p in op.parameters if p.location == "query"),
        body_kind=op.body_kind if op.body_model is not None else None,
        body_expr=body_expr,
        model=model,
        status=op.success.status if op.success else 200,
        returns=model or "None",
    )


def _pyrepr(value: Any) -> str:
    return repr(value)


FILTERS: dict[str, Callable[[Any], str]] = {"pyrepr": _pyrepr}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def error_names(project: Project) -> tuple[str, ...]:
    fixed = (
        "ApiError",
        "AuthenticationError",
        "ClientError",
        "MissingCredentialsError",
        "RequestMaybeSentError",
        "RequestNotSentError",
        "ResponseValidationError",
        "ServerError",
        "TransportError",
    )
    return tuple(sorted({*fixed, *(e.name for e in project.error_classes)}))


def render(project: Project, models_source: str) -> dict[str, str]:
    """`{module: source}` of the package (unformatted, without headers)."""
    env = environment()
    methods = tuple(_method(op) for op in project.operations)
    used = {m.model for m in methods if m.model} | {
        op.body_model for op in project.operations if op.body_model
    }
    errors = error_names(project)
    exports = sorted(
        {
            *errors,
            "AsyncClient",
            "Client",
            "DEFAULT_BASE_URL",
            "DEFAULT_TIMEOUT",
            "RetryPolicy",
            "models",
            "parse_date_time",
        }
    )
    context: dict[str, Any] = {
        "project": project,
        "flavours": (SYNC, ASYNC),
        "sync": SYNC,
        "async_": ASYNC,
        "operations": methods,
        "model_imports": tuple(sorted(str(name) for name in used)),
        "error_names": errors,
        "exports": tuple(exports),
    }
    out: dict[str, str] = {}
    for module in MODULES:
        if module == "models.py":
            out[module] = models_source
        else:
            out[module] = env.get_template(f"{module}.jinja").render(context)
    return out
