"""The contract coverage map: which parts of the contract one run exercised, and how often.

The items come from the spec (`spec.terms` and the document): every request field of the
send (a JSON path, `*` for a map's values), every enum value of those fields, every status
an operation documents, every error code of `x-contract.errorCodes`, every check of
`x-contract.checks`, and the SMS part boundaries (for each alphabet, the longest text of n
parts and one unit more, for n up to the run's sweep). `CoverageRecorder.record` is fed
every exchange the session sees (`Session.watch`); `CoverageMap` is what the reports show.

A check counts as exercised by an answer with its status and code; checks that share a
code (the media type and the charset both answer `UnsupportedMediaType`) are each counted
by such an answer, since the answer alone does not tell them apart.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from contract_tests.core import Exchange
from contract_tests.sms import counter_for
from twosms_contract.contract import ERROR_CODE_ENUM, REQUEST_SCHEMA
from twosms_contract.spec import Spec

KINDS = ("field", "enum", "status", "error-code", "check", "sms-boundary")
KIND_TITLES = {
    "field": "request fields",
    "enum": "enum values",
    "status": "documented statuses",
    "error-code": "error codes",
    "check": "checks of x-contract.checks",
    "sms-boundary": "SMS part boundaries",
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The error envelope's code property, named by the spec's pointer to its enum.
_CODE_KEY = ERROR_CODE_ENUM.split("/")[-2]


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """One thing the contract states, and how many requests of the run exercised it."""

    kind: str  # one of KINDS
    name: str  # e.g. "$.Options.Reference", "$.Type = 2", "POST /Token 400"
    count: int
    where: str  # the spec pointer it comes from
    place: int = 0  # its place among every item in the spec's order

    @property
    def exercised(self) -> bool:
        return self.count > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "count": self.count,
            "exercised": self.exercised,
            "where": self.where,
            "place": self.place,
        }


@dataclass(frozen=True, slots=True)
class CoverageMap:
    """Every item of the contract, never-exercised first (then by kind and name)."""

    items: tuple[CoverageItem, ...]

    @property
    def exercised(self) -> int:
        return sum(item.exercised for item in self.items)

    @property
    def percent(self) -> float:
        return 100.0 * self.exercised / len(self.items) if self.items else 100.0

    def of_kind(self, kind: str) -> list[CoverageItem]:
        return [item for item in self.items if item.kind == kind]

    def kind_percent(self, kind: str) -> tuple[int, int]:
        items = self.of_kind(kind)
        return sum(item.exercised for item in items), len(items)

    @property
    def missed(self) -> list[CoverageItem]:
        return [item for item in self.items if not item.exercised]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CoverageMap:
        """The map `to_json` wrote."""
        return cls(
            tuple(
                CoverageItem(
                    str(i["kind"]),
                    str(i["name"]),
                    int(i["count"]),
                    str(i["where"]),
                    int(i["place"]),
                )
                for i in data["items"]
            )
        )

    @classmethod
    def merged(cls, maps: Sequence[CoverageMap]) -> CoverageMap:
        """The maps of one run's shards as one: each item's counts added up, in the order
        `CoverageRecorder.snapshot` gives."""
        counts: Counter[tuple[str, str]] = Counter()
        for each in maps:
            for item in each.items:
                counts[item.kind, item.name] += item.count
        items = [replace(i, count=counts[i.kind, i.name]) for i in maps[0].items]
        return cls(tuple(_ordered(items)))

    def to_json(self) -> dict[str, Any]:
        return {
            "percent": round(self.percent, 2),
            "exercised": self.exercised,
            "total": len(self.items),
            "kinds": {
                kind: {"exercised": done, "total": total}
                for kind in KINDS
                for done, total in [self.kind_percent(kind)]
            },
            "items": [item.to_json() for item in self.items],
        }


@dataclass(frozen=True, slots=True)
class _Target:
    kind: str
    name: str
    where: str


class CoverageRecorder:
    """Counts what each exchange exercises; `snapshot()` is the map so far.

    `counts` is a plain Counter of (kind, name), so that a forked stage can send its own
    back to be merged (`merge`).
    """

    def __init__(self, spec: Spec, *, send_path: str, sweep_parts: int = 4) -> None:
        self.spec = spec
        self.send_path = send_path
        self.sweep_parts = sweep_parts
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._fields = dict(_request_fields(spec))  # path -> pointer
        self._enums = {
            path: spec.terms.field(path).enum or () for path in self._fields if path != ()
        }
        self._operations = list(_operations(spec))
        self._codes = set(spec.terms.statuses)
        self._checks = [(c.id, c.status, c.code) for c in spec.terms.checks]
        self._counter = counter_for(spec.terms.parts)

    # -- the universe -----------------------------------------------------------------------

    def targets(self) -> Iterator[_Target]:
        terms = self.spec.terms
        for path, pointer in self._fields.items():
            if path:
                yield _Target("field", _json_path(path), pointer)
        for path, values in self._enums.items():
            for value in values:
                yield _Target("enum", _enum_name(path, value), self._fields[path] + "/enum")
        for template, method, statuses, _regex in self._operations:
            for status in sorted(statuses):
                yield _Target(
                    "status",
                    f"{method} {template} {status}",
                    f"#/paths/{_escape(template)}/{method.lower()}/responses/{status}",
                )
        for code in terms.statuses:
            yield _Target("error-code", code, "#/x-contract/errorCodes")
        for index, check in enumerate(terms.checks):
            yield _Target("check", check.id, f"#/x-contract/checks/{index}")
        for alphabet, units in self.boundaries():
            yield _Target("sms-boundary", _boundary_name(alphabet, units), "#/x-contract/smsParts")

    def boundaries(self) -> list[tuple[str, int]]:
        """(alphabet, units) at each side of each part boundary up to `sweep_parts` parts."""
        sizes = self.spec.terms.parts
        found: list[tuple[str, int]] = []
        for alphabet, single, multi in (
            ("GSM-7", sizes.gsm7_single, sizes.gsm7_multi),
            ("UCS-2", sizes.ucs2_single, sizes.ucs2_multi),
        ):
            edges = [single] + [multi * n for n in range(2, self.sweep_parts + 1)]
            for edge in edges:
                found += [(alphabet, edge), (alphabet, edge + 1)]
        return found

    # -- recording --------------------------------------------------------------------------

    def record(self, exchange: Exchange) -> None:
        with self._lock:  # probes may run side by side (`stages.ProbeStage`)
            self._record(exchange)

    def _record(self, exchange: Exchange) -> None:
        request, response = exchange.request, exchange.response
        path = urlsplit(request.url).path
        method = request.method.upper()
        counts = self.counts
        for template, op_method, statuses, regex in self._operations:
            if op_method == method and regex.fullmatch(path):
                if response.status in statuses:
                    counts["status", f"{method} {template} {response.status}"] += 1
                break
        code = _error_code(response.body)
        if code is not None and code in self._codes:
            counts["error-code", code] += 1
            for check_id, status, check_code in self._checks:
                if check_code == code and status == response.status:
                    counts["check", check_id] += 1
        if path != self.send_path or method != "POST":
            return
        body = request.json_body if request.json_body is not None else _json(request.body)
        if not isinstance(body, dict):
            return
        self._walk(body, ())
        content = body.get("Content")
        if isinstance(content, str) and "Template" not in body:
            encoding = self._counter.encode(content)
            counts["sms-boundary", _boundary_name(encoding.alphabet, encoding.units)] += 1

    def _walk(self, value: Mapping[str, Any], path: tuple[str, ...]) -> None:
        for key, child in value.items():
            step = (*path, key)
            if step not in self._fields:
                step = (*path, "*")
                if step not in self._fields:
                    continue
            self.counts["field", _json_path(step)] += 1
            values = self._enums.get(step)
            if values and any(_same(child, v) for v in values):
                self.counts["enum", _enum_name(step, child)] += 1
            if isinstance(child, dict):
                self._walk(child, step)

    def merge(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.counts.update(counts)

    def snapshot(self) -> CoverageMap:
        items = [
            CoverageItem(t.kind, t.name, self.counts.get((t.kind, t.name), 0), t.where, place)
            for place, t in enumerate(self.targets())
        ]
        return CoverageMap(tuple(_ordered(items)))


def _ordered(items: list[CoverageItem]) -> list[CoverageItem]:
    """Never exercised first, then by kind, then in the spec's order."""
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(items, key=lambda i: (i.exercised, order[i.kind], i.place))


