"""The generator: golden files, determinism, `--check`, and functional tests on inline specs."""

from __future__ import annotations

import copy
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest

from generator import UnsupportedConstruct, expected_paths, generate
from generator.cli import run
from generator.header import read_header
from generator.load import from_document
from generator.naming import snake_case
from tests.repo import GENERATED_DIR
from tests.repo import ROOT as REPO_ROOT
from tests.repo import SPEC as DEFAULT_SPEC
from twosms_contract.errors import SpecLoadError
from twosms_kit.cli import main

FILES = generate(DEFAULT_SPEC)


def _spec(**schemas: Any) -> dict[str, Any]:
    """A small OpenAPI 3.1 document with one JSON operation."""
    base: dict[str, Any] = {
        "Item": {
            "type": "object",
            "required": ["Name"],
            "properties": {"Name": {"type": "string", "maxLength": 5}},
        }
    }
    base.update(schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Inline", "version": "1"},
        "servers": [{"url": "http://api.test"}],
        "paths": {
            "/items": {
                "post": {
                    "operationId": "createItem",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Item"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": base},
    }


def _generate(document: dict[str, Any]) -> dict[str, str]:
    return generate(from_document(document, label="inline.yaml"), package="inline_client")


# -- golden --------------------------------------------------------------------------------


def test_committed_package_is_what_generate_gives() -> None:
    on_disk = {
        path.relative_to(GENERATED_DIR).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((GENERATED_DIR / "twosms_client").iterdir())
        if path.is_file()
    }
    assert on_disk == FILES


def test_generate_is_deterministic_and_pure(tmp_path: Path) -> None:
    copy_of_spec = tmp_path / "spec" / "twosms-v2.yaml"
    copy_of_spec.parent.mkdir()
    shutil.copy(DEFAULT_SPEC, copy_of_spec)
    again = generate(DEFAULT_SPEC)
    assert again == FILES
    elsewhere = generate(copy_of_spec)
    # Another directory: only the spec's name in the headers may differ, never the code.
    for path, text in FILES.items():
        assert elsewhere[path].split("\n", 1)[1] == text.split("\n", 1)[1]
    assert list(tmp_path.rglob("*")) == [copy_of_spec.parent, copy_of_spec]


def test_every_file_has_the_header() -> None:
    assert sorted(FILES) == sorted(expected_paths())
    for text in FILES.values():
        parsed = read_header(text)
        assert parsed is not None
        header, _ = parsed
        assert header.label == "spec/twosms-v2.yaml"
        assert "DO NOT EDIT" in text.splitlines()[2]
        assert str(REPO_ROOT) not in text
        assert len(header.spec_sha256) == 64


@pytest.mark.slow
def test_generated_package_passes_mypy_strict_and_ruff() -> None:
    target = str(GENERATED_DIR / "twosms_client")
    bin_dir = Path(sys.executable).parent
    ruff = subprocess.run(
        [str(bin_dir / "ruff"), "check", "--isolated", "--line-length", "100", target],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout
    formatted = subprocess.run(
        [str(bin_dir / "ruff"), "format", "--isolated", "--line-length", "100", "--check", target],
        capture_output=True,
        text=True,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stdout
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", target],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert mypy.returncode == 0, mypy.stdout


# -- --check ---------------------------------------------------------------------------------


@pytest.fixture
def out(tmp_path: Path) -> Path:
    target = tmp_path / "generated"
    shutil.copytree(GENERATED_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_check_passes_on_a_fresh_copy(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--check", "--out", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("edit", ["hand-edit", "stale-header", "missing", "extra"])
def test_check_reports_drift_and_writes_nothing(
    out: Path, edit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    package = out / "twosms_client"
    if edit == "hand-edit":
        path = package / "models.py"
        path.write_text(path.read_text().replace("max_length=64", "max_length=65"))
    elif edit == "stale-header":
        path = package / "client.py"
        lines = path.read_text().splitlines(keepends=True)
        lines[1] = "# spec sha256 " + "0" * 64 + "\n"
        path.write_text("".join(lines))
    elif edit == "missing":
        (package / "errors.py").unlink()
    else:
        (package / "leftover.py").write_text("x = 1\n")
    before = _snapshot(out)
    assert main(["generate", "--check", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert _snapshot(out) == before
    assert captured.out.startswith("--- a/twosms_client/")
    assert "differs from what spec/twosms-v2.yaml gives" in captured.err
    if edit == "hand-edit":
        field = (
            '    reference: Annotated[StrictStr | MISSING, Field(alias="Reference", max_length={})]'
        )
        assert f"\n-{field.format(65)} = MISSING\n+{field.format(64)} = MISSING\n" in captured.out


def test_check_catches_a_hand_edit_that_keeps_the_header(out: Path) -> None:
    path = out / "twosms_client" / "_core.py"
    path.write_text(path.read_text().replace("max_retries: int = 2", "max_retries: int = 9"))
    assert run(DEFAULT_SPEC, out, check=True, package="twosms_client") == 1


def test_write_then_check_roundtrip(tmp_path: Path) -> None:
    assert run(DEFAULT_SPEC, tmp_path, check=False, package="twosms_client") == 0
    assert _snapshot(tmp_path) == {k: v.encode() for k, v in FILES.items()}
    (tmp_path / "twosms_client" / "stale.py").write_text("")
    assert run(DEFAULT_SPEC, tmp_path, check=True, package="twosms_client") == 1
    assert run(DEFAULT_SPEC, tmp_path, check=False, package="twosms_client") == 0
    assert run(DEFAULT_SPEC, tmp_path, check=True, package="twosms_client") == 0


# -- generic: inline specs ---------------------------------------------------------------------


def test_an_added_optional_field_appears_in_its_model() -> None:
    document = _spec()
    before = _generate(document)["inline_client/models.py"]
    document["components"]["schemas"]["Item"]["properties"]["Colour"] = {"type": "string"}
    after = _generate(document)["inline_client/models.py"]
    assert "colour" not in before
    assert 'colour: Annotated[StrictStr | MISSING, Field(alias="Colour")] = MISSING' in after


def test_operations_become_methods_and_removed_ones_disappear() -> None:
    document = _spec()
    document["paths"]["/items/{itemId}"] = {
        "get": {
            "operationId": "getItem",
            "parameters": [
                {"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                    },
                }
            },
        }
    }
    client = _generate(document)["inline_client/client.py"]
    assert "def get_item(\n        self,\n        item_id: int,\n    ) -> Item:" in client
    assert "def create_item(" in client
    del document["paths"]["/items"]
    client = _generate(document)["inline_client/client.py"]
    assert "def create_item(" not in client
    assert "def get_item(" in client


def test_openapi_30_nullable_and_form_bodies() -> None:
    document = _spec(
        Login={
            "type": "object",
            "properties": {
                "user": {"type": "string"},
                "note": {"type": "string", "nullable": True},
            },
        }
    )
    document["openapi"] = "3.0.3"
    document["paths"]["/login"] = {
        "post": {
            "operationId": "logIn",
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/Login"}
                    }
                }
            },
            "responses": {"204": {"description": "done"}},
        }
    }
    files = _generate(document)
    assert "note: Annotated[StrictStr | None | MISSING" in files["inline_client/models.py"]
    client = files["inline_client/client.py"]
    assert "data=form_fields(wire_json(body)) if body is not None else None" in client
    assert 'decode_response(response, {"204": None}, {})' in client


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        ({"type": "object", "not": {"required": ["a"]}}, "#/components/schemas/Bad/not"),
        (
            {"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}},
            "#/components/schemas/Bad/properties/a/format",
        ),
        (
            {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
            "#/components/schemas/Bad/patternProperties",
        ),
        (
            {"oneOf": [{"type": "object"}, {"type": "object", "required": ["a"]}]},
            "#/components/schemas/Bad/oneOf/1",
        ),
        (
            {"type": "object", "if": {"properties": {"a": {"minimum": 3}}}, "then": {}},
            "#/components/schemas/Bad/if/properties/a",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {"type": "object", "if": {"required": ["b"]}, "then": {"required": ["c"]}}
                },
            },
            "#/components/schemas/Bad/properties/a/if",
        ),
    ],
)
def test_an_unsupported_construct_names_its_pointer(schema: dict[str, Any], pointer: str) -> None:
    with pytest.raises(UnsupportedConstruct) as caught:
        _generate(_spec(Bad=schema))
    assert caught.value.pointer == pointer
    assert str(caught.value).startswith(f"{pointer}: unsupported: ")


def test_the_cli_reports_an_unsupported_construct_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text(json.dumps(_spec(Bad={"type": "array", "prefixItems": [{"type": "string"}]})))
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "#/components/schemas/Bad/prefixItems: unsupported" in err
    assert not (tmp_path / "out").exists()


def _import_models(files: dict[str, str], root: Path) -> Any:
    """Write an inline package to `root`, import it and return its models (then forget it)."""
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    sys.path.insert(0, str(root))
    try:
        importlib.import_module("inline_client")  # the clients, errors and models
        return importlib.import_module("inline_client.models")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == "inline_client"]:
            del sys.modules[name]


def test_all_of_is_an_intersection_and_if_then_a_validator(tmp_path: Path) -> None:
    document = _spec(
        Envelope={
            "type": "object",
            "required": ["Error"],
            "properties": {"Error": {"oneOf": [{"type": "null"}, {"type": "string"}]}},
        },
        Success={
            "allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {"Error": {"type": "null"}}},
            ]
        },
        Order={
            "type": "object",
            "properties": {"Kind": {"type": "integer"}, "Until": {"type": "string"}},
            "if": {"required": ["Kind"], "properties": {"Kind": {"const": 2}}},
            "then": {"required": ["Until"]},
        },
    )
    models = _import_models(_generate(document), tmp_path)
    assert models.Success.model_validate({"Error": None}).error is None
    assert models.Envelope.model_validate({"Error": "boom"}).error == "boom"
    with pytest.raises(pydantic.ValidationError):
        models.Success.model_validate({"Error": "boom"})
    assert models.Order.model_validate({"Kind": 1}).kind == 1
    assert models.Order.model_validate({"Kind": 2, "Until": "x"}).until == "x"
    with pytest.raises(pydantic.ValidationError, match=r"\$\.Until is required here"):
        models.Order.model_validate({"Kind": 2})


def test_the_header_names_the_inline_label_and_hash() -> None:
    document = _spec()
    files = _generate(document)
    twice = _generate(copy.deepcopy(document))
    assert files == twice
    header = read_header(files["inline_client/models.py"])
    assert header is not None
    assert header[0].label == "inline.yaml"


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("NoOfSMS", "no_of_sms"),
        ("StandardMessageIDs", "standard_message_ids"),
        ("IDs", "ids"),
        ("AdvancedMessageID", "advanced_message_id"),
        ("PlaceHolders", "place_holders"),
        ("grant_type", "grant_type"),
        ("class", "class_"),
        ("model_config", "model_config_"),
        ("2fa-code", "field_2fa_code"),
    ],
)
def test_python_names_of_wire_names(wire: str, python: str) -> None:
    assert snake_case(wire) == python


def test_a_document_that_is_not_openapi_3_is_refused() -> None:
    with pytest.raises(SpecLoadError, match=r"openapi: '2\.0' is not OpenAPI 3\.0 or 3\.1"):
        from_document({"swagger": "2.0", "openapi": "2.0"})


def test_generate_leaves_the_document_as_it_was() -> None:
    document = _spec()
    document["paths"]["/items"]["post"]["responses"]["201"] = {
        "description": "inline",
        "content": {"application/json": {"schema": {"type": "object", "properties": {}}}},
    }
    before = copy.deepcopy(document)
    _generate(document)
    assert document == before


def test_a_spec_without_schemas_gives_an_importable_client(tmp_path: Path) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Ping", "version": "1"},
        "paths": {
            "/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "ok"}}}}
        },
    }
    files = _generate(document)
    _import_models(files, tmp_path)
    assert "    def ping(\n        self,\n    ) -> None:" in files["inline_client/client.py"]
    assert 'decode_response(response, {"204": None}, {})' in files["inline_client/client.py"]
