"""Stage 4: the jinja2 templates, given already-decided objects; no I/O, no formatting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import MODULES
from generator.errors import GeneratorError, UnsupportedConstruct
from generator.ir import Project
from generator.naming import CLIENT_MODULE_NAMES
from generator.operations import Body, Operation, Outcome
from generator.parameters import Parameter
from generator.schemas import SCHEMAS
from twosms_contract.spec import pointer_escape


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
    """A client method, with everything its template needs decided (as source text)."""

    method: str
    summary: str
    http_method: str
    path: str
    authenticated: bool
    positional: tuple[Argument, ...]
    keywords: tuple[Argument, ...]
    parameters: tuple[str, ...]
    send_arguments: tuple[str, ...]
    successes: str
    errors: str
    returns: str
    returns_value: bool


def _argument(param: Parameter) -> Argument:
    annotation = param.annotation if param.required else f"{param.annotation} | None"
    return Argument(param.python, param.wire, annotation)


def _param_expr(param: Parameter) -> str:
    """`(Param(...), value)`: how the client serializes one argument."""
    fields = [repr(param.wire), repr(param.location), repr(param.style), repr(param.explode)]
    if param.allow_reserved:
        fields.append("allow_reserved=True")
    return f"(Param({', '.join(fields)}), {param.python})"


def _body_arguments(body: Body) -> tuple[str, ...]:
    """The `_send` keyword arguments that carry the body (nothing when it is left out)."""
    keyword, value = {
        "json": ("json", "wire_json(body)"),
        "any": ("json", "body"),
        "form": ("data", "form_fields(wire_json(body))"),
        "multipart": ("files", "multipart_fields(body)"),
        "text": ("content", "body"),
        "bytes": ("content", "body"),
    }[body.kind]
    optional = "" if body.required or value == "body" else " if body is not None else None"
    out = [f"{keyword}={value}{optional}"]
    if body.kind in ("text", "bytes") or (
        body.kind in ("json", "any") and body.media_type != "application/json"
    ):
        typed = "" if body.required else " if body is not None else None"
        out.append(f"content_type={body.media_type!r}{typed}")
    return tuple(out)


def _expected(outcome: Outcome) -> str:
    """What `decode_response` is told the body of an answer is."""
    if outcome.kind == "json":
        return str(outcome.model)
    return "None" if outcome.kind == "empty" else repr(outcome.kind)


def _table(outcomes: tuple[Outcome, ...]) -> str:
    return "{" + ", ".join(f"{o.status!r}: {_expected(o)}" for o in outcomes) + "}"


def _returns(outcomes: tuple[Outcome, ...]) -> str:
    kinds = {"any": "Any", "text": "str", "bytes": "bytes", "empty": "None"}
    types = [str(o.model) if o.kind == "json" else kinds[o.kind] for o in outcomes]
    unique = list(dict.fromkeys(t for t in types if t != "None"))
    if "Any" in unique:
        return "Any"
    if "None" in types or not unique:
        unique.append("None")
    return " | ".join(unique)


def _method(op: Operation) -> Method:
    positional: list[Argument] = []
    keywords: list[Argument] = []
    send: tuple[str, ...] = ()
    ordered = sorted(op.parameters, key=lambda p: (p.location != "path", p.python))
    for param in ordered:
        if param.location == "path":
            positional.append(_argument(param))
    if op.body is not None:
        if op.body.required:
            positional.append(Argument("body", "", op.body.annotation))
        else:
            keywords.append(Argument("body", "", f"{op.body.annotation} | None"))
        send = _body_arguments(op.body)
    for param in ordered:
        if param.location != "path":
            (positional if param.required else keywords).append(_argument(param))
    summary = op.summary.rstrip(".") + "." if op.summary else f"`{op.operation_id}`."
    returns = _returns(op.successes)
    return Method(
        method=op.method,
        summary=summary.replace('"""', "'''"),
        http_method=op.http_method,
        path=op.path,
        authenticated=op.authenticated,
        positional=tuple(positional),
        keywords=tuple(keywords),
        parameters=tuple(_param_expr(p) for p in op.parameters),
        send_arguments=send,
        successes=_table(op.successes),
        errors=_table(op.errors),
        returns=returns,
        returns_value=returns != "None",
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
    used = {o.model for op in project.operations for o in (*op.successes, *op.errors) if o.model}
    used |= {op.body.model for op in project.operations if op.body and op.body.model}
    used |= {
        p.annotation
        for op in project.operations
        for p in op.parameters
        if p.annotation in project.model_names
    }
    missing = sorted(name for name in used if f"\nclass {name}(" not in models_source)
    if missing:
        raise GeneratorError(
            f"{SCHEMAS}{pointer_escape(missing[0])}: the models have no class of this name "
            "(datamodel-code-generator folded it into its users); a generator bug"
        )
    clash = sorted(used & CLIENT_MODULE_NAMES)
    if clash:
        raise UnsupportedConstruct(
            f"{SCHEMAS}{pointer_escape(clash[0])}",
            "a schema with a name that the client module uses itself",
            clash[0],
        )
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
