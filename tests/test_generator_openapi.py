"""The generator on the OpenAPI that public specs use: parameters in every location with
OpenAPI 3.1 `style`/`explode`, several 2xx answers, `default` and 204, form and multipart
bodies, nullable fields, discriminated unions, operation names without or with odd
`operationId`s. Each feature is a small inline spec, generated into `tmp_path`, imported,
and called through `httpx.MockTransport`; the test asserts the exact request on the wire and
the typed answer."""

from __future__ import annotations

import asyncio
import copy
import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest

from generator import GeneratorError, UnsupportedConstruct, generate
from generator.load import from_document
from twosms_kit.cli import main

S = "#/components/schemas/"


def ref(name: str) -> dict[str, str]:
    return {"$ref": S + name}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def document(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Petstore", "version": "1"},
        "servers": [{"url": "http://api.test"}],
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def write_package(files: dict[str, str], root: Path) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


@pytest.fixture
def load(tmp_path: Path) -> Iterator[Callable[[dict[str, Any], str], ModuleType]]:
    """Generate a document as package `name` into tmp_path and import it."""
    names: list[str] = []

    def _load(doc: dict[str, Any], name: str) -> ModuleType:
        files = generate(from_document(doc, label="inline.yaml"), package=name)
        write_package(files, tmp_path)
        names.append(name)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    sys.path.insert(0, str(tmp_path))
    try:
        yield _load
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.split(".")[0] in names]:
            del sys.modules[module]


class Wire:
    """A MockTransport that records each request and answers with `answer`."""

    def __init__(self, status: int = 204, **answer: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(self.status, **self.answer)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def client(self, package: ModuleType) -> Any:
        return package.Client("http://api.test", transport=httpx.MockTransport(self))


# -- parameters: every style of the OpenAPI 3.1 tables ----------------------------------------

COLOURS = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}
ARRAY = {"type": "array", "items": {"type": "string"}}
OBJECT = {"type": "object", "additionalProperties": {"type": "integer"}}

# (location, style, explode, schema, value, what the wire shows)
STYLE_CASES: list[tuple[str, str | None, bool | None, dict[str, Any], Any, str]] = [
    ("query", None, None, {"type": "string"}, "blue", "color=blue"),
    ("query", None, None, ARRAY, COLOURS, "color=blue&color=black&color=brown"),
    ("query", "form", False, ARRAY, COLOURS, "color=blue,black,brown"),
    ("query", "form", True, OBJECT, RGB, "R=100&G=200&B=150"),
    ("query", "form", False, OBJECT, RGB, "color=R,100,G,200,B,150"),
    ("query", "form", True, ARRAY, [], "color="),
    ("query", "spaceDelimited", False, ARRAY, COLOURS, "color=blue%20black%20brown"),
    ("query", "spaceDelimited", False, OBJECT, RGB, "color=R%20100%20G%20200%20B%20150"),
    ("query", "pipeDelimited", False, ARRAY, COLOURS, "color=blue|black|brown"),
    ("query", "pipeDelimited", False, OBJECT, RGB, "color=R|100|G|200|B|150"),
    ("query", "deepObject", True, OBJECT, RGB, "color[R]=100&color[G]=200&color[B]=150"),
    ("query", None, None, {"type": "string"}, "a b&c=d/é", "color=a%20b%26c%3Dd%2F%C3%A9"),
    ("query", None, None, {"type": "boolean"}, True, "color=true"),
    ("query", None, None, {"type": "number"}, 1.5, "color=1.5"),
    ("path", None, None, {"type": "string"}, "a/b c", "/p/a%2Fb%20c"),
    ("path", None, None, ARRAY, COLOURS, "/p/blue,black,brown"),
    ("path", "simple", False, OBJECT, RGB, "/p/R,100,G,200,B,150"),
    ("path", "simple", True, OBJECT, RGB, "/p/R=100,G=200,B=150"),
    ("path", "label", False, {"type": "string"}, "blue", "/p/.blue"),
    ("path", "label", False, ARRAY, COLOURS, "/p/.blue,black,brown"),
    ("path", "label", True, ARRAY, COLOURS, "/p/.blue.black.brown"),
    ("path", "label", False, OBJECT, RGB, "/p/.R,100,G,200,B,150"),
    ("path", "label", True, OBJECT, RGB, "/p/.R=100.G=200.B=150"),
    ("path", "matrix", False, {"type": "string"}, "blue", "/p/;color=blue"),
    ("path", "matrix", False, ARRAY, COLOURS, "/p/;color=blue,black,brown"),
    ("path", "matrix", True, ARRAY, COLOURS, "/p/;color=blue;color=black;color=brown"),
    ("path", "matrix", False, OBJECT, RGB, "/p/;color=R,100,G,200,B,150"),
    ("path", "matrix", True, OBJECT, RGB, "/p/;R=100;G=200;B=150"),
    ("header", None, None, {"type": "integer"}, 7, "7"),
    ("header", None, None, ARRAY, COLOURS, "blue,black,brown"),
    ("header", "simple", False, OBJECT, RGB, "R,100,G,200,B,150"),
    ("header", "simple", True, OBJECT, RGB, "R=100,G=200,B=150"),
    ("cookie", None, None, {"type": "string"}, "a b", "color=a%20b"),
    ("cookie", "form", False, ARRAY, COLOURS, "color=blue,black,brown"),
    ("cookie", "form", True, ARRAY, COLOURS, "color=blue; color=black; color=brown"),
    ("cookie", "form", False, OBJECT, RGB, "color=R,100,G,200,B,150"),
]


