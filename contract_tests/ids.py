"""Every check and rule id the suite reports, as named constants.

A *check* is a family of rules; a rule id is a `RuleId(check, rule)`, which compares equal
to the `(check, rule)` pair the runner aggregates by, and whose `key` is the
`"check/rule"` string the report and the fault catalog write. The probes, the invariants,
the properties, the client stage and the tests import these constants, so that one grep of
a constant finds where its rule is checked and where it is tested. Each check of the spec's
`x-contract.checks` has a constant whose rule is the check's code (or its id, where the
code is shared), and the mock serves it in `Behaviour.check_<id>` (`tests/test_where.py`).

Rules made from the spec (one per error code, per pair of checks, per operation, per
Schemathesis check) are made by the functions at the end, from the spec's names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from twosms_contract.contract import PartSizes


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
TOKEN_CACHE_CONTROL = RuleId(TOKEN, "cache-control")
TOKEN_MEDIA_TYPE = RuleId(TOKEN, "token-media-type")
TOKEN_ISSUED = RuleId(TOKEN, "token-issued")
TOKEN_SCHEMA = RuleId(TOKEN, "token-schema")
TOKEN_WORKS = RuleId(TOKEN, "token-works")
# A refused token request gets its RFC 6749 error; the rule is named after it.
TOKEN_INVALID_REQUEST = RuleId(TOKEN, "invalid_request")
TOKEN_INVALID_CLIENT = RuleId(TOKEN, "invalid_client")
TOKEN_UNSUPPORTED_GRANT_TYPE = RuleId(TOKEN, "unsupported_grant_type")

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
# The business rules' codes the suite has probes for; a spec without one of them (the rule
# dropped) runs none of that code's probes, nor the order probes that name it.
BUSINESS_RULE_CODES = (
    NO_RECIPIENTS,
    UNKNOWN_CONTACT,
    UNKNOWN_GROUP,
    INVALID_RECIPIENT,
    NO_CONTENT,
    UNKNOWN_TEMPLATE,
    MISSING_PLACEHOLDER,
    INVALID_SENDER,
    INVALID_REFERENCE,
    INVALID_EXPIRY,
    MISSING_RECURRING_OPTIONS,
)

# -- the ledger --------------------------------------------------------------------------

LEDGER_INSUFFICIENT_CREDITS = RuleId(LEDGER, "InsufficientCredits")
LEDGER_SERIES = RuleId(LEDGER, "series")
LEDGER_CONCURRENT_SENDS = RuleId(LEDGER, "concurrent-sends")
LEDGER_EXACT_BALANCE = RuleId(LEDGER, "exact-balance")

# -- the Hypothesis properties -------------------------------------------------------------

PROPERTY_VALID_REQUESTS_ACCEPTED = RuleId(PROPERTIES, "valid-requests-accepted")
# The property over every breaker at once (its cases); each breaker's own rule is made by
# `one_rule_broken(code)` below.
PROPERTY_ONE_RULE_BROKEN = RuleId(PROPERTIES, "one-rule-broken")

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
PARTS_VALID_TEXT_ACCEPTED = RuleId(SMS_PARTS, "valid-text-accepted")
# The boundaries whose names hold no part size (those that do are made at the end, from
# the spec's part sizes); each is also a row of the report's boundary table.
PARTS_GSM7_NATIONAL = RuleId(SMS_PARTS, "GSM-7 national characters (basic table)")
PARTS_BACKTICK_NOT_GSM7 = RuleId(SMS_PARTS, "GSM-7 vs UCS-2: a backtick is not GSM-7")
PARTS_UCS2_EMOJI = RuleId(SMS_PARTS, "UCS-2 emoji cost 2 units")
PARTS_WHOLE_TEXT_DECIDES = RuleId(SMS_PARTS, "GSM-7 vs UCS-2: the whole text decides")
PARTS_TRAILING_WHITE_SPACE = RuleId(SMS_PARTS, "GSM-7 trailing white space counts")
PARTS_CR_LF = RuleId(SMS_PARTS, "GSM-7 CR LF is two septets")
PARTS_GSM7_EXTENSION = RuleId(SMS_PARTS, "GSM-7 extension characters cost 2 septets")
PARTS_EVERY_EXTENSION_CHARACTER = RuleId(SMS_PARTS, "GSM-7 every extension character")
PARTS_UCS2_EXTENSION = RuleId(SMS_PARTS, "UCS-2 extension characters cost 1 unit")

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
# The code the media-type and charset checks share (no rule of its own: the order rules
# name it).
UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"

# -- schema validation -------------------------------------------------------------------

VALIDATION_ERROR = RuleId(VALIDATION, "ValidationError")
VALIDATION_FIRST_LISTED = RuleId(VALIDATION, "ValidationError-first-listed")
VALIDATION_LISTS_ALL = RuleId(VALIDATION, "ValidationError-lists-all")
VALIDATION_REASON = RuleId(VALIDATION, "ValidationError-reason")
FIELD_CONSTRAINTS = RuleId(VALIDATION, "field-constraints")

# -- rules named after the spec --------------------------------------------------------


def error_code_rule(code: str) -> RuleId:
    """The business rule whose error code is `code` (a code of `x-contract.errorCodes`)."""
    return RuleId(ERROR_CODES, code)


def _name(rule: str | RuleId) -> str:
    return rule.rule if isinstance(rule, RuleId) else rule


def order_rule(first: str | RuleId, second: str | RuleId) -> RuleId:
    """A request breaking two rules gets the one the spec checks first; each is named by
    its code or check (or by the rule whose name that is)."""
    return RuleId(ORDER, f"{_name(first)}-before-{_name(second)}")


def one_rule_broken(code: str | RuleId) -> RuleId:
    """The property: a valid request with one rule broken gets that rule's code (or the
    code the rule is named after)."""
    return RuleId(PROPERTIES, f"one-rule-broken/{_name(code)}")


def operation_response_rule(operation_id: str) -> RuleId:
    """The operation's answers are its documented responses."""
    return RuleId(OPERATION, f"response:{operation_id}")


