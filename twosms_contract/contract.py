"""The contract as one typed model, read from the spec once.

Every fact that code needs about the 2SMS contract comes from here: the checks and their
order, the statuses and error codes, the schema paths whose violations answer with a
business rule's own code, the limits, the media types and charsets, the SMS part sizes, the
success invariants, and the request fields' bounds as the schema states them. The mock and
the contract suite both read these facts (the suite keeps its own judging code: its part
counter and its oracle are independent of the mock's, but their numbers come from here),
so that an edit of the spec is followed by both with nothing else edited.

Each fact has one home in the spec. A limit the schema can state (a length, a range) lives
in the schema only: `Contract.field("$.Options.Reference").max_length` reads it there. Where
`x-contract` must repeat a schema fact (the token lifetime and `expires_in`, the error codes
and the `ErrorCode` enum), `lint` refuses a disagreement and names both pointers
(`agreement_findings`).

A spec whose `x-contract` is missing or malformed raises `ContractError` naming the JSON
pointer and the value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from twosms_contract.errors import ContractKitError

if TYPE_CHECKING:
    from twosms_contract.spec import Spec

ROOT = "#/x-contract"
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
REQUEST_SCHEMA = "MessageV2"
#: The checks that frame the business rules in `x-contract.checks`: the rules are the ids
#: after `schema` and before `balance`.
SCHEMA_CHECK, BALANCE_CHECK = "schema", "balance"
#: Where the send's answer to a token request says how long the token lasts.
EXPIRES_IN = "#/components/schemas/TokenResponse/properties/expires_in"
ERROR_CODE_ENUM = "#/components/schemas/ContractError/properties/ErrorCode/enum"


class ContractError(ContractKitError):
    """The spec's `x-contract` (or a schema fact it relies on) is missing or malformed."""

    def __init__(self, pointer: str, message: str, value: Any = None) -> None:
        self.pointer = pointer
        self.value = value
        shown = "" if value is None else f" (value: {value!r})"
        super().__init__(f"{pointer}: {message}{shown}")


@dataclass(frozen=True, slots=True)
class Check:
    """One entry of `x-contract.checks`: what fails, with which status and code."""

    id: str
    status: int
    code: str
    source: str
    rule: str
    field: str | None


@dataclass(frozen=True, slots=True)
class Override:
    """A schema path whose violations answer with a business rule's code."""

    path: tuple[str, ...]  # ("Options", "Sender") for $.Options.Sender
    code: str
    when: str | None

    @property
    def json_path(self) -> str:
        return "$." + ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Limits:
    """`x-contract.limits`: the facts the schema cannot state."""

    max_body_bytes: int
    token_lifetime_seconds: int
    validation_errors_listed: int
    max_json_depth: int


@dataclass(frozen=True, slots=True)
class MediaTypes:
    """`x-contract.mediaTypes`, lower-cased."""

    request: tuple[str, ...]
    response: tuple[str, ...]
    charsets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartSizes:
    """`x-contract.smsParts`: units a part carries, single and in a multipart message."""

    gsm7_single: int
    gsm7_multi: int
    gsm7_extension: frozenset[str]
    ucs2_single: int
    ucs2_multi: int
    empty: int