def _style_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index, (location, style, explode, schema, _, _) in enumerate(STYLE_CASES):
        name = "X-Color" if location == "header" else "color"
        param: dict[str, Any] = {"name": name, "in": location, "schema": schema}
        if location == "path":
            param["required"] = True
        if style is not None:
            param["style"] = style
        if explode is not None:
            param["explode"] = explode
        path = f"/case{index}/p/{{color}}" if location == "path" else f"/case{index}"
        paths[path] = {
            "get": {
                "operationId": f"case{index}",
                "parameters": [param],
                "responses": {"204": {"description": "done"}},
            }
        }
    return document(paths)


def test_every_style_is_serialized_as_the_openapi_tables_say(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    package = load(_style_document(), "styles_client")
    wire = Wire()
    client = wire.client(package)
    for index, (location, style, explode, _, value, expected) in enumerate(STYLE_CASES):
        call = getattr(client, f"case{index}")
        if location == "path":
            assert call(value) is None
        else:
            assert call(**{"x_color" if location == "header" else "color": value}) is None
        request = wire.last
        case = (location, style, explode, value)
        if location == "query":
            assert request.url.raw_path.decode("ascii") == f"/case{index}?{expected}", case
        elif location == "path":
            assert request.url.raw_path.decode("ascii") == f"/case{index}{expected}", case
        elif location == "header":
            assert request.headers["X-Color"] == expected, case
        else:
            assert request.headers["Cookie"] == expected, case
        assert request.content == b""


def _pets_paths() -> dict[str, Any]:
    error = {"description": "an error", "content": json_content(ref("Error"))}
    return {
        "/pets": {
            "parameters": [
                {"name": "X-Request-ID", "in": "header", "schema": {"type": "string"}},
            ],
            "get": {
                "operationId": "list pets!",
                "summary": "List the pets.",
                "parameters": [
                    {
                        "name": "tags",
                        "in": "query",
                        "style": "form",
                        "explode": True,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "kind": {"type": "string", "enum": ["cat", "dog"]},
                                "minAge": {"type": "integer"},
                            },
                        },
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "Accept", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "the pets",
                        "content": json_content({"type": "array", "items": ref("Pet")}),
                    },
                    "204": {"description": "no pets"},
                    "default": error,
                },
            },
            "post": {
                "requestBody": {"required": True, "content": json_content(ref("NewPet"))},
                "responses": {
                    "201": {"description": "created", "content": json_content(ref("Pet"))},
                    "202": {"description": "queued", "content": json_content(ref("Queued"))},
                    "default": error,
                },
            },
        },
        "/pets/{petId}": {
            "get": {
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {"description": "a pet", "content": json_content(ref("Pet"))},
                    "404": error,
                },
            },
            "delete": {
                "operationId": "delete.pet",
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"2xx": {"description": "gone"}, "default": error},
            },
        },
        "/pets/{petId}/photo": {
            "put": {
                "operationId": "Upload Photo",
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": ref("Photo")}},
                },
                "responses": {"204": {"description": "stored"}},
            }
        },
        "/login": {
            "post": {
                "operationId": "logIn",
                "requestBody": {
                    "content": {"application/x-www-form-urlencoded": {"schema": ref("Login")}}
                },
                "responses": {
                    "200": {"description": "a greeting", "content": {"text/plain": {}}},
                    "default": error,
                },
            }
        },
    }


