"""The whole chain follows an edit of the spec, with nothing else edited.

Each edit is one change in a copy of `spec/twosms-v2.yaml`. For each: lint stays clean,
the mock served with the edited spec conforms to it (the suite, judging with the edited
spec, passes it), and a server that keeps the old rule (the mock served with the original
spec) is caught by the suite judging with the edited spec, by the rule that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests import ids
from contract_tests.runner import run_suite
from contract_tests.session import Session
from contract_tests.verdict import SuiteResult
from generator.runtime import client_package
from mockserver import create_app
from mockserver.testing import MockClient, public_request
from tests.repo import SPEC as SPEC_FILE
from twosms_contract.fixtures import load_account
from twosms_contract.lint import lint_document
from twosms_contract.spec import Spec, load_spec

ORIGINAL_TEXT = SPEC_FILE.read_text(encoding="utf-8")
ORIGINAL = load_spec(SPEC_FILE)
ACCOUNT = load_account()


@dataclass(frozen=True)
class Edit:
    """One change of the spec's text: `old` (which must occur once) becomes `new`."""

    id: str
    old: str
    new: str
    caught_by: str  # a "check/rule" the suite must report against the old server

    def apply(self, folder: Path) -> Spec:
        assert ORIGINAL_TEXT.count(self.old) == 1, f"{self.id}: the edit must match once"
        path = folder / "twosms-v2.yaml"
        path.write_text(ORIGINAL_TEXT.replace(self.old, self.new), encoding="utf-8")
        return load_spec(path)


REFERENCE = "          type: string\n          maxLength: 64\n          description: Your reference"
FREQUENCY = "          minimum: 1\n          maximum: 1440\n"
SRC_PORT = (
    "          maximum: 65535\n          description: Source port of a binary SMS, 0 to 65535."
)
ALERT = "      enum: [0, 1, 2, 3]\n      x-enum-varnames: [NoAlert, Email, Sms, EmailAndSms]"
PRIORITY = """        SecureMessage:
          type: boolean
          description: Send as a secure message.
          x-source: seed
"""
_CHECKS = ORIGINAL_TEXT[ORIGINAL_TEXT.index("  checks:\n") :].split("\n")
MEDIA_TYPE_THEN_SIZE = "\n".join(
    line for line in _CHECKS if "{id: media-type," in line or "{id: size," in line
)
EDITS = [
    Edit(
        "reference-raised",
        REFERENCE,
        REFERENCE.replace("64", "128"),
        ids.ACCEPT_FIELD_BOUNDS.key,
    ),
    Edit(
        "reference-lowered",
        REFERENCE,
        REFERENCE.replace("64", "32"),
        ids.INVALID_REFERENCE.key,
    ),
    Edit(
        "frequency-raised",
        FREQUENCY,
        FREQUENCY.replace("1440", "2880"),
        ids.ACCEPT_FIELD_BOUNDS.key,
    ),
    Edit(
        "src-port-lowered",
        SRC_PORT,
        SRC_PORT.replace("65535", "1023"),
        ids.FIELD_CONSTRAINTS.key,
    ),
    Edit(
        "enum-value-removed",
        ALERT,
        "      enum: [0, 1, 2]\n      x-enum-varnames: [NoAlert, Email, Sms]",
        ids.FIELD_CONSTRAINTS.key,
    ),
    Edit(
        "optional-enum-field-added",
        PRIORITY,
        PRIORITY
        + """        Priority:
          type: integer
          enum: [1, 2, 3]
          description: Delivery priority, 1 (high) to 3 (low).
          x-source: decided
""",
        ids.FIELD_CONSTRAINTS.key,
    ),
    Edit(
        "body-limit-lowered",
        "    maxBodyBytes: 1048576\n",
        "    maxBodyBytes: 524288\n",
        ids.PAYLOAD_TOO_LARGE.key,
    ),
    Edit(
        "gsm7-single-part-lowered",
        "      single: 160\n      multi: 153\n",
        "      single: 150\n      multi: 153\n",
        ids.SUCCESS_SMS_PARTS.key,
    ),
    Edit(
        "charset-removed",
        "    charsets: [utf-8, us-ascii, utf-16, utf-32]\n",
        "    charsets: [utf-8, us-ascii, utf-16]\n",
        ids.TRANSPORT_CHARSET.key,
    ),
    Edit(
        "json-depth-raised",
        "    maxJsonDepth: 64\n",
        "    maxJsonDepth: 128\n",
        ids.INVALID_JSON.key,
    ),
    Edit(
        "errors-listed-lowered",
        "    validationErrorsListed: 10\n",
        "    validationErrorsListed: 5\n",
        ids.VALIDATION_FIRST_LISTED.key,
    ),
    Edit(
        # RFC 6749 lets invalid_client be a 401; the token endpoint's errors move there.
        "token-error-status-changed",
        "        '400':\n          description: An RFC 6749 section 5.2 error. (decided)",
        "        '401':\n          description: An RFC 6749 section 5.2 error. (decided)",
        ids.TOKEN_INVALID_CLIENT.key,
    ),
    Edit(
        "check-order-changed",
        MEDIA_TYPE_THEN_SIZE,
        "\n".join(reversed(MEDIA_TYPE_THEN_SIZE.split("\n"))),
        ids.order_rule(ids.UNSUPPORTED_MEDIA_TYPE, ids.PAYLOAD_TOO_LARGE).key,
    ),
]


def _run(judged: Spec, served: Spec) -> SuiteResult:
    app = create_app(spec=served, account=ACCOUNT)
    session = Session.for_app(app, account=ACCOUNT, spec=judged)
    session.expired_token = app.state.mock.mint_expired_token()
    try:
        return run_suite(session, profile="quick", seed=1, parallel=True)
    finally:
        session.close()


