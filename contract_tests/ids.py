"""Every check and rule id the suite reports, as named constants.

A *check* is a family of rules; a rule id is a `RuleId(check, rule)`, which compares equal
to the `(check, rule)` pair the runner aggregates by, and whose `key` is the
`"check/rule"` string the report and the fault catalog write. The probes, the invariants,
the properties, the client stage and the tests import these constants, so that one grep of
a constant finds where its rule is checked and where it is tested.

Rules made from the spec (one per error code, per pair of checks, per operation, per
Schemathesis check) are made by the functions at the end, from the spec's names.
"""

from __future__ import annotations

from typing import NamedTuple


class RuleId(NamedTuple):
    """One rule of one check."""

    check: str
    rule: str

    @property
    def key(self) -> str:
        """`check/rule`, as the report and the fault catalog write it."""
        return f"{self.check}/{self.rule}"


# -- checks ------------------------------------------------------------------------------

ACCEPTANCE = "acceptance"
AUTH = "auth"
CLIENT = "client"
ERROR_CODES = "error-codes"
LEDGER = "ledger"
OPERATION = "operation"
ORDER = "order"
PROPERTIES = "properties"
RESPONSE = "response"
SCHEMATHESIS = "schemathesis"
SMS_PARTS = "sms-parts"
SUCCESS = "success-invariants"
TOKEN = "token"
TRANSPORT = "transport"
VALIDATION = "validation"

# -- acceptance: valid requests the contract accepts -----------------------------------

ACCEPT_ADVANCED_IDS = RuleId(ACCEPTANCE, "advanced-ids")
ACCEPT_DATE_TIME = RuleId(ACCEPTANCE, "date-time")
ACCEPT_DE_DUPLICATION = RuleId(ACCEPTANCE, "de-duplication")
ACCEPT_FIELD_BOUNDS = RuleId(ACCEPTANCE, "field-bounds")
ACCEPT_GUID_CASE = RuleId(ACCEPTANCE, "guid-case")
ACCEPT_OPTIONS = RuleId(ACCEPTANCE, "options")
ACCEPT_PUBLIC_EXAMPLE = RuleId(ACCEPTANCE, "public-example")
ACCEPT_RECIPIENT_RESOLUTION = RuleId(ACCEPTANCE, "recipient-resolution")
ACCEPT_RESULT = RuleId(ACCEPTANCE, "result")
ACCEPT_SMS_PARTS = RuleId(ACCEPTANCE, "sms-parts")
ACCEPT_TEMPLATE = RuleId(ACCEPTANCE, "template")
ACCEPT_UNKNOWN_PROPERTIES = RuleId(ACCEPTANCE, "unknown-properties")

# -- auth and the token endpoint -------------------------------------------------------

AUTH_UNAUTHORIZED = RuleId(AUTH, "Unauthorized")
AUTH_EXPIRED_TOKEN = RuleId(AUTH, "expired-token")
TOKEN_RFC6749 = RuleId(TOKEN, "rfc6749")

# -- the generated client ----------------------------------------------------------------

CLIENT_MODEL_READS_VALID_REQUEST = RuleId(CLIENT, "model-reads-valid-request")
CLIENT_VALID_REQUEST_ACCEPTED = RuleId(CLIENT, "valid-request-accepted")
CLIENT_RESPONSE_PARSES = RuleId(CLIENT, "response-parses")

# -- business rules' error codes ---------------------------------------------------------

NO_RECIPIENTS = RuleId(ERROR_CODES, "NoRecipients")
UNKNOWN_CONTACT = RuleId(ERROR_CODES, "UnknownContact")
UNKNOWN_GROUP = RuleId(ERROR_CODES, "UnknownGroup")
INVALID_RECIPIENT = RuleId(ERROR_CODES, "InvalidRecipient")
NO_CONTENT = RuleId(ERROR_CODES, "NoContent")
UNKNOWN_TEMPLATE = RuleId(ERROR_CODES, "UnknownTemplate")
MISSING_PLACEHOLDER = RuleId(ERROR_CODES, "MissingPlaceholder")
INVALID_SENDER = RuleId(ERROR_CODES, "InvalidSender")
INVALID_REFERENCE = RuleId(ERROR_CODES, "InvalidReference")
INVALID_EXPIRY = RuleId(ERROR_CODES, "InvalidExpiry")
MISSING_RECURRING_OPTIONS = RuleId(ERROR_CODES, "MissingRecurringOptions")
REASON_NAMES_VALUE = RuleId(ERROR_CODES, "reason-names-value")

# -- the ledger --------------------------------------------------------------------------

LEDGER_INSUFFICIENT_CREDITS = RuleId(LEDGER, "InsufficientCredits")
LEDGER_SERIES = RuleId(LEDGER, "series")
LEDGER_CONCURRENT_SENDS = RuleId(LEDGER, "concurrent-sends")
LEDGER_EXACT_BALANCE = RuleId(LEDGER, "exact-balance")

# -- the Hypothesis properties -------------------------------------------------------------

PROPERTY_VALID_REQUESTS_ACCEPTED = RuleId(PROPERTIES, "valid-requests-accepted")

# -- the response rules of every answer (`invariants`) -----------------------------------

NOT_A_SERVER_ERROR = RuleId(RESPONSE, "not-a-server-error")
NO_ANSWER = RuleId(RESPONSE, "no-answer")
DOCUMENTED_STATUS = RuleId(RESPONSE, "documented-status")
RESPONSE_MEDIA_TYPE = RuleId(RESPONSE, "media-type")
ENVELOPE_SCHEMA = RuleId(RESPONSE, "envelope-schema")
RESPONSE_UTF8 = RuleId(RESPONSE, "utf-8")  # not in RESPONSE_RULES: reported only when broken
CODE_STATUS = RuleId(RESPONSE, "code-status")
WWW_AUTHENTICATE = RuleId(RESPONSE, "www-authenticate")
ALLOW_HEADER = RuleId(RESPONSE, "allow-header")