def _pets_schemas() -> dict[str, Any]:
    return {
        "Pet": {
            "oneOf": [ref("Cat"), ref("Dog")],
            "discriminator": {
                "propertyName": "petType",
                "mapping": {"cat": S + "Cat", "dog": "Dog"},
            },
        },
        "Base": {
            "type": "object",
            "required": ["petType", "name"],
            "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
        },
        "Cat": {
            "allOf": [
                ref("Base"),
                {"type": "object", "properties": {"lives": {"type": ["integer", "null"]}}},
            ]
        },
        "Dog": {
            "allOf": [
                ref("Base"),
                {"type": "object", "properties": {"bark": {"anyOf": [{"type": "string"}]}}},
            ]
        },
        "NewPet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "nickname": {"type": "string", "nullable": True},
                "tag": {"type": "string"},
                "owner": {"allOf": [ref("Owner")], "nullable": True, "description": "3.0 style"},
            },
        },
        "Owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "Household": {
            "type": "object",
            "properties": {
                "favourite": ref("Pet"),
                "pets": {"type": "array", "items": ref("Pet")},
            },
        },
        "Queued": {
            "type": "object",
            "required": ["position"],
            "properties": {"position": {"type": "integer"}},
        },
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        },
        "Photo": {
            "type": "object",
            "required": ["image"],
            "properties": {
                "caption": {"type": "string"},
                "image": {"type": "string", "format": "binary"},
                "labels": {"type": "array", "items": {"type": "string"}},
                "meta": {"type": "object", "properties": {"width": {"type": "integer"}}},
            },
        },
        "Login": {
            "type": "object",
            "required": ["user"],
            "properties": {
                "user": {"type": "string"},
                "scopes": {"type": "array", "items": {"type": "string"}},
                "remember": {"type": "boolean"},
            },
        },
    }


def pets_document() -> dict[str, Any]:
    return document(_pets_paths(), _pets_schemas())


@pytest.fixture
def pets(load: Callable[[dict[str, Any], str], ModuleType]) -> ModuleType:
    return load(pets_document(), "pets_client")


def test_query_header_and_cookie_parameters_on_the_wire(pets: ModuleType) -> None:
    wire = Wire(200, json=[{"petType": "cat", "name": "Tom", "lives": None}])
    client = wire.client(pets)
    found = client.list_pets(
        tags=["a b", "c"],
        limit=3,
        filter=pets.models.ListPetsFilterParameter(kind="dog", min_age=2),
        session="s1",
        x_request_id="r-1",
    )
    request = wire.last
    assert request.method == "GET"
    assert (
        request.url.raw_path == b"/pets?tags=a%20b&tags=c&limit=3&filter[kind]=dog&filter[minAge]=2"
    )
    assert request.headers["X-Request-ID"] == "r-1"
    assert request.headers["Cookie"] == "session=s1"
    assert request.headers["Accept"] == "application/json"
    assert [type(pet).__name__ for pet in found.root] == ["Cat"]
    assert found.root[0].lives is None


def test_optional_parameters_left_unset_are_not_sent(pets: ModuleType) -> None:
    wire = Wire(204)
    assert wire.client(pets).list_pets() is None
    request = wire.last
    assert request.url.raw_path == b"/pets"
    assert "X-Request-ID" not in request.headers
    assert "Cookie" not in request.headers


def test_a_header_parameter_named_accept_is_ignored(pets: ModuleType) -> None:
    with pytest.raises(TypeError):
        Wire(204).client(pets).list_pets(accept="text/html")


# -- responses ---------------------------------------------------------------------------------


def test_each_2xx_answer_gives_its_own_model(pets: ModuleType) -> None:
    created = Wire(201, json={"petType": "dog", "name": "Rex", "bark": "woof"})
    pet = created.client(pets).post_pets(pets.models.NewPet(name="Rex"))
    # `Pet` is a union: the answer is a root model named after the operation and status.
    assert isinstance(pet, pets.models.PostPetsResponse201)
    assert isinstance(pet.root, pets.models.Dog)
    assert pet.root.bark == "woof"
    queued = Wire(202, json={"position": 4})
    answer = queued.client(pets).post_pets(pets.models.NewPet(name="Rex"))
    assert isinstance(answer, pets.models.Queued)
    assert answer.position == 4