def _failed(result: SuiteResult) -> set[str]:
    return {ids.RuleId(rule.check, rule.rule).key for rule in result.failed}


@pytest.mark.slow
@pytest.mark.parametrize("edit", EDITS, ids=[e.id for e in EDITS])
def test_the_chain_follows_one_edit_of_the_spec(edit: Edit, tmp_path: Path) -> None:
    edited = edit.apply(tmp_path)
    assert [f.render() for f in lint_document(edited)] == []
    # The mock served with the edited spec conforms to it ...
    follows = _run(edited, edited)
    assert _failed(follows) == set(), [r.violations[:1] for r in follows.failed]
    # ... and a server that keeps the old rule is caught, by the rule that changed.
    keeps_old = _run(edited, ORIGINAL)
    assert edit.caught_by in _failed(keeps_old), sorted(_failed(keeps_old))


def test_a_new_optional_field_reaches_the_generated_models(tmp_path: Path) -> None:
    edit = next(e for e in EDITS if e.id == "optional-enum-field-added")

    def wire_names(spec: Spec) -> set[str]:
        fields = client_package(spec).models.MessageOptionsV2.model_fields.values()
        return {field.alias for field in fields}

    assert "Priority" in wire_names(edit.apply(tmp_path))
    assert "Priority" not in wire_names(ORIGINAL)


def test_the_mock_enforces_a_changed_limit(tmp_path: Path) -> None:
    """The raised Reference limit: 100 characters are accepted by the mock of the edited
    spec and refused (InvalidReference) by the mock of the original."""
    edited = EDITS[0].apply(tmp_path)
    body = public_request(Options={"Reference": "r" * 100})
    accepted = MockClient(spec=edited, account=ACCOUNT).send(body)
    assert accepted.status_code == 200, accepted.text
    refused = MockClient(spec=ORIGINAL, account=ACCOUNT).send(body).json()
    assert refused["Error"]["ErrorCode"] == "InvalidReference"
    assert "at most 64" in refused["Error"]["ErrorReason"]


_RULE_LINES = {
    check.id: next(line for line in _CHECKS if line.startswith(f"    - {{id: {check.id},"))
    for check in ORIGINAL.terms.business_rules
}


def _without(rule: str, folder: Path) -> Spec:
    """The spec without one business rule: its check, and the schema overrides that answer
    with its code (an override must name a check's code)."""
    code = ORIGINAL.terms.check(rule).code
    dropped = [_RULE_LINES[rule]] + [
        line for line in _CHECKS if line.startswith("    - {path: ") and f"code: {code}" in line
    ]
    text = ORIGINAL_TEXT
    for line in dropped:
        assert text.count(line + "\n") == 1
        text = text.replace(line + "\n", "")
    path = folder / "twosms-v2.yaml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


@pytest.mark.parametrize("rule", sorted(_RULE_LINES))
def test_a_spec_without_one_business_rule_is_served(rule: str, tmp_path: Path) -> None:
    """A spec that drops one business rule (lint-clean) is served: the mock starts, sends
    the public example, and answers what that rule refused without a 5xx (who a send
    reaches is still resolved when the invalid-recipient rule is gone)."""
    edited = _without(rule, tmp_path)
    assert [f.render() for f in lint_document(edited)] == []
    client = MockClient(create_app(spec=edited, account=ACCOUNT))
    assert client.send(public_request()).status_code == 200
    unreachable = {"Contacts": {"QuickRecipients": {"someone@example.com": 2}}}
    for body in (
        public_request(**unreachable),
        public_request(Contacts={}),
        public_request(Options={"Sender": "far-too-long-a-sender"}),
        public_request(Options={"Reference": "r" * 1000}),
        public_request(Template={"ID": "00000000-0000-0000-0000-000000000000"}),
    ):
        assert client.send(body).status_code < 500


@pytest.mark.slow
@pytest.mark.parametrize(
    "rule", ["invalid-recipient", "unknown-template", "missing-placeholder", "invalid-reference"]
)
def test_the_suite_follows_a_dropped_business_rule(rule: str, tmp_path: Path) -> None:
    """Judging by a spec that drops a business rule, the suite runs none of its probes
    (the rule's code, the orders that name it, its breaker, its reason) and passes the
    mock that serves that spec."""
    edited = _without(rule, tmp_path)
    assert [f.render() for f in lint_document(edited)] == []
    result = _run(edited, edited)
    assert _failed(result) == set(), [r.violations[:1] for r in result.failed]
    code = ORIGINAL.terms.check(rule).code
    assert ids.RuleId(ids.ERROR_CODES, code) not in {(r.check, r.rule) for r in result.rules}


def test_lint_refuses_a_spec_without_a_framing_check_or_with_an_orphan_override(
    tmp_path: Path,
) -> None:
    """The checks that frame a send cannot be dropped, and an override must name a code a
    check answers with: lint says which, where."""
    size = next(line for line in _CHECKS if line.startswith("    - {id: size,"))
    edited = Edit("without-size", size + "\n", "", "").apply(tmp_path)
    assert [f.render().splitlines()[0] for f in lint_document(edited)] == [
        "#/x-contract/checks: [contract-model] needs a check with id 'size'"
    ]
    reference = _RULE_LINES["invalid-reference"]
    edited = Edit("orphan-override", reference + "\n", "", "").apply(tmp_path)
    (finding,) = lint_document(edited)
    assert finding.pointer == "#/x-contract/schemaRuleOverrides/1"
    assert "InvalidReference" in finding.render()
