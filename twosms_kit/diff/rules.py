"""The rule catalogue: every rule id the engine can emit, with its level and an example.

Schema rules come in families: one *kind* of change (`max-length-decreased`) applied to
each *subject* that carries a schema. A request body's properties and parameters are what
clients send (tightening breaks clients); a response body's properties and headers are
what servers send (loosening breaks clients, whose generated models validate responses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from twosms_kit.diff.model import Level, Rule

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO

REQUEST_SUBJECTS: Final = ("request-property", "request-parameter")
RESPONSE_SUBJECTS: Final = ("response-property", "response-header")


@dataclass(frozen=True, slots=True)
class Family:
    """A rule family: the level on each side, a summary, and one example edit."""

    request: Level
    response: Level
    summary: str
    example: str


# kind -> family. Levels follow oasdiff (v1.30's model where it has one): on the request
# side tightening is ERR and loosening INFO; on the response side the reverse, except
# where a client can handle the new value in code (enum values, union branches: WARN).
SCHEMA_KINDS: Final[dict[str, Family]] = {
    "type-changed": Family(ERR, ERR, "the type changed", "`Reads`: `integer` → `string`"),
    "became-nullable": Family(
        INFO, ERR, "null became allowed", "`AdvancedMessageID`: `string` → `oneOf [null, string]`"
    ),
    "became-not-nullable": Family(
        ERR, INFO, "null is no longer allowed", "`Error`: `oneOf [null, Error]` → `Error`"
    ),
    "enum-value-added": Family(INFO, WARN, "an enum value was added", "`DeliveryChannel`: add `4`"),
    "enum-value-removed": Family(
        ERR, INFO, "an enum value was removed", "`DeliveryChannel`: drop `3`"
    ),
    "enum-added": Family(ERR, INFO, "an enum was set where any value went", "`Result`: add `enum`"),
    "enum-removed": Family(INFO, ERR, "the enum was dropped", "`ErrorCode`: drop its `enum`"),
    "const-changed": Family(ERR, ERR, "the const value changed", "`expires_in`: 28800 → 3600"),
    "const-added": Family(ERR, INFO, "a const was set", "`token_type`: add `const: bearer`"),
    "const-removed": Family(INFO, ERR, "the const was dropped", "`expires_in`: drop `const`"),
    "pattern-added": Family(ERR, INFO, "a pattern was set", "`FromName`: add `pattern: ^[A-Z]`"),
    "pattern-changed": Family(
        WARN, WARN, "the pattern changed", "`CountString`: `^[0-9]+$` → `^[1-9]`"
    ),
    "pattern-removed": Family(INFO, ERR, "the pattern was dropped", "`Result`: drop `pattern`"),
    "format-changed": Family(
        WARN, WARN, "the format changed, was set or dropped", "`DateToSend`: `date-time` → `date`"
    ),
    "max-length-decreased": Family(
        ERR, INFO, "maxLength decreased or was set", "`Reference`: `maxLength` 64 → 32"
    ),
    "max-length-increased": Family(
        INFO, ERR, "maxLength increased or was dropped", "`Reference`: `maxLength` 64 → 128"
    ),
    "min-length-increased": Family(
        ERR, INFO, "minLength increased or was set", "`SenderId`: `minLength` 1 → 2"
    ),
    "min-length-decreased": Family(
        INFO, ERR, "minLength decreased or was dropped", "`access_token`: `minLength` 1 → 0"
    ),
    "max-decreased": Family(
        ERR, INFO, "maximum (or exclusiveMaximum) decreased or was set", "`DstPort`: 65535 → 1023"
    ),
    "max-increased": Family(
        INFO,
        ERR,
        "maximum (or exclusiveMaximum) increased or was dropped",
        "`Repetitions`: 10 → 20",
    ),
    "min-increased": Family(
        ERR, INFO, "minimum (or exclusiveMinimum) increased or was set", "`Reads`: 0 → 1"
    ),
    "min-decreased": Family(
        INFO, ERR, "minimum (or exclusiveMinimum) decreased or was dropped", "`Frequency`: 1 → 0"
    ),
    "max-items-decreased": Family(
        ERR, INFO, "maxItems decreased or was set", "`MessageIdList`: add `maxItems: 10`"
    ),
    "max-items-increased": Family(
        INFO, ERR, "maxItems increased or was dropped", "`MessageIdList`: `maxItems` 10 → 20"
    ),
    "min-items-increased": Family(
        ERR, INFO, "minItems increased or was set", "`MessageIdList`: add `minItems: 1`"
    ),
    "min-items-decreased": Family(
        INFO, ERR, "minItems decreased or was dropped", "`MessageIdList`: drop `minItems`"
    ),
    "one-of-added": Family(
        INFO, WARN, "a oneOf branch was added", "`AdvancedMessageID`: add `integer`"
    ),
    "one-of-removed": Family(ERR, INFO, "a oneOf branch was removed", "drop a oneOf branch"),
    "any-of-added": Family(INFO, WARN, "an anyOf branch was added", "add an anyOf branch"),
    "any-of-removed": Family(ERR, INFO, "an anyOf branch was removed", "drop an anyOf branch"),
    "all-of-added": Family(
        ERR, INFO, "an allOf conjunct was added", "`ErrorResponse`: add a branch"
    ),
    "all-of-removed": Family(INFO, WARN, "an allOf conjunct was dropped", "drop an allOf conjunct"),
    "property-names-added": Family(
        ERR,
        INFO,
        "propertyNames was set (keys constrained)",
        "`PlaceholderMap`: add `propertyNames`",
    ),
    "property-names-removed": Family(
        INFO, ERR, "propertyNames was dropped", "`ContactIdMap`: drop `propertyNames`"
    ),
    "additional-properties-forbidden": Family(
        ERR, INFO, "additionalProperties became false", "`MessageV2`: `additionalProperties: false`"
    ),
    "additional-properties-allowed": Family(
        INFO, WARN, "additionalProperties is no longer false", "drop `additionalProperties: false`"
    ),
    "condition-added": Family(
        ERR, INFO, "an if/then/else (or one of its branches) was added", "`MessageV2`: add `else`"
    ),
    "condition-removed": Family(
        INFO, WARN, "an if/then/else (or one of its branches) was dropped", "`MessageV2`: drop `if`"
    ),
    "condition-changed": Family(
        WARN,
        WARN,
        "the `if` of a conditional changed",
        "`MessageV2`: `if Type const 2` → `const 0`",
    ),
    "ref-changed": Family(
        INFO,
        INFO,
        "a $ref points at another component (shapes compared too)",
        "`Sender` → `$ref Name`",
    ),
    "business-rule-changed": Family(
        WARN,
        WARN,
        "`x-business-rule` (the error code of a violation) changed",
        "`InvalidSender` → `X`",
    ),
    "enum-varnames-changed": Family(
        WARN, WARN, "`x-enum-varnames` changed (generated enum member names)", "`Sms` → `SMS`"
    ),
    "extension-changed": Family(
        INFO, INFO, "another `x-` extension of the schema changed", "`x-internal`: true → false"
    ),
    "keyword-changed": Family(
        WARN, WARN, "a schema keyword this tool has no finer rule for changed", "`uniqueItems` set"
    ),
}

# Rules about an object's properties: the subject is the body (parameters and headers whose
# schema is an object use the same ids; the pointer tells where).
PROPERTY_RULES: Final[dict[str, tuple[Level, str, str]]] = {
    "new-required-request-property": (ERR, "a required request property was added", "`Type2`"),
    "new-optional-request-property": (INFO, "an optional request property was added", "`Tag`"),
    "request-property-removed": (WARN, "a request property was removed", "drop `Reads`"),
    "request-property-became-required": (ERR, "a request property became required", "`Content`"),
    "request-property-became-optional": (INFO, "a request property became optional", "`Options`"),
    "response-required-property-added": (
        INFO,
        "a required response property was added",
        "`Detail.Cost`",
    ),
    "response-optional-property-added": (INFO, "an optional response property was added", "`Note`"),
    "response-required-property-removed": (
        ERR,
        "a required response property was removed",
        "drop `MessageText`",
    ),
    "response-optional-property-removed": (
        WARN,
        "an optional response property was removed",
        "drop `error_description`",
    ),
    "response-property-became-optional": (
        ERR,
        "a response property may now be absent",
        "`UserId` not required",
    ),
    "response-property-became-required": (
        INFO,
        "a response property is now always present",
        "`error_description` required",
    ),
}

# Paths, operations, parameters, bodies, media types, statuses, headers, security.
API_RULES: Final[dict[str, tuple[Level, str, str]]] = {
    "api-path-removed": (ERR, "a path was removed", "drop `/Token`"),
    "api-path-added": (INFO, "a path was added", "add `/api/v2/sms/status`"),
    "api-operation-removed": (ERR, "an operation was removed", "drop `post` of `/Token`"),
    "api-operation-added": (INFO, "an operation was added", "add `get` to `/Token`"),
    "api-operation-id-changed": (
        WARN,
        "the operationId changed (the generated method is renamed)",
        "`getToken` → `fetchToken`",
    ),
    "new-required-request-parameter": (ERR, "a required parameter was added", "`?account=`"),
    "new-optional-request-parameter": (INFO, "an optional parameter was added", "`?dryRun=`"),
    "request-parameter-removed": (WARN, "a parameter was removed", "drop `?dryRun=`"),
    "request-parameter-became-required": (ERR, "a parameter became required", "`dryRun`"),
    "request-parameter-became-optional": (INFO, "a parameter became optional", "`account`"),
    "request-body-added-required": (ERR, "a required request body was added", "a GET gets one"),
    "request-body-added-optional": (INFO, "an optional request body was added", "idem, optional"),
    "request-body-removed": (WARN, "the request body was removed", "drop `/Token`'s body"),
    "request-body-became-required": (ERR, "the request body became required", "`required: true`"),
    "request-body-became-optional": (INFO, "the request body became optional", "`required: false`"),
    "request-body-media-type-removed": (
        ERR,
        "a request media type was removed",
        "drop `text/json` from the send",
    ),
    "request-body-media-type-added": (
        INFO,
        "a request media type was added",
        "add `application/*+json`",
    ),
    "response-success-status-removed": (ERR, "a 2XX response was removed", "drop `200`"),
    "response-non-success-status-removed": (WARN, "an error response was removed", "drop `413`"),
    "response-success-status-added": (INFO, "a 2XX response was added", "add `202`"),
    "response-non-success-status-added": (INFO, "an error response was added", "add `429`"),
    "response-media-type-removed": (ERR, "a response media type was removed", "drop `text/json`"),
    "response-media-type-added": (INFO, "a response media type was added", "add `text/plain`"),
    "required-response-header-removed": (
        ERR,
        "a required response header was removed",
        "drop `Cache-Control`",
    ),
    "optional-response-header-removed": (WARN, "an optional response header was removed", "idem"),
    "response-header-added": (INFO, "a response header was added", "add `Retry-After`"),
    "response-header-became-optional": (
        ERR,
        "a response header may now be absent",
        "`Allow` `required: false`",
    ),
    "response-header-became-required": (INFO, "a response header is now always sent", "`required`"),
    "api-security-requirement-removed": (
        ERR,
        "a security requirement of an authenticated operation was removed",
        "`[oauth2, apiKey]` → `[apiKey]`",
    ),
    "api-security-requirement-added": (
        INFO,
        "a security requirement was added beside the existing ones",
        "`[oauth2]` → `[oauth2, apiKey]`",
    ),
    "api-security-scope-added": (ERR, "a requirement now needs another scope", "`oauth2: [send]`"),
    "api-security-scope-removed": (INFO, "a requirement needs a scope less", "`oauth2: []`"),
    "api-authentication-added": (
        ERR,
        "an open operation now needs authentication",
        "`/Token` `security: []` → `[oauth2]`",
    ),
    "api-authentication-removed": (
        INFO,
        "an authenticated operation became open",
        "the send gets `security: []`",
    ),
    "security-scheme-removed": (ERR, "a security scheme was removed", "drop `oauth2`"),
    "security-scheme-added": (INFO, "a security scheme was added", "add `apiKey`"),
    "security-scheme-changed": (
        ERR,
        "a security scheme's type, flows or URLs changed",
        "`tokenUrl` `/Token` → `/oauth/token`",
    ),
    "api-extension-changed": (
        INFO,
        "an `x-` extension of the document or an operation changed",
        "`x-rate-limit`",
    ),
}

# The `x-contract` extension: business rules the mock server and contract tests read.
CONTRACT_RULES: Final[dict[str, tuple[Level, str, str]]] = {
    "contract-check-added": (ERR, "a check was added (servers must now make it)", "`id: spam`"),
    "contract-check-removed": (WARN, "a check was removed", "drop `invalid-expiry`"),
    "contract-check-status-changed": (ERR, "a check answers another status", "`balance`: 402→400"),
    "contract-check-code-changed": (ERR, "a check answers another error code", "`NoContent` → X"),
    "contract-check-field-changed": (WARN, "a check names another field", "`$.Content` → `$`"),
    "contract-check-rule-changed": (WARN, "a check's rule text changed", "`over 64` → `over 32`"),
    "contract-check-order-changed": (
        WARN,
        "the order of checks changed (which error answers first)",
        "`auth` before `method`",
    ),
    "contract-error-code-removed": (ERR, "an error code was removed", "drop `InvalidExpiry`"),
    "contract-error-code-added": (WARN, "an error code was added", "add `RateLimited`"),
    "contract-error-code-status-changed": (ERR, "an error code's status changed", "`NotFound` 410"),
    "contract-rule-override-added": (WARN, "a schema-rule override was added", "`$.Content`"),
    "contract-rule-override-removed": (
        WARN,
        "a schema-rule override was removed",
        "`$.Options.Sender`",
    ),
    "contract-rule-override-changed": (WARN, "a schema-rule override changed", "code or `when`"),
    "contract-limit-decreased": (ERR, "a limit decreased", "`maxBodyBytes` 1048576 → 65536"),
    "contract-limit-increased": (
        WARN,
        "a limit increased (servers enforcing the old one no longer conform)",
        "`tokenLifetimeSeconds` 28800 → 86400",
    ),
    "contract-limit-added": (WARN, "a limit was added", "`maxRecipients: 1000`"),
    "contract-limit-removed": (WARN, "a limit was removed", "drop `validationErrorsListed`"),
    "contract-limit-changed": (ERR, "a non-numeric limit changed", "`'1 MiB'` → `'2 MiB'`"),
    "contract-media-type-removed": (ERR, "a contract media type was removed", "drop `text/json`"),
    "contract-media-type-added": (INFO, "a contract media type was added", "add `application/xml`"),
    "contract-charset-removed": (ERR, "a charset was removed", "drop `utf-32`"),
    "contract-charset-added": (INFO, "a charset was added", "add `iso-8859-1`"),
    "contract-sms-parts-changed": (
        ERR,
        "SMS part counting changed (credits, IDs)",
        "`gsm7.single` 160 → 150",
    ),
    "contract-invariant-added": (ERR, "a success invariant was added", "`id: ids-sorted`"),
    "contract-invariant-removed": (WARN, "a success invariant was removed", "drop `unique-ids`"),
    "contract-invariant-changed": (WARN, "a success invariant's rule changed", "reword `result`"),
    "contract-extension-changed": (
        WARN,
        "another `x-contract` entry changed",
        "`x-contract.retry`",
    ),
}


def _build() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for kind, family in SCHEMA_KINDS.items():
        for subject in REQUEST_SUBJECTS:
            rules[f"{subject}-{kind}"] = Rule(f"{subject}-{kind}", family.request, family.summary)
        for subject in RESPONSE_SUBJECTS:
            rules[f"{subject}-{kind}"] = Rule(f"{subject}-{kind}", family.response, family.summary)
    for table in (PROPERTY_RULES, API_RULES, CONTRACT_RULES):
        for rule_id, (level, summary, _example) in table.items():
            assert rule_id not in rules, rule_id
            rules[rule_id] = Rule(rule_id, level, summary)
    return rules


RULES: Final[dict[str, Rule]] = _build()


def rule(rule_id: str) -> Rule:
    """The catalogue's rule; a KeyError here is a bug in the engine, not in the input."""
    return RULES[rule_id]


def rules_markdown() -> str:
    """The table of rules in docs/diff-rules.md, generated so that the two cannot drift apart."""
    lines = [
        "| rule id | level | what | example |",
        "|---|---|---|---|",
    ]
    for kind, family in SCHEMA_KINDS.items():
        ids = "<br>".join(f"`{s}-{kind}`" for s in (*REQUEST_SUBJECTS, *RESPONSE_SUBJECTS))
        level = f"request {family.request.name}, response {family.response.name}"
        lines.append(f"| {ids} | {level} | {family.summary} | {family.example} |")
    for table in (PROPERTY_RULES, API_RULES, CONTRACT_RULES):
        for rule_id, (level_, summary, example) in table.items():
            lines.append(f"| `{rule_id}` | {level_.name} | {summary} | {example} |")
    return "\n".join(lines) + "\n"