def test_a_204_gives_none_and_a_2xx_range_matches(pets: ModuleType) -> None:
    assert Wire(204).client(pets).list_pets() is None
    gone = Wire(202)
    assert gone.client(pets).delete_pet(7) is None
    assert gone.last.method == "DELETE"
    assert gone.last.url.raw_path == b"/pets/7"


def test_the_default_answer_is_parsed_into_the_error(pets: ModuleType) -> None:
    wire = Wire(418, json={"code": 418, "message": "teapot"})
    with pytest.raises(pets.ApiError) as caught:
        wire.client(pets).list_pets()
    assert caught.value.status == 418
    assert isinstance(caught.value.parsed, pets.models.Error)
    assert caught.value.parsed.message == "teapot"
    server = Wire(500, json={"code": 1, "message": "down"})
    with pytest.raises(pets.ServerError) as failed:
        server.client(pets).post_pets(pets.models.NewPet(name="x"))
    assert failed.value.parsed.code == 1


def test_a_documented_error_status_is_parsed_and_an_undocumented_one_is_not(
    pets: ModuleType,
) -> None:
    missing = Wire(404, json={"code": 404, "message": "no such pet"})
    with pytest.raises(pets.NotFoundError) as caught:
        missing.client(pets).get_pets_pet_id(9)
    assert caught.value.parsed.message == "no such pet"
    assert missing.last.url.raw_path == b"/pets/9"
    other = Wire(409, json={"code": 409, "message": "conflict"})
    with pytest.raises(pets.ApiError) as undocumented:
        other.client(pets).get_pets_pet_id(9)
    assert undocumented.value.parsed is None


def test_a_2xx_body_that_does_not_match_is_a_response_validation_error(pets: ModuleType) -> None:
    wire = Wire(200, json={"petType": "bird", "name": "Tweety"})
    with pytest.raises(pets.ResponseValidationError):
        wire.client(pets).get_pets_pet_id(1)


def test_a_text_answer_is_a_string(pets: ModuleType) -> None:
    wire = Wire(200, text="hello, ann")
    assert wire.client(pets).log_in(body=pets.models.Login(user="ann")) == "hello, ann"


# -- request bodies ----------------------------------------------------------------------------


def test_a_json_body_never_sends_null_for_an_absent_field(pets: ModuleType) -> None:
    wire = Wire(202, json={"position": 1})
    client = wire.client(pets)
    client.post_pets(pets.models.NewPet(name="Rex"))
    assert wire.last.headers["Content-Type"] == "application/json"
    assert json.loads(wire.last.content) == {"name": "Rex"}
    client.post_pets(pets.models.NewPet(name="Rex", nickname=None))
    assert json.loads(wire.last.content) == {"name": "Rex", "nickname": None}


def test_a_form_body_on_the_wire(pets: ModuleType) -> None:
    wire = Wire(200, text="hi")
    client = wire.client(pets)
    client.log_in(body=pets.models.Login(user="ann lee", scopes=["read", "write"], remember=True))
    assert wire.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert wire.last.content == b"user=ann+lee&scopes=read&scopes=write&remember=true"
    client.log_in()
    assert wire.last.content == b""
    assert "Content-Type" not in wire.last.headers


def test_a_multipart_body_on_the_wire(pets: ModuleType) -> None:
    wire = Wire(204)
    photo = pets.models.Photo(
        caption="at the beach", image=b"\x89PNG\x00", labels=["sun", "sea"], meta={"width": 640}
    )
    assert wire.client(pets).upload_photo(3, photo) is None
    request = wire.last
    assert request.method == "PUT"
    assert request.url.raw_path == b"/pets/3/photo"
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content
    )
    parts = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type() if part.get("Content-Type") else None,
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]
    assert parts == [
        ("caption", None, None, b"at the beach"),
        ("image", "image", "application/octet-stream", b"\x89PNG\x00"),
        ("labels", None, None, b"sun"),
        ("labels", None, None, b"sea"),
        ("meta", None, "application/json", b'{"width":640}'),
    ]


# -- schemas -----------------------------------------------------------------------------------


