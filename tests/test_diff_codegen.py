"""The join with the generated code: the public surface read with `ast`, its changes, and
which spec change each belongs to. Most tests use a small stand-in `generate`; one runs the
project's real generator."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from twosms_contract.spec import Spec, load_spec
from twosms_kit.diff import diff_surfaces, surface
from twosms_kit.diff.codegen import CodegenError
from twosms_kit.diff.report import Report, build_report, default_generate

SPEC: dict[str, Any] = load_spec().document


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def stand_in_generate(spec: Spec) -> Mapping[str, str]:
    """A tiny generator in the real one's shape: a model per object component, an enum per
    enum component, a client method per operation."""
    models = ["from typing import Annotated\n", "from pydantic import BaseModel, Field\n"]
    for name, schema in sorted(spec.document["components"]["schemas"].items()):
        if "enum" in schema:
            models.append(f"class {name}(int):")
            models += [f"    V{value} = {value!r}" for value in schema["enum"]]
        elif schema.get("type") == "object":
            models.append(f"class {name}(BaseModel):")
            required = set(schema.get("required", []))
            for prop, sub in sorted(schema.get("properties", {}).items()):
                kind = sub["$ref"].rsplit("/", 1)[1] if "$ref" in sub else sub.get("type", "Any")
                limit = f", max_length={sub['maxLength']}" if "maxLength" in sub else ""
                annotation = f"Annotated[{kind}, Field(alias={prop!r}{limit})]"
                default = "" if prop in required else " = None"
                models.append(f"    {_snake(prop)}: {annotation}{default}")
            models.append("    pass")
        models.append("")
    client = ["class Client:"]
    for item in spec.document["paths"].values():
        for operation in item.values():
            body = operation["requestBody"]["content"]
            ref = next(iter(body.values()))["schema"]["$ref"].rsplit("/", 1)[1]
            method = _snake(operation["operationId"])
            client.append(f"    def {method}(self, body: {ref}) -> object: ...")
    return {"pkg/models.py": "\n".join(models) + "\n", "pkg/client.py": "\n".join(client) + "\n"}


def _report(edit: Any) -> Report:
    new = copy.deepcopy(SPEC)
    edit(new)
    old_spec = Spec(Path("old.yaml"), SPEC, "a")
    new_spec = Spec(Path("new.yaml"), new, "b")
    return build_report(old_spec, new_spec, generate=stand_in_generate)


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]
    return result


def test_surface_reads_fields_enums_methods_and_aliases() -> None:
    files = {
        "m.py": (
            "from typing import Annotated\n"
            "class A(BaseModel):\n"
            "    x: Annotated[str, Field(alias='X')]\n"
            "    y: int = Field(..., alias='Y')\n"
            "    z: int = Field(default=1)\n"
            "    w: str | None = None\n"
            "    model_config = ConfigDict()\n"
            "    _private: int = 0\n"
            "class E(Enum):\n"
            "    ONE = 1\n"
            "class _Hidden:\n"
            "    q: int\n"
            "class C:\n"
            "    async def send(self, body: A, *, timeout: float = 1.0) -> E: ...\n"
            "    def _helper(self) -> None: ...\n"
            "def top(a: int) -> int: ...\n"
        ),
        "README.txt": "not python",
    }
    found = surface(files)
    members = {k[1:]: (m.text, m.required, m.alias) for k, m in found.members.items()}
    assert members == {
        ("A", "x"): ("x: Annotated[str, Field(alias='X')]", True, "X"),
        ("A", "y"): ("y: int = Field(..., alias='Y')", True, "Y"),
        ("A", "z"): ("z: int = Field(default=1)", False, None),
        ("A", "w"): ("w: str | None = None", False, None),
        ("E", "ONE"): ("ONE = 1", True, None),
        ("C", "send"): ("async send(self, body: A, *, timeout: float=1.0) -> E", True, None),
        ("<module>", "top"): ("top(a: int) -> int", True, None),
    }
    assert found.classes == {("m.py", "A"), ("m.py", "E"), ("m.py", "C")}


def test_generated_code_that_does_not_parse_names_file_and_line() -> None:
    with pytest.raises(CodegenError, match=r"bad\.py:2: generated code does not parse"):
        surface({"bad.py": "x = 1\ndef (:\n"})


def test_surface_changes_are_classified_breaking_or_not() -> None:
    old = surface({"m.py": "class A:\n    x: int\n    y: int\n    def f(self) -> None: ...\n"})
    new = surface(
        {
            "m.py": "class A:\n    x: str\n    z: int = 0\n    w: int\n"
            "    def g(self) -> None: ...\nclass B:\n    pass\n"
        }
    )
    found = {(c.kind, c.where, c.breaking) for c in diff_surfaces(old, new)}
    assert found == {
        ("class-added", "m.py:B", False),
        ("field-changed", "m.py:A.x", True),
        ("field-removed", "m.py:A.y", True),
        ("field-added", "m.py:A.z", False),
        ("field-added", "m.py:A.w", True),  # required: code building an A breaks
        ("method-removed", "m.py:A.f", True),
        ("method-added", "m.py:A.g", False),
    }


def test_required_field_becoming_optional_is_not_breaking() -> None:
    old = surface({"m.py": "class A:\n    x: int\n"})
    new = surface({"m.py": "class A:\n    x: int = 0\n"})
    [change] = diff_surfaces(old, new)
    assert (change.kind, change.breaking) == ("field-changed", False)


def test_join_attaches_the_field_a_property_change_touches() -> None:
    report = _report(
        lambda d: _schemas(d)["MessageOptionsV2"]["properties"]["Reference"].update(maxLength=32)
    )
    [entry] = report.entries
    assert entry.change.rule.id == "request-property-max-length-decreased"
    assert [c.render() for c in entry.code] == [
        "field-changed pkg/models.py:MessageOptionsV2.reference: "
        "reference: Annotated[string, Field(alias='Reference', max_length=64)] = None → "
        "reference: Annotated[string, Field(alias='Reference', max_length=32)] = None"
    ]
    assert report.other_code == ()
    assert (report.bump.spec, report.bump.client) == ("major", "major")


def test_join_attaches_enum_members_and_new_required_fields() -> None:
    def edit(doc: dict[str, Any]) -> None:
        _schemas(doc)["DeliveryChannel"]["enum"].append(4)
        _schemas(doc)["MessageV2"]["required"].append("Content")

    report = _report(edit)
    code = {e.change.rule.id: [c.where for c in e.code] for e in report.entries}
    assert code == {
        "request-property-became-required": ["pkg/models.py:MessageV2.content"],
        "request-property-enum-value-added": ["pkg/models.py:DeliveryChannel.V4"],
    }


def test_join_attaches_renamed_client_methods_to_the_operation_id_change() -> None:
    report = _report(lambda d: d["paths"]["/Token"]["post"].update(operationId="fetchToken"))
    [entry] = report.entries
    assert entry.change.rule.id == "api-operation-id-changed"
    assert sorted((c.kind, c.where) for c in entry.code) == [
        ("method-added", "pkg/client.py:Client.fetch_token"),
        ("method-removed", "pkg/client.py:Client.get_token"),
    ]
    assert report.bump.client == "major"


def test_additive_change_gives_a_minor_client_bump() -> None:
    report = _report(
        lambda d: _schemas(d)["TokenResponse"]["properties"].update(scope={"type": "string"})
    )
    [entry] = report.entries
    assert [(c.kind, c.breaking) for c in entry.code] == [("field-added", False)]
    assert (report.bump.spec, report.bump.client) == ("minor", "minor")


def test_a_failing_generator_leaves_the_report_and_says_why() -> None:
    def broken(spec: Spec) -> Mapping[str, str]:
        raise RuntimeError("boom")

    report = build_report(Spec(Path("a"), SPEC, "a"), Spec(Path("b"), SPEC, "b"), generate=broken)
    assert report.code_status == "generate() failed: RuntimeError: boom"
    assert report.entries == ()


@pytest.mark.slow
def test_join_with_the_projects_generator() -> None:
    generate, why = default_generate()
    if generate is None:
        pytest.fail(f"the project's generator is not usable: {why}")
    report = _report_with(generate)
    [entry] = [e for e in report.entries if e.change.rule.id.endswith("max-length-decreased")]
    fields = [c for c in entry.code if c.kind == "field-changed"]
    assert fields, report
    assert all(c.owner == "MessageOptionsV2" for c in fields)
    assert any("max_length=32" in (c.new or "") for c in fields)


def _report_with(generate: Any) -> Report:
    new = copy.deepcopy(SPEC)
    _schemas(new)["MessageOptionsV2"]["properties"]["Reference"]["maxLength"] = 32
    return build_report(
        Spec(Path("spec/old.yaml"), SPEC, "a"),
        Spec(Path("spec/new.yaml"), new, "b"),
        generate=generate,
    )


def test_generated_code_that_does_not_parse_is_reported_not_fatal() -> None:
    def garbage(spec: Spec) -> Mapping[str, str]:
        return {"pkg/models.py": "class (:\n"}

    report = build_report(Spec(Path("a"), SPEC, "a"), Spec(Path("b"), SPEC, "b"), generate=garbage)
    assert report.code_status is not None
    assert "pkg/models.py:1: generated code does not parse" in report.code_status
