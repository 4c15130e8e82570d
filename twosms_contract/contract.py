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
(`twosms_contract.contract_agreement`).

A spec whose `x-contract` is missing or malformed raises `ContractError` naming the JSON
pointer and the value.

This module holds `Contract` and its queries, and is where code imports the model's names
from. Beside it: `contract_records` (the frozen records: `Check`, `Limits`, `Field`, ...),
`contract_reader` (reading and checking `x-contract` into them), `contract_agreement`
(lint's check that `x-contract` and the schema agree); `ContractError` lives in `errors`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from twosms_contract.contract_reader import ROOT, XContract, join_path, read_x_contract, split_path
from twosms_contract.contract_records import (
    Check,
    Decision,
    Field,
    Invariant,
    Limits,
    MediaTypes,
    Override,
    PartSizes,
)
from twosms_contract.errors import ContractError

if TYPE_CHECKING:
    from twosms_contract.spec import Spec

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
REQUEST_SCHEMA = "MessageV2"
#: The checks that frame the business rules in `x-contract.checks`: the rules are the ids
#: after `schema` and before `balance`.
SCHEMA_CHECK, BALANCE_CHECK = "schema", "balance"
#: The checks a spec cannot drop: the HTTP checks (without them an unknown path, another
#: method, broken framing, no token, another media type, a body over the limit, a charset or
#: JSON the server cannot read has no answer), and the two that frame the business rules
#: (decision `required-checks`). A business rule may be dropped.
REQUIRED_CHECKS = (
    "path",
    "method",
    "http",
    "auth",
    "media-type",
    "size",
    "charset",
    "json",
    SCHEMA_CHECK,
    BALANCE_CHECK,
)
ERROR_CODE_ENUM = "#/components/schemas/ContractError/properties/ErrorCode/enum"


class Contract:
    """The spec's contract, typed. Build it with `Contract.from_spec(spec)` (or read
    `spec.terms`, which builds it once per loaded spec)."""

    def __init__(self, spec: Spec, x_contract: XContract) -> None:
        self.spec = spec
        self.checks = x_contract.checks
        self.statuses = x_contract.statuses
        self.overrides = x_contract.overrides
        self.limits = x_contract.limits
        self.media_types = x_contract.media_types
        self.parts = x_contract.parts
        self.invariants = x_contract.invariants
        self.decisions = x_contract.decisions
        self._by_id = {check.id: check for check in self.checks}
        self._by_code: dict[str, Check] = {}
        for check in self.checks:
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
        """The checks after `schema` and before `balance`, in the spec's order (a spec
        without one of `REQUIRED_CHECKS`, or with an override whose code no check answers
        with, is a ContractError: lint reads this)."""
        ids = [check.id for check in self.checks]
        for required in REQUIRED_CHECKS:
            if required not in ids:
                raise ContractError(f"{ROOT}/checks", f"needs a check with id {required!r}")
        codes = {check.code for check in self.checks}
        for index, override in enumerate(self.overrides):
            if override.code not in codes:
                raise ContractError(
                    f"{ROOT}/schemaRuleOverrides/{index}",
                    "answers with a code no check answers with",
                    override.code,
                )
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
            resolved = self.spec.deref(response)
            content = (resolved.get("content") if isinstance(resolved, dict) else None) or {}
            if str(code).isdigit() and any(
                isinstance(media, dict) and (media.get("schema") or {}).get("$ref") == wanted
                for media in content.values()
            ):
                found.append(int(code))
        return tuple(found)

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
        path = split_path(where) if isinstance(where, str) else tuple(where)
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
                raise ContractError(pointer, f"the request has no field {join_path(path)!r}")
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
        return cls(spec, read_x_contract(spec.document))


__all__ = [
    "Check",
    "Contract",
    "ContractError",
    "Decision",
    "Field",
    "Invariant",
    "Limits",
    "MediaTypes",
    "Override",
    "PartSizes",
]