def test_nullable_and_type_null_and_discriminated_unions(pets: ModuleType) -> None:
    models = pets.models
    assert models.NewPet.from_wire({"name": "a", "nickname": None}).nickname is None
    assert models.Cat.from_wire({"petType": "cat", "name": "a", "lives": None}).lives is None
    with pytest.raises(pydantic.ValidationError, match="name"):
        models.NewPet.from_wire({"name": None})
    owned = models.NewPet.from_wire({"name": "a", "owner": {"id": 1}})
    assert isinstance(owned.owner, models.Owner)
    assert models.NewPet.from_wire({"name": "a", "owner": None}).owner is None
    assert not [name for name in vars(models) if name.startswith("NewPetOwner")]
    pet = models.GetPetsPetIdResponse200.model_validate({"petType": "dog", "name": "Rex"})
    assert isinstance(pet.root, models.Dog)
    cat = models.GetPetsPetIdResponse200.model_validate({"petType": "cat", "name": "Tom"})
    assert isinstance(cat.root, models.Cat)
    with pytest.raises(ValueError, match="petType"):
        models.GetPetsPetIdResponse200.model_validate({"petType": "cow", "name": "Daisy"})
    with pytest.raises(pydantic.ValidationError, match="petType"):
        models.Cat.from_wire({"petType": "dog", "name": "a"})
    home = models.Household.from_wire(
        {"favourite": {"petType": "cat", "name": "Tom"}, "pets": [{"petType": "dog", "name": "R"}]}
    )
    assert isinstance(home.favourite, models.Cat)
    assert isinstance(home.pets[0], models.Dog)
    assert home.to_wire() == {
        "favourite": {"petType": "cat", "name": "Tom"},
        "pets": [{"petType": "dog", "name": "R"}],
    }


# -- names -------------------------------------------------------------------------------------


def test_operation_names_are_sanitised_or_made_from_method_and_path(pets: ModuleType) -> None:
    methods = {name for name in vars(pets.Client) if not name.startswith("_")}
    assert methods == {
        "close",
        "delete_pet",
        "get_pets_pet_id",
        "list_pets",
        "log_in",
        "post_pets",
        "upload_photo",
    }