# -- reading the spec ---------------------------------------------------------------------


def _request_fields(spec: Spec) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every field path of the send's request schema with the pointer of its schema."""
    pointer = f"#/components/schemas/{REQUEST_SCHEMA}"

    def walk(
        node: Any, path: tuple[str, ...], where: str, chain: frozenset[str]
    ) -> Iterator[tuple[tuple[str, ...], str]]:
        if isinstance(node, dict) and "$ref" in node:
            ref = str(node["$ref"])
            if ref in chain:
                return
            chain, where = chain | {ref}, ref
            node = spec.deref(node)
        yield path, where
        if not isinstance(node, dict):
            return
        for name, child in (node.get("properties") or {}).items():
            yield from walk(child, (*path, name), f"{where}/properties/{name}", chain)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            yield from walk(extra, (*path, "*"), f"{where}/additionalProperties", chain)

    from twosms_contract.spec import resolve_pointer

    yield from walk(resolve_pointer(spec.document, pointer), (), pointer, frozenset({pointer}))


def _operations(spec: Spec) -> Iterator[tuple[str, str, frozenset[int], re.Pattern[str]]]:
    terms = spec.terms
    for template, item in (spec.document.get("paths") or {}).items():
        for method in _METHODS:
            if isinstance((item or {}).get(method), dict):
                pattern = "".join(
                    "[^/]+" if part.startswith("{") else re.escape(part)
                    for part in re.split(r"(\{[^}]+\})", template)
                )
                yield (
                    template,
                    method.upper(),
                    terms.documented_statuses(template, method),
                    re.compile(pattern),
                )


def _error_code(body: bytes) -> str | None:
    """The error code of an answer: `ErrorCode` at the top or one level down."""
    if not body or _CODE_KEY.encode() not in body:
        return None
    value = _json(body)
    if not isinstance(value, dict):
        return None
    for node in (value, *(v for v in value.values() if isinstance(v, dict))):
        code = node.get(_CODE_KEY)
        if isinstance(code, str):
            return code
    return None


def _json(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
        return None


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _json_path(path: Iterable[str]) -> str:
    return "$." + ".".join(path)


def _enum_name(path: tuple[str, ...], value: Any) -> str:
    return f"{_json_path(path)} = {json.dumps(value)}"


def _boundary_name(alphabet: str, units: int) -> str:
    unit = "septets" if alphabet == "GSM-7" else "UTF-16 units"
    return f"{alphabet} {units} {unit}"


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")
