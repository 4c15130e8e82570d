"""The table of spec edits: each small change to a copy of our spec produces its rule id at
its level, and nothing else; together the rows cover every rule of the catalogue."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from twosms_contract.spec import load_spec
from twosms_kit.diff import RULES, Level, diff_documents

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
SPEC: dict[str, Any] = load_spec().document
SEND = "/api/v2/sms/messages"

Edit = Callable[[dict[str, Any]], None]


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]
    return result


def send(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["paths"][SEND]["post"]
    return result


def token(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["paths"]["/Token"]["post"]
    return result


def contract(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["x-contract"]
    return result


def check(doc: dict[str, Any], check_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in contract(doc)["checks"] if c["id"] == check_id)
    return found


@dataclass(frozen=True)
class Case:
    """`edit` turns OLD (the spec, after `base`) into NEW; `rule` must come out at `level`."""

    rule: str
    level: Level
    edit: Edit
    base: Edit | None = None
    also: frozenset[str] = field(default_factory=frozenset)


def pair(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    old = copy.deepcopy(SPEC)
    if case.base is not None:
        case.base(old)
    new = copy.deepcopy(old)
    case.edit(new)
    return old, new


def _seq(*edits: Edit) -> Edit:
    def run(doc: dict[str, Any]) -> None:
        for edit in edits:
            edit(doc)

    return run


def _set(getter: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Edit:
    return lambda doc: getter(doc).__setitem__(key, copy.deepcopy(value))


def _del(getter: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Edit:
    return lambda doc: getter(doc).__delitem__(key)


def _append(getter: Callable[[dict[str, Any]], list[Any]], value: Any) -> Edit:
    return lambda doc: getter(doc).append(copy.deepcopy(value))


def _remove(getter: Callable[[dict[str, Any]], list[Any]], value: Any) -> Edit:
    return lambda doc: getter(doc).remove(value)


def _filter(getter: Callable[[dict[str, Any]], list[Any]], key: str, value: Any) -> Edit:
    def run(doc: dict[str, Any]) -> None:
        items = getter(doc)
        items[:] = [i for i in items if i.get(key) != value]

    return run


def _props(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: schemas(doc)[name]["properties"]


def _required(name: str) -> Callable[[dict[str, Any]], list[Any]]:
    return lambda doc: schemas(doc)[name].setdefault("required", [])


_STRING = {"type": "string"}
_PARAM = {"name": "account", "in": "query", "schema": _STRING}
_REQUIRED_PARAM = {**_PARAM, "required": True}
_HEADER = {"description": "A request id.", "schema": _STRING}
_API_KEY = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
_GET = {"operationId": "tokenInfo", "responses": {"200": {"description": "ok"}}}
_FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {"$ref": "#/components/schemas/TokenRequest"}
        }
    },
}


def _token_200_headers(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = token(doc)["responses"]["200"]["headers"]
    return result


def _schemes(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["securitySchemes"]
    return result


PROPERTY_CASES = [
    Case(
        "new-required-request-property",
        ERR,
        _seq(_set(_props("MessageV2"), "Tag", _STRING), _append(_required("MessageV2"), "Tag")),
    ),
    Case("new-optional-request-property", INFO, _set(_props("MessageV2"), "Tag", _STRING)),
    Case("request-property-removed", WARN, _del(_props("MessageOptionsV2"), "Reads")),
    Case("request-property-became-required", ERR, _append(_required("MessageV2"), "Content")),
    Case("request-property-became-optional", INFO, _remove(_required("MessageV2"), "Options")),
    Case(
        "response-required-property-added",
        INFO,
        _seq(
            _set(_props("SMSTransactionV2"), "Cost", _STRING),
            _append(_required("SMSTransactionV2"), "Cost"),
        ),
    ),
    Case("response-optional-property-added", INFO, _set(_props("TokenResponse"), "scope", _STRING)),
    Case(
        "response-required-property-removed",
        ERR,
        _seq(
            _del(_props("SMSTransactionV2"), "MessageText"),
            _remove(_required("SMSTransactionV2"), "MessageText"),
        ),
    ),
    Case(
        "response-optional-property-removed",
        WARN,
        _del(_props("TokenError"), "error_description"),
    ),
    Case("response-property-became-optional", ERR, _remove(_required("Identification"), "UserId")),
    Case(
        "response-property-became-required",
        INFO,
        _append(_required("TokenError"), "error_description"),
    ),
]

API_CASES = [
    Case("api-path-removed", ERR, _del(lambda d: d["paths"], "/Token")),
    Case("api-path-added", INFO, _set(lambda d: d["paths"], "/api/v2/sms/status", {"get": _GET})),
    Case(
        "api-operation-removed",
        ERR,
        _del(lambda d: d["paths"]["/Token"], "get"),
        base=_set(lambda d: d["paths"]["/Token"], "get", _GET),
    ),
    Case("api-operation-added", INFO, _set(lambda d: d["paths"]["/Token"], "get", _GET)),
    Case("api-operation-id-changed", WARN, _set(token, "operationId", "fetchToken")),
    Case("new-required-request-parameter", ERR, _set(send, "parameters", [_REQUIRED_PARAM])),
    Case("new-optional-request-parameter", INFO, _set(send, "parameters", [_PARAM])),
    Case(
        "request-parameter-removed",
        WARN,
        _del(send, "parameters"),
        base=_set(send, "parameters", [_PARAM]),
    ),
    Case(
        "request-parameter-became-required",
        ERR,
        _set(send, "parameters", [_REQUIRED_PARAM]),
        base=_set(send, "parameters", [_PARAM]),
    ),
    Case(
        "request-parameter-became-optional",
        INFO,
        _set(send, "parameters", [_PARAM]),
        base=_set(send, "parameters", [_REQUIRED_PARAM]),
    ),
    Case(
        "request-body-added-required",
        ERR,
        _set(lambda d: d["paths"]["/Token"]["get"], "requestBody", _FORM_BODY),
        base=_set(lambda d: d["paths"]["/Token"], "get", _GET),
    ),
    Case(
        "request-body-added-optional",
        INFO,
        _set(
            lambda d: d["paths"]["/Token"]["get"], "requestBody", {**_FORM_BODY, "required": False}
        ),
        base=_set(lambda d: d["paths"]["/Token"], "get", _GET),
    ),
    Case("request-body-removed", WARN, _del(token, "requestBody")),
    Case(
        "request-body-became-required",
        ERR,
        _set(lambda d: token(d)["requestBody"], "required", True),
        base=_set(lambda d: token(d)["requestBody"], "required", False),
    ),
    Case(
        "request-body-became-optional",
        INFO,
        _set(lambda d: token(d)["requestBody"], "required", False),
    ),
    Case(
        "request-body-media-type-removed",
        ERR,
        _del(lambda d: send(d)["requestBody"]["content"], "text/json"),
    ),
    Case(
        "request-body-media-type-added",
        INFO,
        _set(
            lambda d: send(d)["requestBody"]["content"],
            "application/vnd.twosms+json",
            {"schema": {"$ref": "#/components/schemas/MessageV2"}},
        ),
    ),
    Case("response-success-status-removed", ERR, _del(lambda d: token(d)["responses"], "200")),
    Case("response-non-success-status-removed", WARN, _del(lambda d: send(d)["responses"], "413")),
    Case(
        "response-success-status-added",
        INFO,
        _set(lambda d: send(d)["responses"], "202", {"description": "Accepted."}),
    ),
    Case(
        "response-non-success-status-added",
        INFO,
        _set(lambda d: send(d)["responses"], "429", {"description": "Slow down."}),
    ),
    Case(
        "response-media-type-removed",
        ERR,
        _del(lambda d: send(d)["responses"]["200"]["content"], "text/json"),
    ),
    Case(
        "response-media-type-added",
        INFO,
        _set(lambda d: send(d)["responses"]["200"]["content"], "text/plain", {"schema": _STRING}),
    ),
    Case("required-response-header-removed", ERR, _del(_token_200_headers, "Cache-Control")),
    Case(
        "optional-response-header-removed",
        WARN,
        _del(_token_200_headers, "X-Request-Id"),
        base=_set(_token_200_headers, "X-Request-Id", _HEADER),
    ),
    Case("response-header-added", INFO, _set(_token_200_headers, "X-Request-Id", _HEADER)),
    Case(
        "response-header-became-optional",
        ERR,
        _set(lambda d: d["components"]["headers"]["CacheControlNoStore"], "required", False),
    ),
    Case(
        "response-header-became-required",
        INFO,
        _set(_token_200_headers, "X-Request-Id", {**_HEADER, "required": True}),
        base=_set(_token_200_headers, "X-Request-Id", _HEADER),
    ),
    Case(
        "api-security-requirement-removed",
        ERR,
        _set(send, "security", [{"oauth2": []}]),
        base=_seq(
            _set(_schemes, "apiKey", _API_KEY),
            _set(send, "security", [{"oauth2": []}, {"apiKey": []}]),
        ),
    ),
    Case(
        "api-security-requirement-added",
        INFO,
        _set(send, "security", [{"oauth2": []}, {"apiKey": []}]),
        base=_set(_schemes, "apiKey", _API_KEY),
    ),
    Case("api-security-scope-added", ERR, _set(send, "security", [{"oauth2": ["send"]}])),
    Case(
        "api-security-scope-removed",
        INFO,
        _set(send, "security", [{"oauth2": []}]),
        base=_set(send, "security", [{"oauth2": ["send"]}]),
    ),
    Case("api-authentication-added", ERR, _set(token, "security", [{"oauth2": []}])),
    Case("api-authentication-removed", INFO, _set(send, "security", [])),
    Case(
        "security-scheme-removed",
        ERR,
        _del(_schemes, "apiKey"),
        base=_set(_schemes, "apiKey", _API_KEY),
    ),
    Case("security-scheme-added", INFO, _set(_schemes, "apiKey", _API_KEY)),
    Case(
        "security-scheme-changed",
        ERR,
        _set(lambda d: _schemes(d)["oauth2"]["flows"]["clientCredentials"], "tokenUrl", "/oauth/t"),
    ),
    Case("api-extension-changed", INFO, _set(send, "x-rate-limit", 10)),
]

CONTRACT_CASES = [
    Case(
        "contract-check-added",
        ERR,
        _append(
            lambda d: contract(d)["checks"],
            {"id": "spam", "status": 400, "code": "Spam", "rule": "No spam."},
        ),
    ),
    Case("contract-check-removed", WARN, _filter(lambda d: contract(d)["checks"], "id", "size")),
    Case("contract-check-status-changed", ERR, _set(lambda d: check(d, "balance"), "status", 400)),
    Case("contract-check-code-changed", ERR, _set(lambda d: check(d, "no-content"), "code", "X")),
    Case(
        "contract-check-field-changed", WARN, _set(lambda d: check(d, "no-content"), "field", "$")
    ),
    Case(
        "contract-check-rule-changed",
        WARN,
        _set(lambda d: check(d, "invalid-reference"), "rule", "A reference over 32 characters."),
    ),
    Case(
        "contract-check-order-changed",
        WARN,
        lambda d: contract(d)["checks"].insert(0, contract(d)["checks"].pop(3)),
    ),
    Case(
        "contract-error-code-removed",
        ERR,
        _filter(lambda d: contract(d)["errorCodes"], "code", "InvalidExpiry"),
    ),
    Case(
        "contract-error-code-added",
        WARN,
        _append(lambda d: contract(d)["errorCodes"], {"code": "RateLimited", "status": 429}),
    ),
    Case(
        "contract-error-code-status-changed",
        ERR,
        lambda d: next(c for c in contract(d)["errorCodes"] if c["code"] == "NotFound").__setitem__(
            "status", 410
        ),
    ),
    Case(
        "contract-rule-override-added",
        WARN,
        _append(lambda d: contract(d)["schemaRuleOverrides"], {"path": "$.Content", "code": "X"}),
    ),
    Case(
        "contract-rule-override-removed",
        WARN,
        _filter(lambda d: contract(d)["schemaRuleOverrides"], "path", "$.Options.Sender"),
    ),
    Case(
        "contract-rule-override-changed",
        WARN,
        lambda d: contract(d)["schemaRuleOverrides"][0].__setitem__("code", "ValidationError"),
    ),
    Case(
        "contract-limit-decreased",
        ERR,
        _set(lambda d: contract(d)["limits"], "maxBodyBytes", 65536),
    ),
    Case(
        "contract-limit-increased",
        WARN,
        _set(lambda d: contract(d)["limits"], "tokenLifetimeSeconds", 86400),
    ),
    Case("contract-limit-added", WARN, _set(lambda d: contract(d)["limits"], "maxRecipients", 9)),
    Case(
        "contract-limit-removed",
        WARN,
        _del(lambda d: contract(d)["limits"], "validationErrorsListed"),
    ),
    Case(
        "contract-limit-changed",
        ERR,
        _set(lambda d: contract(d)["limits"], "maxBodyBytes", "1 MiB"),
    ),
    Case(
        "contract-media-type-removed",
        ERR,
        _remove(lambda d: contract(d)["mediaTypes"]["request"], "text/json"),
    ),
    Case(
        "contract-media-type-added",
        INFO,
        _append(lambda d: contract(d)["mediaTypes"]["response"], "application/problem+json"),
    ),
    Case(
        "contract-charset-removed",
        ERR,
        _remove(lambda d: contract(d)["mediaTypes"]["charsets"], "utf-32"),
    ),
    Case(
        "contract-charset-added",
        INFO,
        _append(lambda d: contract(d)["mediaTypes"]["charsets"], "iso-8859-1"),
    ),
    Case(
        "contract-sms-parts-changed",
        ERR,
        _set(lambda d: contract(d)["smsParts"]["gsm7"], "single", 150),
    ),
    Case(
        "contract-invariant-added",
        ERR,
        _append(
            lambda d: contract(d)["successInvariants"], {"id": "ids-sorted", "rule": "Sorted."}
        ),
    ),
    Case(
        "contract-invariant-removed",
        WARN,
        _filter(lambda d: contract(d)["successInvariants"], "id", "unique-ids"),
    ),
    Case(
        "contract-invariant-changed",
        WARN,
        lambda d: contract(d)["successInvariants"][0].__setitem__("rule", "Counts are strings."),
    ),
    Case("contract-extension-changed", WARN, _set(contract, "retry", {"after": 5})),
]


# The schema families: (kind, OLD schema, NEW schema, request level, response level, also).
# Each pair is put in the four places that carry schemas: a request body property, a
# request parameter, a response body property and a response header.
_OBJ = {"type": "object"}
_IF = {"if": {"required": ["a"]}, "then": {"required": ["b"]}}
_ONE = [{"type": "string"}, {"type": "integer"}]
_ARRAY = {"type": "array", "items": _STRING}
FAMILIES: list[tuple[str, dict[str, Any], dict[str, Any], Level, Level, frozenset[str]]] = [
    ("type-changed", {"type": "integer"}, _STRING, ERR, ERR, frozenset()),
    (
        "became-nullable",
        _STRING,
        {"oneOf": [{"type": "null"}, _STRING]},
        INFO,
        ERR,
        frozenset(),
    ),
    (
        "became-not-nullable",
        {"type": ["string", "null"]},
        _STRING,
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "enum-value-added",
        {"type": "integer", "enum": [0, 1]},
        {"type": "integer", "enum": [0, 1, 2]},
        INFO,
        WARN,
        frozenset(),
    ),
    (
        "enum-value-removed",
        {"type": "integer", "enum": [0, 1, 2]},
        {"type": "integer", "enum": [0, 1]},
        ERR,
        INFO,
        frozenset(),
    ),
    ("enum-added", _STRING, {**_STRING, "enum": ["a"]}, ERR, INFO, frozenset()),
    ("enum-removed", {**_STRING, "enum": ["a"]}, _STRING, INFO, ERR, frozenset()),
    ("const-changed", {"const": 1}, {"const": 2}, ERR, ERR, frozenset()),
    ("const-added", _STRING, {**_STRING, "const": "a"}, ERR, INFO, frozenset()),
    ("const-removed", {**_STRING, "const": "a"}, _STRING, INFO, ERR, frozenset()),
    ("pattern-added", _STRING, {**_STRING, "pattern": "^[a-z]+$"}, ERR, INFO, frozenset()),
    (
        "pattern-changed",
        {**_STRING, "pattern": "^[a-z]+$"},
        {**_STRING, "pattern": "^[a-z]{2,}$"},
        WARN,
        WARN,
        frozenset(),
    ),
    ("pattern-removed", {**_STRING, "pattern": "^[a-z]+$"}, _STRING, INFO, ERR, frozenset()),
    (
        "format-changed",
        {**_STRING, "format": "date-time"},
        {**_STRING, "format": "date"},
        WARN,
        WARN,
        frozenset(),
    ),
    (
        "max-length-decreased",
        {**_STRING, "maxLength": 64},
        {**_STRING, "maxLength": 32},
        ERR,
        INFO,
        frozenset(),
    ),
    ("max-length-increased", {**_STRING, "maxLength": 64}, _STRING, INFO, ERR, frozenset()),
    ("min-length-increased", _STRING, {**_STRING, "minLength": 1}, ERR, INFO, frozenset()),
    (
        "min-length-decreased",
        {**_STRING, "minLength": 2},
        {**_STRING, "minLength": 1},
        INFO,
        ERR,
        frozenset(),
    ),
    (
        "max-decreased",
        {"type": "integer", "maximum": 10},
        {"type": "integer", "exclusiveMaximum": 10},
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "max-increased",
        {"type": "integer", "maximum": 10},
        {"type": "integer", "maximum": 20},
        INFO,
        ERR,
        frozenset(),
    ),
    (
        "min-increased",
        {"type": "integer", "minimum": 0},
        {"type": "integer", "minimum": 1},
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "min-decreased",
        {"type": "integer", "minimum": 1},
        {"type": "integer"},
        INFO,
        ERR,
        frozenset(),
    ),
    ("max-items-decreased", _ARRAY, {**_ARRAY, "maxItems": 10}, ERR, INFO, frozenset()),
    (
        "max-items-increased",
        {**_ARRAY, "maxItems": 10},
        {**_ARRAY, "maxItems": 20},
        INFO,
        ERR,
        frozenset(),
    ),
    ("min-items-increased", _ARRAY, {**_ARRAY, "minItems": 1}, ERR, INFO, frozenset()),
    ("min-items-decreased", {**_ARRAY, "minItems": 1}, _ARRAY, INFO, ERR, frozenset()),
    (
        "one-of-added",
        {"oneOf": _ONE},
        {"oneOf": [*_ONE, {"type": "boolean"}]},
        INFO,
        WARN,
        frozenset(),
    ),
    ("one-of-removed", {"oneOf": _ONE}, {"oneOf": _ONE[:1]}, ERR, INFO, frozenset()),
    (
        "any-of-added",
        {"anyOf": _ONE},
        {"anyOf": [*_ONE, {"type": "boolean"}]},
        INFO,
        WARN,
        frozenset(),
    ),
    ("any-of-removed", {"anyOf": _ONE}, {"anyOf": _ONE[:1]}, ERR, INFO, frozenset()),
    (
        "all-of-added",
        {"allOf": [_STRING]},
        {"allOf": [_STRING, {"minLength": 1}]},
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "all-of-removed",
        {"allOf": [_STRING, {"minLength": 1}]},
        {"allOf": [_STRING]},
        INFO,
        WARN,
        frozenset(),
    ),
    (
        "property-names-added",
        _OBJ,
        {**_OBJ, "propertyNames": {"pattern": "^[a-z]+$"}},
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "property-names-removed",
        {**_OBJ, "propertyNames": {"pattern": "^[a-z]+$"}},
        _OBJ,
        INFO,
        ERR,
        frozenset(),
    ),
    (
        "additional-properties-forbidden",
        _OBJ,
        {**_OBJ, "additionalProperties": False},
        ERR,
        INFO,
        frozenset(),
    ),
    (
        "additional-properties-allowed",
        {**_OBJ, "additionalProperties": False},
        _OBJ,
        INFO,
        WARN,
        frozenset(),
    ),
    ("condition-added", _OBJ, {**_OBJ, **_IF}, ERR, INFO, frozenset()),
    ("condition-removed", {**_OBJ, **_IF}, _OBJ, INFO, WARN, frozenset()),
    (
        "condition-changed",
        {**_OBJ, **_IF},
        {**_OBJ, **_IF, "if": {"required": ["c"]}},
        WARN,
        WARN,
        frozenset(),
    ),
    (
        "ref-changed",
        {"$ref": "#/components/schemas/EmailAddress"},
        {"$ref": "#/components/schemas/CountString"},
        INFO,
        INFO,
        frozenset({"pattern-changed"}),
    ),
    (
        "business-rule-changed",
        {**_STRING, "x-business-rule": "InvalidSender"},
        {**_STRING, "x-business-rule": "InvalidReference"},
        WARN,
        WARN,
        frozenset(),
    ),
    (
        "enum-varnames-changed",
        {"type": "integer", "enum": [0, 1], "x-enum-varnames": ["A", "B"]},
        {"type": "integer", "enum": [0, 1], "x-enum-varnames": ["A", "C"]},
        WARN,
        WARN,
        frozenset(),
    ),
    (
        "extension-changed",
        {**_STRING, "x-internal": True},
        {**_STRING, "x-internal": False},
        INFO,
        INFO,
        frozenset(),
    ),
    ("keyword-changed", _ARRAY, {**_ARRAY, "uniqueItems": True}, WARN, WARN, frozenset()),
]


def _inject(subject: str, schema: dict[str, Any]) -> Edit:
    """Put `schema` where `subject` reads schemas, under a name nothing else uses."""
    value = copy.deepcopy(schema)
    if subject == "request-property":
        return _set(_props("MessageOptionsV2"), "Probe", value)
    if subject == "response-property":
        return _set(_props("Identification"), "Probe", value)
    if subject == "request-parameter":
        return _set(send, "parameters", [{"name": "probe", "in": "query", "schema": value}])
    return _set(_token_200_headers, "X-Probe", {"schema": value})


def _family_cases() -> list[Case]:
    cases = []
    for kind, before, after, request, response, also in FAMILIES:
        for subject, level in (
            ("request-property", request),
            ("request-parameter", request),
            ("response-property", response),
            ("response-header", response),
        ):
            cases.append(
                Case(
                    f"{subject}-{kind}",
                    level,
                    _inject(subject, after),
                    base=_inject(subject, before),
                    also=frozenset(f"{subject}-{a}" for a in also),
                )
            )
    return cases


ALL_CASES = [*PROPERTY_CASES, *API_CASES, *CONTRACT_CASES, *_family_cases()]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.rule for c in ALL_CASES])
def test_edit_produces_its_rule_at_its_level(case: Case) -> None:
    old, new = pair(case)
    changes = diff_documents(old, new)
    found = {c.rule.id for c in changes}
    assert found == {case.rule} | case.also, [(c.rule.id, c.pointer, c.message) for c in changes]
    for change in changes:
        if change.rule.id == case.rule:
            assert change.level is case.level, change
            assert change.pointer.startswith("#/"), change


def test_the_table_covers_every_rule() -> None:
    covered = {c.rule for c in ALL_CASES}
    assert sorted(set(RULES) - covered) == []
    assert len(ALL_CASES) == len({c.rule for c in ALL_CASES})


def test_rule_ids_are_kebab_case_and_unique() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id


def test_the_rules_page_documents_every_rule_with_an_example() -> None:
    from tests.repo import ROOT as REPO_ROOT
    from twosms_kit.diff.rules import rules_markdown

    page = (REPO_ROOT / "docs" / "diff-rules.md").read_text(encoding="utf-8")
    documented = page.split("-->", 1)[1]
    assert rules_markdown() in documented, "run `make generate` (docs/diff-rules.md)"
    for rule_id in RULES:
        assert f"`{rule_id}`" in documented, rule_id


def test_public_surface_is_complete() -> None:
    import twosms_kit.diff as package

    # The names load lazily (the CLI registers `diff` without the engine): the table of
    # where each lives is the public surface, and every name resolves.
    assert set(package._HOMES) == set(package.__all__)
    assert all(getattr(package, name) is not None for name in package.__all__)
    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), n))