@dataclass(frozen=True, slots=True)
class Invariant:
    """One entry of `x-contract.successInvariants`."""

    id: str
    rule: str


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of `x-contract.decisions`: what the project decided where the sources are
    silent or ambiguous."""

    id: str
    decision: str


@dataclass(frozen=True, slots=True)
class Field:
    """A request field's constraints as the schema states them (`$ref`s followed)."""

    path: tuple[str, ...]
    pointer: str
    schema: Mapping[str, Any]

    @property
    def type(self) -> str | None:
        kind = self.schema.get("type")
        return kind if isinstance(kind, str) else None

    @property
    def minimum(self) -> int | None:
        return _number(self.schema, "minimum")

    @property
    def maximum(self) -> int | None:
        return _number(self.schema, "maximum")

    @property
    def min_length(self) -> int | None:
        return _number(self.schema, "minLength")

    @property
    def max_length(self) -> int | None:
        return _number(self.schema, "maxLength")

    @property
    def enum(self) -> tuple[Any, ...] | None:
        values = self.schema.get("enum")
        return tuple(values) if isinstance(values, list) else None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        text = self.schema.get("pattern")
        return _compiled(text) if isinstance(text, str) else None

    def accepts_string(self, value: str) -> bool:
        """Whether a string meets this field's length bounds and pattern (JSON Schema's
        `pattern` is a search, not a full match; the spec's patterns are anchored)."""
        low, high = self.min_length, self.max_length
        if low is not None and len(value) < low:
            return False
        if high is not None and len(value) > high:
            return False
        return self.pattern is None or self.pattern.search(value) is not None

    def longest(self, unit: str, *, prefix: str = "") -> int:
        """The largest n for which `prefix + unit * n` is a valid value (0 when none is),
        searched up to the schema's maxLength (or 4096): e.g. the longest all-letter Sender."""
        high = self.max_length if self.max_length is not None else 4096
        best = 0
        for n in range(1, high + 1):
            if self.accepts_string(prefix + unit * n):
                best = n
        return best

    def bounds(self) -> tuple[int, int]:
        """(minimum, maximum) of an integer field; ContractError when either is missing."""
        if self.minimum is None or self.maximum is None:
            raise ContractError(self.pointer, "needs both minimum and maximum", dict(self.schema))
        return self.minimum, self.maximum


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _number(schema: Mapping[str, Any], key: str) -> int | None:
    value = schema.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class Contract:
    """The spec's contract, typed. Build it with `Contract.from_spec(spec)` (or read
    `spec.terms`, which builds it once per loaded spec)."""

    def __init__(
        self,
        spec: Spec,
        *,
        checks: tuple[Check, ...],
        statuses: dict[str, int],
        overrides: tuple[Override, ...],
        limits: Limits,
        media_types: MediaTypes,
        parts: PartSizes,
        invariants: tuple[Invariant, ...],
        decisions: tuple[Decision, ...] = (),
    ) -> None:
        self.spec = spec
        self.checks = checks
        self.statuses = statuses
        self.overrides = overrides
        self.limits = limits
        self.media_types = media_types
        self.parts = parts
        self.invariants = invariants
        self.decisions = decisions
        self._by_id = {check.id: check for check in checks}
        self._by_code: dict[str, Check] = {}
        for check in checks:
            self._by_code.setdefault(check.code, check)
        self._fields: dict[tuple[str, ...], Field] = {}
        self._operations: dict[str, tuple[str, str]] = {}
        self._statuses: dict[tuple[str, str], frozenset[int]] = {}

    # -- checks -----------------------------------------------------------------------------

    def check(self, check_id: str) -> Check:
        """The check with this id; ContractError naming the known ids when there is none."""
        found = self._by_id.get(check_id)
        if found is None:
            raise ContractError(
                f"{ROOT}/checks", f"no check {check_id!r} (known: {', '.join(self._by_id)})"
            )
        return found

    def has_check(self, check_id: str) -> bool:
        return check_id in self._by_id

    def status(self, code: str) -> int:
        """The status an error code answers with (`x-contract.errorCodes`)."""
        status = self.statuses.get(code)
        if status is None:
            raise ContractError(f"{ROOT}/errorCodes", f"no error code {code!r}")
        return status

    def check_for_code(self, code: str) -> Check:
        """The first check that answers with `code`."""
        found = self._by_code.get(code)
        if found is None:
            raise ContractError(f"{ROOT}/checks", f"no check answers with {code!r}")
        return found

    @cached_property
    def business_rules(self) -> tuple[Check, ...]:
        """The checks after `schema` and before `balance`, in the spec's order."""
        ids = [check.id for check in self.checks]
        for required in (SCHEMA_CHECK, BALANCE_CHECK):
            if required not in ids:
                raise ContractError(f"{ROOT}/checks", f"needs a check with id {required!r}")
        return self.checks[ids.index(SCHEMA_CHECK) + 1 : ids.index(BALANCE_CHECK)]

    @cached_property
    def business_codes(self) -> tuple[str, ...]:
        """The business rules' codes, in order, each once."""
        return tuple(dict.fromkeys(check.code for check in self.business_rules))

    def precedes(self, first: str, second: str) -> bool:
        """Whether the check answering `first` (a code) runs before the one answering
        `second`."""
        order = [check.code for check in self.checks]
        return order.index(first) < order.index(second)

    @cached_property
    def refusal_statuses(self) -> frozenset[int]:
        """Every status a refused request may get (the statuses of the error codes)."""
        return frozenset(self.statuses.values())

    # -- operations -------------------------------------------------------------------------

    def operation(self, operation_id: str) -> tuple[str, str]:
        """(path, METHOD) of the operation with this operationId (remembered: the suite
        asks for it on every exchange)."""
        found = self._operations.get(operation_id)
        if found is None:
            found = self._operations[operation_id] = self._find_operation(operation_id)
        return found

    def _find_operation(self, operation_id: str) -> tuple[str, str]:
        for path, item in (self.spec.document.get("paths") or {}).items():
            for method, operation in (item or {}).items():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return path, method.upper()
        raise ContractError("#/paths", f"no operation has operationId {operation_id!r}")

    def methods(self, path: str) -> frozenset[str]:
        """The methods (upper case) the spec gives a path: what `Allow` lists."""
        item = (self.spec.document.get("paths") or {}).get(path) or {}
        return frozenset(m.upper() for m in item if m in _HTTP_METHODS)

    def documented_statuses(self, path: str, method: str) -> frozenset[int]:
        """The statuses an operation's `responses` document (remembered per operation)."""
        key = (path, method.lower())
        found = self._statuses.get(key)
        if found is None:
            item = (self.spec.document.get("paths") or {}).get(path) or {}
            operation = item.get(method.lower()) or {}
            responses = operation.get("responses") or {}
            found = frozenset(int(code) for code in responses if code.isdigit())
            self._statuses[key] = found
        return found

    def statuses_answering(self, operation_id: str, schema: str) -> tuple[int, ...]:
        """The statuses whose documented answer of the operation is the component schema
        `schema` (a `$ref` to it under any media type), in the spec's order: the token
        endpoint's 200 (`TokenResponse`) and its RFC 6749 errors' status (`TokenError`)."""
        path, method = self.operation(operation_id)
        item = (self.spec.document.get("paths") or {}).get(path) or {}
        responses = (item.get(method.lower()) or {}).get("responses") or {}
        wanted = f"#/components/schemas/{schema}"
        found: list[int] = []
        for code, response in responses.items():
            content = self._local(response).get("content") or {}
            if str(code).isdigit() and any(
                isinstance(media, dict) and (media.get("schema") or {}).get("$ref") == wanted
                for media in content.values()
            ):
                found.append(int(code))
        return tuple(found)

    def _local(self, node: Any) -> dict[str, Any]:
        """A node, or the node of the document its local `$ref` names."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target: Any = self.spec.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
                if not isinstance(target, dict):
                    return {}
            node = target
        return node if isinstance(node, dict) else {}

    # -- schema overrides -------------------------------------------------------------------

    def override_at(self, path: tuple[str, ...]) -> Override | None:
        """The override whose path is `path` or a prefix of it."""
        for override in self.overrides:
            if path[: len(override.path)] == override.path:
                return override
        return None

    def override_for(self, code: str) -> Override:
        for override in self.overrides:
            if override.code == code:
                return override
        raise ContractError(f"{ROOT}/schemaRuleOverrides", f"no override answers with {code!r}")

    # -- request fields ---------------------------------------------------------------------

    def field(self, where: str | tuple[str, ...]) -> Field:
        """A request field by JSON path (`"$.Options.Reference"`) or tuple of names; map
        values are `*` (`"$.Contacts.QuickRecipients.*"`)."""
        path = _split(where) if isinstance(where, str) else tuple(where)
        found = self._fields.get(path)
        if found is None:
            found = self._resolve_field(path)
            self._fields[path] = found
        return found

    def _resolve_field(self, path: tuple[str, ...]) -> Field:
        pointer = f"#/components/schemas/{REQUEST_SCHEMA}"
        node = self._deref(pointer)
        for name in path:
            if name == "*":
                child = node.get("additionalProperties")
                step = "additionalProperties"
            else:
                child = (node.get("properties") or {}).get(name)
                step = f"properties/{name}"
            if not isinstance(child, dict):
                raise ContractError(pointer, f"the request has no field {_join(path)!r}")
            pointer = str(child["$ref"]) if "$ref" in child else f"{pointer}/{step}"
            node = self._deref(pointer) if "$ref" in child else child
        return Field(path=path, pointer=pointer, schema=node)

    def _deref(self, pointer: str) -> dict[str, Any]:
        from twosms_contract.spec import resolve_pointer

        try:
            node = self.spec.deref(resolve_pointer(self.spec.document, pointer))
        except KeyError:
            raise ContractError(pointer, "does not resolve") from None
        if not isinstance(node, dict):
            raise ContractError(pointer, "is not a schema object", node)
        return node

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: Spec) -> Contract:
        """Read `x-contract` (ContractError, with the pointer, where it is malformed)."""
        raw = spec.document.get("x-contract")
        if not isinstance(raw, dict):
            raise ContractError(ROOT, "the spec has no x-contract mapping", raw)
        reader = _Reader(raw)
        checks = tuple(
            Check(
                id=reader.text(item, "id", at),
                status=reader.integer(item, "status", at),
                code=reader.text(item, "code", at),
                source=str(item.get("source", "decided")),
                rule=str(item.get("rule", "")),
                field=str(item["field"]) if item.get("field") is not None else None,
            )
            for at, item in reader.entries("checks")
        )
        statuses = {
            reader.text(item, "code", at): reader.integer(item, "status", at)
            for at, item in reader.entries("errorCodes")
        }
        overrides = tuple(
            Override(
                path=_split(reader.text(item, "path", at)),
                code=reader.text(item, "code", at),
                when=str(item["when"]) if item.get("when") is not None else None,
            )
            for at, item in reader.entries("schemaRuleOverrides")
        )
        limits_at, limits = reader.mapping(raw, "limits", ROOT)
        media_at, media = reader.mapping(raw, "mediaTypes", ROOT)
        parts_at, parts = reader.mapping(raw, "smsParts", ROOT)
        gsm7_at, gsm7 = reader.mapping(parts, "gsm7", parts_at)
        ucs2_at, ucs2 = reader.mapping(parts, "ucs2", parts_at)
        return cls(
            spec,
            checks=checks,
            statuses=statuses,
            overrides=overrides,
            limits=Limits(
                max_body_bytes=reader.integer(limits, "maxBodyBytes", limits_at),
                token_lifetime_seconds=reader.integer(limits, "tokenLifetimeSeconds", limits_at),
                validation_errors_listed=reader.integer(
                    limits, "validationErrorsListed", limits_at
                ),
                max_json_depth=reader.integer(limits, "maxJsonDepth", limits_at),
            ),
            media_types=MediaTypes(
                request=reader.texts(media, "request", media_at),
                response=reader.texts(media, "response", media_at),
                charsets=reader.texts(media, "charsets", media_at),
            ),
            parts=PartSizes(
                gsm7_single=reader.integer(gsm7, "single", gsm7_at),
                gsm7_multi=reader.integer(gsm7, "multi", gsm7_at),
                gsm7_extension=frozenset(reader.text(gsm7, "extension", gsm7_at)),
                ucs2_single=reader.integer(ucs2, "single", ucs2_at),
                ucs2_multi=reader.integer(ucs2, "multi", ucs2_at),
                empty=reader.integer(parts, "empty", parts_at),
            ),
            invariants=tuple(
                Invariant(id=reader.text(item, "id", at), rule=str(item.get("rule", "")))
                for at, item in reader.entries("successInvariants")
            ),
            decisions=tuple(
                Decision(id=reader.text(item, "id", at), decision=reader.text(item, "decision", at))
                for at, item in (reader.entries("decisions") if "decisions" in raw else ())
            ),
        )


class _Reader:
    """Reads `x-contract` values, raising ContractError with the pointer of what is wrong."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def entries(self, key: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        items = self.raw.get(key)
        if not isinstance(items, list):
            raise ContractError(f"{ROOT}/{key}", "must be a list", items)
        for index, item in enumerate(items):
            at = f"{ROOT}/{key}/{index}"
            if not isinstance(item, dict):
                raise ContractError(at, "must be a mapping", item)
            yield at, item

    def mapping(self, parent: Mapping[str, Any], key: str, at: str) -> tuple[str, Any]:
        value = parent.get(key)
        if not isinstance(value, dict):
            raise ContractError(f"{at}/{key}", "must be a mapping", value)
        return f"{at}/{key}", value

    def integer(self, parent: Mapping[str, Any], key: str, at: str) -> int:
        value = parent.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ContractError(f"{at}/{key}", "must be a whole number, 0 or more", value)
        return value

    def text(self, parent: Mapping[str, Any], key: str, at: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value:
            raise ContractError(f"{at}/{key}", "must be a non-empty string", value)
        return value

    def texts(self, parent: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
        value = parent.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ContractError(f"{at}/{key}", "must be a list of strings", value)
        return tuple(v.lower() for v in value)


def _split(path: str) -> tuple[str, ...]:
    """`$.Options.Reference` -> ("Options", "Reference"); `$` -> ()."""
    if path == "$":
        return ()
    if not path.startswith("$."):
        raise ContractError(ROOT, f"a JSON path must start with '$.': {path!r}")
    return tuple(path[2:].split("."))


def _join(path: tuple[str, ...]) -> str:
    return "$." + ".".join(path) if path else "$"


def agreement_findings(spec: Spec) -> Iterator[tuple[str, str, str, Any]]:
    """Where `x-contract` repeats a schema fact and the two disagree: (pointer in
    x-contract, pointer in the schema, what differs, the two values)."""
    from twosms_contract.spec import resolve_pointer

    raw = spec.document.get("x-contract") or {}
    lifetime = (raw.get("limits") or {}).get("tokenLifetimeSeconds")
    try:
        expires = spec.deref(resolve_pointer(spec.document, EXPIRES_IN))
    except KeyError:
        expires = None
    if isinstance(expires, dict) and lifetime is not None and expires.get("maximum") != lifetime:
        yield (
            f"{ROOT}/limits/tokenLifetimeSeconds",
            f"{EXPIRES_IN}/maximum",
            "the token lifetime and the most expires_in may say differ",
            (lifetime, expires.get("maximum")),
        )
    codes = [e.get("code") for e in raw.get("errorCodes") or [] if isinstance(e, dict)]
    pattern_at = "#/components/schemas/Error/properties/ErrorCode/pattern"
    try:
        pattern = resolve_pointer(spec.document, pattern_at)
    except KeyError:
        pattern = None
    if isinstance(pattern, str) and codes:
        compiled = re.compile(pattern)
        unmatched = [c for c in codes if isinstance(c, str) and not compiled.search(c)]
        if unmatched:
            yield (
                f"{ROOT}/errorCodes",
                pattern_at,
                "error codes the ErrorCode pattern does not admit",
                unmatched,
            )
    declared = {
        e.get("code"): e.get("status") for e in raw.get("errorCodes") or [] if isinstance(e, dict)
    }
    for at, item in enumerate(raw.get("checks") or []):
        if not isinstance(item, dict):
            continue
        code, status = item.get("code"), item.get("status")
        if code in declared and declared[code] != status:
            yield (
                f"{ROOT}/checks/{at}/status",
                f"{ROOT}/errorCodes",
                f"check {item.get('id')!r} answers {code} with another status than errorCodes",
                (status, declared[code]),
            )
    for at, item in enumerate(raw.get("schemaRuleOverrides") or []):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        try:
            spec.terms.field(item["path"])
        except ContractError as exc:
            yield (
                f"{ROOT}/schemaRuleOverrides/{at}/path",
                exc.pointer,
                "the override's path is not a field of the request schema",
                item["path"],
            )


__all__ = [
    "Check",
    "Contract",
    "ContractError",
    "Field",
    "Invariant",
    "Limits",
    "MediaTypes",
    "Override",
    "PartSizes",
    "agreement_findings",
]