def operation_security_rule(operation_id: str) -> RuleId:
    """The operation refuses a request without its security."""
    return RuleId(OPERATION, f"security:{operation_id}")


def schemathesis_rule(name: str) -> RuleId:
    """One of Schemathesis's own checks."""
    return RuleId(SCHEMATHESIS, name)


# The SMS part boundaries named after the spec's part sizes (`x-contract.smsParts`).


def gsm7_single_part_rule(sizes: PartSizes) -> RuleId:
    """A GSM-7 text below, at and above one part."""
    return RuleId(SMS_PARTS, f"GSM-7 single part ({sizes.gsm7_single} septets)")


def gsm7_multipart_rule(sizes: PartSizes) -> RuleId:
    """A GSM-7 text below, at and above two parts of a multipart message."""
    return RuleId(SMS_PARTS, f"GSM-7 multipart ({sizes.gsm7_multi} septets a part)")


def gsm7_second_part_rule(sizes: PartSizes) -> RuleId:
    """A GSM-7 text whose second part is one septet short of, at or over a full part."""
    multi = sizes.gsm7_multi
    return RuleId(SMS_PARTS, f"GSM-7 multipart, {multi - 1}/{multi}/{multi + 1} septets in part 2")


def gsm7_escape_pair_rule(sizes: PartSizes) -> RuleId:
    """An escape pair across the end of a GSM-7 part is never split."""
    return RuleId(SMS_PARTS, f"GSM-7 escape pair never split at {sizes.gsm7_multi}")


def ucs2_single_part_rule(sizes: PartSizes) -> RuleId:
    """A UCS-2 text below, at and above one part."""
    return RuleId(SMS_PARTS, f"UCS-2 single part ({sizes.ucs2_single} units)")


def ucs2_multipart_rule(sizes: PartSizes) -> RuleId:
    """A UCS-2 text below, at and above two parts of a multipart message."""
    return RuleId(SMS_PARTS, f"UCS-2 multipart ({sizes.ucs2_multi} units a part)")


def ucs2_surrogate_pair_rule(sizes: PartSizes) -> RuleId:
    """A surrogate pair across the end of a UCS-2 part is never split."""
    return RuleId(SMS_PARTS, f"UCS-2 surrogate pair never split at {sizes.ucs2_multi}")


def ucs2_flag_rule(sizes: PartSizes) -> RuleId:
    """A flag (two surrogate pairs) across the end of a UCS-2 part may be split."""
    return RuleId(SMS_PARTS, f"UCS-2 a flag may be split at {sizes.ucs2_multi}")


def ucs2_zwj_rule(sizes: PartSizes) -> RuleId:
    """A ZWJ sequence across the end of a UCS-2 part may be split."""
    return RuleId(SMS_PARTS, f"UCS-2 a ZWJ sequence may be split at {sizes.ucs2_multi}")


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