def test_colliding_names_are_numbered_in_path_order(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    done = {"204": {"description": "done"}}

    def op(operation_id: str | None, *params: dict[str, Any]) -> dict[str, Any]:
        node: dict[str, Any] = {"responses": done, "parameters": list(params)}
        if operation_id is not None:
            node["operationId"] = operation_id
        return node

    doc = document(
        {
            "/a": {"get": op("listPets"), "post": op("close")},
            "/b": {"get": op("list-pets")},
            "/c": {"get": op("list pets")},
            "/d/{self}": {
                "get": op(
                    None,
                    {"name": "self", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "self", "in": "query", "schema": {"type": "string"}},
                    {"name": "body", "in": "header", "schema": {"type": "string"}},
                    {"name": "cast", "in": "query", "schema": {"type": "string"}},
                )
            },
        }
    )
    package = load(doc, "names_client")
    wire = Wire()
    client = wire.client(package)
    for name, path in (
        ("list_pets", b"/a"),
        ("close_", b"/a"),
        ("list_pets_2", b"/b"),
        ("list_pets_3", b"/c"),
    ):
        getattr(client, name)()
        assert wire.last.url.raw_path == path
    client.get_d_self("x", self_2="y", body_="z", cast_="c")
    assert wire.last.url.raw_path == b"/d/x?self=y&cast=c"
    assert wire.last.headers["body"] == "z"
    again = generate(from_document(copy.deepcopy(doc), label="inline.yaml"), package="x")
    assert again == generate(from_document(doc, label="inline.yaml"), package="x")


# -- everything at once: determinism and mypy --strict ----------------------------------------


def test_the_all_features_package_is_deterministic_and_passes_mypy_strict(tmp_path: Path) -> None:
    doc = pets_document()
    doc["paths"].update(_style_document()["paths"])
    files = generate(from_document(doc, label="inline.yaml"), package="all_client")
    assert (
        generate(from_document(copy.deepcopy(doc), label="inline.yaml"), package="all_client")
        == files
    )
    write_package(files, tmp_path)
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from all_client import Client, models\n\n\n"
        "def run(client: Client) -> None:\n"
        "    pets = client.list_pets(tags=['a'], limit=1, session='s')\n"
        "    if pets is not None:\n"
        "        first: models.Cat | models.Dog = pets.root[0]\n"
        "        print(first.name)\n"
        "    created: models.PostPetsResponse201 | models.Queued = client.post_pets(\n"
        "        models.NewPet(name='x')\n"
        "    )\n"
        "    print(created)\n"
        "    text: str = client.log_in(body=models.Login(user='u'))\n"
        "    print(text)\n"
        "    client.upload_photo(1, models.Photo(image=b'x'))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "all_client", "usage.py"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": str(Path(sys.executable).parent), "MYPYPATH": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- what is still refused names its pointer and value ---------------------------------------


def _one_parameter(param: dict[str, Any], path: str = "/x") -> dict[str, Any]:
    return document(
        {
            path: {
                "get": {
                    "operationId": "x",
                    "parameters": [param],
                    "responses": {"204": {"description": "done"}},
                }
            }
        }
    )


@pytest.mark.parametrize(
    ("param", "pointer", "value"),
    [
        (
            {"name": "a", "in": "path", "required": True, "style": "form", "schema": {}},
            "#/paths/~1x~1{a}/get/parameters/0/style",
            "form",
        ),
        (
            {"name": "a", "in": "query", "style": "pipeDelimited", "schema": {"type": "string"}},
            "#/paths/~1x~1{a}/get/parameters/0",
            {"explode": False, "style": "pipeDelimited", "type": "scalar"},
        ),
        (
            {"name": "a", "in": "query", "style": "deepObject", "schema": ARRAY},
            "#/paths/~1x~1{a}/get/parameters/0/style",
            "deepObject",
        ),
        (
            {
                "name": "a",
                "in": "query",
                "schema": {"type": "array", "items": {"type": "object"}},
            },
            "#/paths/~1x~1{a}/get/parameters/0/schema/items",
            {"type": "object"},
        ),
        (
            {"name": "a", "in": "query", "content": {"application/json": {}}},
            "#/paths/~1x~1{a}/get/parameters/0/content",
            {"application/json": {}},
        ),
        (
            {"name": "a", "in": "body", "schema": {}},
            "#/paths/~1x~1{a}/get/parameters/0/in",
            "body",
        ),
    ],
)
def test_a_refused_parameter_names_its_pointer_and_value(
    param: dict[str, Any], pointer: str, value: Any
) -> None:
    doc = _one_parameter(param, "/x/{a}")
    if param["in"] != "path":
        doc["paths"]["/x/{a}"]["parameters"] = [
            {"name": "a", "in": "path", "required": True, "schema": {"type": "string"}}
        ]
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(doc), package="x")
    assert caught.value.pointer == pointer
    assert caught.value.value == value
    assert str(caught.value).startswith(f"{pointer}: unsupported: ")
    assert json.dumps(value, sort_keys=True) in str(caught.value)


@pytest.mark.parametrize(
    ("schemas", "pointer"),
    [
        (
            {"U": {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "k"}}},
            "#/components/schemas/U/oneOf/0",
        ),
        (
            {
                "A": {"type": "object", "properties": {"k": {"type": "string"}}},
                "B": {"type": "object"},
                "U": {
                    "oneOf": [ref("A")],
                    "discriminator": {"propertyName": "k", "mapping": {"b": S + "B"}},
                },
            },
            "#/components/schemas/U/discriminator/mapping/b",
        ),
        (
            {
                "A": {"type": "object", "properties": {"a-b": {"type": "string"}}},
                "U": {"oneOf": [ref("A")], "discriminator": {"propertyName": "a-b"}},
            },
            "#/components/schemas/A/properties/a-b",
        ),
    ],
)
def test_a_refused_discriminator_names_its_pointer(schemas: dict[str, Any], pointer: str) -> None:
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(document({}, schemas)), package="x")
    assert caught.value.pointer == pointer


def test_a_refused_body_names_its_pointer() -> None:
    encoding = {"image": {"contentType": "image/png"}}
    doc = document(
        {
            "/x": {
                "post": {
                    "operationId": "x",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {"type": "object"},
                                "encoding": encoding,
                            }
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        }
    )
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(doc), package="x")
    assert caught.value.pointer == (
        "#/paths/~1x/post/requestBody/content/multipart~1form-data/encoding"
    )
    assert caught.value.value == encoding


# -- --package ---------------------------------------------------------------------------------


def test_package_is_a_documented_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    out = capsys.readouterr().out
    assert "--package NAME" in out
    assert "default: twosms_client" in out


