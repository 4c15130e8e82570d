"""`twosms-contract lint`: clean on our spec; each broken document fails at the right pointer."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from twosms_contract.lint import lint_document
from twosms_contract.spec import Spec, load_spec
from twosms_kit.cli import main

SPEC = load_spec()


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path


def test_our_spec_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_document(SPEC) == []
    assert main(["lint"]) == 0
    assert "clean" in capsys.readouterr().out


def _dangling_ref(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["MessageV2"]["properties"]["Options"]["$ref"] = "#/nowhere"


def _bad_example(d: dict[str, Any]) -> None:
    d["components"]["examples"]["PublicStandardRequest"]["value"]["Type"] = 7


def _no_description(d: dict[str, Any]) -> None:
    del d["components"]["schemas"]["Identification"]["properties"]["UserId"]["description"]


def _inline_object(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["MessageV2"]["properties"]["Extra"] = {
        "type": "object",
        "description": "anonymous",
        "properties": {"A": {"type": "string", "description": "a"}},
    }


def _undocumented_code(d: dict[str, Any]) -> None:
    d["x-contract"]["errorCodes"].append({"code": "Teapot", "status": 418})
    enum = d["components"]["schemas"]["ContractError"]["properties"]["ErrorCode"]["enum"]
    enum.append("Teapot")


def _not_openapi(d: dict[str, Any]) -> None:
    del d["info"]


def _bad_response_example(d: dict[str, Any]) -> None:
    detail = d["components"]["examples"]["PublicStandardResponse"]["value"]["ResponseData"]
    detail["Detail"]["NoOfSMS"] = 1


@pytest.mark.parametrize(
    ("mutate", "rule", "pointer"),
    [
        (_dangling_ref, "ref-resolves", "#/components/schemas/MessageV2/properties/Options/$ref"),
        (_bad_example, "example-valid", "#/components/examples/PublicStandardRequest/value/Type"),
        (
            _bad_response_example,
            "example-valid",
            "#/components/examples/PublicStandardResponse/value/ResponseData/Detail/NoOfSMS",
        ),
        (_no_description, "description", "#/components/schemas/Identification/properties/UserId"),
        (_inline_object, "no-inline-object", "#/components/schemas/MessageV2/properties/Extra"),
        (_undocumented_code, "error-code-documented", "#/x-contract/errorCodes/20"),
        (_not_openapi, "openapi", "#"),
    ],
)
def test_broken_document_fails_at_the_right_pointer(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[dict[str, Any]], None],
    rule: str,
    pointer: str,
) -> None:
    document = copy.deepcopy(SPEC.document)
    mutate(document)
    path = _write(tmp_path, document)
    findings = lint_document(load_spec(path))
    assert (rule, pointer) in {(f.rule, f.pointer) for f in findings}, findings
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert pointer in out and "hint:" in out and "value:" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("a: [\n", "invalid YAML"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("- 1\n", "not an OpenAPI mapping"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "spec.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "Traceback" not in err


def test_findings_show_the_value(tmp_path: Path) -> None:
    document = copy.deepcopy(SPEC.document)
    _bad_example(document)
    (finding,) = lint_document(load_spec(_write(tmp_path, document)))
    assert finding.value == 7
    assert "7" in finding.render()


def test_spec_load_keeps_sha256() -> None:
    assert isinstance(SPEC, Spec) and len(SPEC.sha256) == 64