# -- the success invariants of every 200 (`invariants`) --------------------------------

COUNTS_ARE_DECIMAL = RuleId(SUCCESS, "counts-are-decimal")
CREDITS_ARITHMETIC = RuleId(SUCCESS, "credits-arithmetic")
LEDGER_CONTINUITY = RuleId(SUCCESS, "ledger-continuity")
UNIQUE_IDS = RuleId(SUCCESS, "unique-ids")
MESSAGE_TEXT = RuleId(SUCCESS, "message-text")
QUICK_RECIPIENT_COUNT = RuleId(SUCCESS, "quick-recipient-count")
STANDARD_IDS = RuleId(SUCCESS, "standard-ids")
SUCCESS_SMS_PARTS = RuleId(SUCCESS, "sms-parts")
SUCCESS_ADVANCED_IDS = RuleId(SUCCESS, "advanced-ids")
SUCCESS_RESULT = RuleId(SUCCESS, "result")
ACCEPTED_INVALID = RuleId(SUCCESS, "accepted-invalid")
USER_ID = RuleId(SUCCESS, "user-id")
FIXTURE_COUNTS = RuleId(SUCCESS, "fixture-counts")

# -- SMS parts ---------------------------------------------------------------------------

PARTS_BOUNDARIES = RuleId(SMS_PARTS, "boundaries")
PARTS_SWEEP = RuleId(SMS_PARTS, "sweep")

# -- HTTP transport ----------------------------------------------------------------------

BAD_REQUEST = RuleId(TRANSPORT, "BadRequest")
INVALID_JSON = RuleId(TRANSPORT, "InvalidJson")
METHOD_NOT_ALLOWED = RuleId(TRANSPORT, "MethodNotAllowed")
NOT_FOUND = RuleId(TRANSPORT, "NotFound")
PAYLOAD_TOO_LARGE = RuleId(TRANSPORT, "PayloadTooLarge")
ACCEPT_NEGOTIATION = RuleId(TRANSPORT, "accept-negotiation")
DUPLICATE_KEYS = RuleId(TRANSPORT, "duplicate-keys")
TRANSPORT_MEDIA_TYPE = RuleId(TRANSPORT, "media-type")
TRANSPORT_CHARSET = RuleId(TRANSPORT, "charset")  # the spec's `charset` check
PATH_MATCHING = RuleId(TRANSPORT, "path-matching")

# -- schema validation -------------------------------------------------------------------

VALIDATION_ERROR = RuleId(VALIDATION, "ValidationError")
VALIDATION_FIRST_TEN = RuleId(VALIDATION, "ValidationError-first-ten")
VALIDATION_LISTS_ALL = RuleId(VALIDATION, "ValidationError-lists-all")
VALIDATION_REASON = RuleId(VALIDATION, "ValidationError-reason")
FIELD_CONSTRAINTS = RuleId(VALIDATION, "field-constraints")

# -- rules named after the spec --------------------------------------------------------


def error_code_rule(code: str) -> RuleId:
    """The business rule whose error code is `code` (a code of `x-contract.errorCodes`)."""
    return RuleId(ERROR_CODES, code)


def order_rule(first: str, second: str) -> RuleId:
    """A request breaking two rules gets the one the spec checks first."""
    return RuleId(ORDER, f"{first}-before-{second}")


def one_rule_broken(code: str) -> RuleId:
    """The property: a valid request with one rule broken gets that rule's code."""
    return RuleId(PROPERTIES, f"one-rule-broken/{code}")


def operation_response_rule(operation_id: str) -> RuleId:
    """The operation's answers are its documented responses."""
    return RuleId(OPERATION, f"response:{operation_id}")


def operation_security_rule(operation_id: str) -> RuleId:
    """The operation refuses a request without its security."""
    return RuleId(OPERATION, f"security:{operation_id}")


def schemathesis_rule(name: str) -> RuleId:
    """One of Schemathesis's own checks."""
    return RuleId(SCHEMATHESIS, name)


# Every rule of the response rules (`invariants.check_exchange`), in report order.
RESPONSE_RULES: tuple[RuleId, ...] = (
    NOT_A_SERVER_ERROR,
    NO_ANSWER,
    DOCUMENTED_STATUS,
    RESPONSE_MEDIA_TYPE,
    ENVELOPE_SCHEMA,
    CODE_STATUS,
    WWW_AUTHENTICATE,
    ALLOW_HEADER,
)
SUCCESS_RULES: tuple[RuleId, ...] = (
    COUNTS_ARE_DECIMAL,
    CREDITS_ARITHMETIC,
    LEDGER_CONTINUITY,
    UNIQUE_IDS,
    MESSAGE_TEXT,
    QUICK_RECIPIENT_COUNT,
    STANDARD_IDS,
    SUCCESS_SMS_PARTS,
    SUCCESS_ADVANCED_IDS,
    SUCCESS_RESULT,
    ACCEPTED_INVALID,
    USER_ID,
    FIXTURE_COUNTS,
)
CLIENT_RULES: tuple[RuleId, ...] = (
    CLIENT_MODEL_READS_VALID_REQUEST,
    CLIENT_VALID_REQUEST_ACCEPTED,
    CLIENT_RESPONSE_PARSES,
)


def constants() -> dict[str, RuleId]:
    """Every rule constant of this module, by its name."""
    return {name: value for name, value in globals().items() if isinstance(value, RuleId)}
