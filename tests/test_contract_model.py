"""The typed contract model: what it reads from the spec, and how it refuses a bad one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from twosms_contract.contract import Contract, ContractError
from twosms_contract.lint import lint_document
from twosms_contract.spec import Spec, load_spec

SPEC = load_spec()
BODY_LIMIT = "#/x-contract/limits/maxBodyBytes"


def _edited(change: Any) -> Spec:
    document = copy.deepcopy(SPEC.document)
    change(document)
    return Spec(path=SPEC.path, document=document, sha256="edited")


def test_the_model_reads_the_specs_facts() -> None:
    terms = SPEC.terms
    raw = SPEC.contract
    assert [c.id for c in terms.checks] == [c["id"] for c in raw["checks"]]
    assert terms.checks[0].id == "path"
    assert terms.business_rules[0].id == "no-recipients"
    assert terms.business_rules[-1].id == "missing-recurring-options"
    assert terms.status("InsufficientCredits") == 402
    assert terms.limits.max_body_bytes == raw["limits"]["maxBodyBytes"]
    assert terms.parts.gsm7_single == raw["smsParts"]["gsm7"]["single"]
    assert terms.media_types.request[0] == "application/json"
    assert terms.precedes("ValidationError", "NoRecipients")
    assert not terms.precedes("InsufficientCredits", "NoContent")


def test_request_field_limits_are_the_schemas() -> None:
    terms = SPEC.terms
    reference = terms.field("$.Options.Reference")
    assert reference.pointer.endswith("/MessageOptionsV2/properties/Reference")
    schema = SPEC.document["components"]["schemas"]["MessageOptionsV2"]["properties"]
    assert reference.max_length == schema["Reference"]["maxLength"]
    assert terms.field("$.Options.Repeat.Frequency").bounds() == (
        SPEC.document["components"]["schemas"]["RepeatOptions"]["properties"]["Frequency"][
            "minimum"
        ],
        SPEC.document["components"]["schemas"]["RepeatOptions"]["properties"]["Frequency"][
            "maximum"
        ],
    )
    assert terms.field("$.Contacts.QuickRecipients.*").enum == (0, 1, 2, 3)
    sender = terms.field("$.Options.Sender")
    # Read off the pattern, not restated: the longest all-letter and all-digit senders.
    assert sender.accepts_string("A" * sender.longest("A"))
    assert not sender.accepts_string("A" * (sender.longest("A") + 1))
    assert not sender.accepts_string("1" * (sender.longest("1") + 1))


def test_an_unknown_field_names_the_pointer() -> None:
    with pytest.raises(ContractError, match=r"MessageOptionsV2.*no field '\$\.Options\.Nope'"):
        SPEC.terms.field("$.Options.Nope")


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda d: d["x-contract"]["limits"].pop("maxBodyBytes"), BODY_LIMIT),
        (lambda d: d["x-contract"]["limits"].update(maxBodyBytes="1 MiB"), BODY_LIMIT),
        (lambda d: d["x-contract"]["checks"][3].pop("code"), "#/x-contract/checks/3/code"),
        (lambda d: d["x-contract"]["smsParts"].pop("gsm7"), "#/x-contract/smsParts/gsm7"),
        (lambda d: d["x-contract"].update(errorCodes={}), "#/x-contract/errorCodes"),
    ],
)  # fmt: skip
def test_a_malformed_x_contract_is_refused_with_its_pointer(change: Any, pointer: str) -> None:
    with pytest.raises(ContractError) as raised:
        Contract.from_spec(_edited(change))
    assert raised.value.pointer == pointer
    # lint reports it as a finding, not a crash
    findings = lint_document(_edited(change))
    assert any(f.pointer == pointer and f.rule == "contract-model" for f in findings)


def test_lint_refuses_a_repeated_fact_that_disagrees_naming_both_pointers() -> None:
    def change(document: dict[str, Any]) -> None:
        document["x-contract"]["limits"]["tokenLifetimeSeconds"] = 3600

    findings = [f for f in lint_document(_edited(change)) if f.rule == "contract-agreement"]
    assert len(findings) == 1
    assert findings[0].pointer == "#/x-contract/limits/tokenLifetimeSeconds"
    assert "#/components/schemas/TokenResponse/properties/expires_in/maximum" in findings[0].message
    assert findings[0].value == (3600, 28800)


def test_lint_refuses_a_check_status_that_disagrees_with_the_error_codes() -> None:
    def change(document: dict[str, Any]) -> None:
        balance = next(c for c in document["x-contract"]["checks"] if c["id"] == "balance")
        balance["status"] = 403

    findings = [f for f in lint_document(_edited(change)) if f.rule == "contract-agreement"]
    assert [f.pointer for f in findings] == ["#/x-contract/checks/20/status"]
    assert "#/x-contract/errorCodes" in findings[0].message


def test_the_project_spec_has_no_contract_findings() -> None:
    rules = {f.rule for f in lint_document(SPEC)}
    assert not rules & {"contract-model", "contract-agreement"}