@pytest.mark.parametrize("name", ["my-client", "1client", "class", "two.parts", ""])
def test_an_invalid_package_name_is_refused_clearly(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["generate", "--package", name, "--out", str(tmp_path / "out")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --package: {name!r} is not a valid package name" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(GeneratorError, match="is not a valid package name"):
        generate(from_document(document({})), package=name)


def test_package_names_the_generated_package(tmp_path: Path) -> None:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(pets_document()), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "petstore"]) == 0
    assert (out / "petstore" / "client.py").is_file()
    assert "from petstore._core import" in (out / "petstore" / "client.py").read_text()
    assert (
        main(
            ["generate", "--spec", str(spec), "--out", str(out), "--package", "petstore", "--check"]
        )
        == 0
    )


def test_the_async_client_sends_the_same_request(pets: ModuleType) -> None:
    wire = Wire(200, json=[{"petType": "dog", "name": "Rex"}])

    async def run() -> Any:
        async with pets.AsyncClient(
            "http://api.test", transport=httpx.MockTransport(wire)
        ) as client:
            return await client.list_pets(tags=["x", "y"], session="s 1")

    found = asyncio.run(run())
    assert wire.last.url.raw_path == b"/pets?tags=x&tags=y"
    assert wire.last.headers["Cookie"] == "session=s%201"
    assert isinstance(found.root[0], pets.models.Dog)


def test_default_alone_is_the_success_and_the_error(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    doc = document(
        {
            "/status": {
                "get": {
                    "responses": {
                        "default": {"description": "any", "content": json_content(ref("Status"))}
                    }
                }
            }
        },
        {
            "Base": {
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "properties": {"kind": {"type": "string"}},
            },
            "Status": {
                "allOf": [
                    ref("Base"),
                    {
                        "type": "object",
                        "required": ["up"],
                        "properties": {"up": {"type": "boolean"}},
                    },
                ]
            },
        },
    )
    package = load(doc, "status_client")
    ok = Wire(200, json={"up": True, "kind": "x"})
    status = ok.client(package).get_status()
    assert isinstance(status, package.models.Status)
    assert status.up is True
    down = Wire(503, json={"up": False})
    with pytest.raises(package.ServiceUnavailableError) as caught:
        down.client(package).get_status()
    assert caught.value.parsed.up is False


def test_a_path_placeholder_without_a_parameter_is_refused() -> None:
    doc = document({"/pets/{petId}": {"get": {"responses": {"204": {"description": "done"}}}}})
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(doc), package="x")
    assert caught.value.pointer == "#/paths/~1pets~1{petId}/get/parameters"
    assert caught.value.value == "petId"


def test_a_schema_named_like_the_clients_own_names_is_refused() -> None:
    doc = document(
        {
            "/p": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": json_content(ref("Param"))}
                    }
                }
            }
        },
        {"Param": {"type": "object", "properties": {"a": {"type": "string"}}}},
    )
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(doc), package="x")
    assert caught.value.pointer == "#/components/schemas/Param"
    assert caught.value.value == "Param"


def test_raw_bodies_and_security_the_client_cannot_meet_itself(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    done = {"204": {"description": "done"}}
    doc = document(
        {
            "/upload": {
                "post": {
                    "security": [{"api_key": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    "responses": done,
                },
                "put": {
                    "requestBody": {"content": {"text/csv": {}}},
                    "responses": done,
                },
            },
            "/token-only": {"get": {"security": [{"cc": []}], "responses": done}},
            "/anything": {
                "patch": {
                    "requestBody": {"content": {"application/merge-patch+json": {}}},
                    "responses": done,
                }
            },
        }
    )
    doc["components"]["securitySchemes"] = {
        "api_key": {"type": "apiKey", "name": "api_key", "in": "header"},
        "cc": {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
        },
    }
    package = load(doc, "raw_client")
    wire = Wire()
    client = wire.client(package)
    client.post_upload(b"\x00\x01")
    assert wire.last.content == b"\x00\x01"
    assert wire.last.headers["Content-Type"] == "application/octet-stream"
    assert "Authorization" not in wire.last.headers
    client.put_upload(body="a,b\n1,2\n")
    assert wire.last.content == b"a,b\n1,2\n"
    assert wire.last.headers["Content-Type"] == "text/csv"
    client.put_upload()
    assert wire.last.content == b""
    assert "Content-Type" not in wire.last.headers
    client.patch_anything(body={"a": None})
    assert wire.last.content == b'{"a":null}'
    assert wire.last.headers["Content-Type"] == "application/merge-patch+json"
    with pytest.raises(package.MissingCredentialsError):
        client.get_token_only()


def test_a_map_schema_used_by_a_model_and_an_answer(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    ok = {"200": {"description": "ok", "content": json_content(ref("Inventory"))}}
    doc = document(
        {"/inventory": {"get": {"operationId": "getInventory", "responses": ok}}},
        {
            "Inventory": {"type": "object", "additionalProperties": {"type": "integer"}},
            "Store": {"type": "object", "properties": {"stock": ref("Inventory")}},
        },
    )
    package = load(doc, "map_client")
    answer = Wire(200, json={"sold": 3}).client(package).get_inventory()
    assert answer.root == {"sold": 3}
    assert package.models.Store.from_wire({"stock": {"a": 1}}).stock == {"a": 1}


FORMAT_SAMPLES = {
    "date": [
        "2030-01-31",
        "2030-02-30",
        "2030-1-31",
        "20300131",
        "2030-01-31T00:00:00Z",
        "٢٠٣٠-01-31",
    ],
    "email": ["a@b", "@", "ab", "a b@c"],
    "ipv4": ["127.0.0.1", "256.0.0.1", "1.2.3", "01.2.3.4", "::1"],
    "ipv6": ["::1", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "127.0.0.1"],
}


@pytest.mark.parametrize("fmt", sorted(FORMAT_SAMPLES))
def test_a_format_is_checked_as_the_specs_validator_checks_it(
    fmt: str, load: Callable[[dict[str, Any], str], ModuleType]
) -> None:
    """Property: for each sample, the model accepts it exactly when jsonschema's format
    checker (the spec's validator) does."""
    import jsonschema

    schema = {"type": "string", "format": fmt}
    doc = document(
        {},
        {
            "Holder": {
                "type": "object",
                "properties": {"value": schema, "many": {"type": "array", "items": schema}},
            }
        },
    )
    package = load(doc, f"format_{fmt.replace('-', '_')}_client")
    checker = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for sample in FORMAT_SAMPLES[fmt]:
        expected = checker.is_valid(sample)
        for payload in ({"value": sample}, {"many": ["", sample][1:]}):
            try:
                package.models.Holder.from_wire(payload)
            except pydantic.ValidationError:
                accepted = False
            else:
                accepted = True
            assert accepted is expected, (fmt, sample)
    assert {True, False} == {checker.is_valid(s) for s in FORMAT_SAMPLES[fmt]}


UNIQUE_SAMPLES: list[list[Any]] = [
    [1, 2],
    [1, 1.0],
    [1, True],
    [True, True],
    [{"a": 1}, {"a": 1.0}],
    [{"a": 1}, {"a": 2}],
    [[1, "x"], [1, "x"]],
    ["a", "A"],
    [],
]


def test_unique_items_on_a_property_is_checked_as_the_specs_validator_checks_it(
    load: Callable[[dict[str, Any], str], ModuleType],
) -> None:
    """Property: for each array, the model accepts it exactly when jsonschema does."""
    import jsonschema

    schema = {"type": "array", "uniqueItems": True}
    tags = {"type": "array", "uniqueItems": True, "items": {"type": "string"}}
    doc = document(
        {},
        {"Holder": {"type": "object", "properties": {"values": schema, "tags": tags}}},
    )
    package = load(doc, "unique_client")
    checker = jsonschema.Draft202012Validator(schema)
    for sample in UNIQUE_SAMPLES:
        try:
            package.models.Holder.from_wire({"values": sample})
        except pydantic.ValidationError:
            accepted = False
        else:
            accepted = True
        assert accepted is checker.is_valid(sample), sample
    assert package.models.Holder(tags=["b", "a"]).to_wire() == {"tags": ["b", "a"]}
    with pytest.raises(pydantic.ValidationError, match="uniqueItems"):
        package.models.Holder.from_wire({"tags": ["a", "a"]})


def test_unique_items_elsewhere_is_refused_with_its_pointer() -> None:
    doc = document({}, {"Tags": {"type": "array", "uniqueItems": True}})
    with pytest.raises(UnsupportedConstruct) as caught:
        generate(from_document(doc), package="x")
    assert caught.value.pointer == "#/components/schemas/Tags/uniqueItems"
