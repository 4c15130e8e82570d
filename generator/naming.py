"""Python names for wire names: decided once, here, for the IR."""

from __future__ import annotations

import keyword
import re

# Attributes of pydantic's BaseModel that a field must not shadow.
_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "json",
        "model_config",
        "model_computed_fields",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "validate",
        "from_wire",
        "to_wire",
    }
)


def snake_case(name: str) -> str:
    """`NoOfSMS` -> `no_of_sms`, `StandardMessageIDs` -> `standard_message_ids`."""
    text = re.sub(r"([A-Z]{2,})s(?=[A-Z0-9_]|$)", lambda m: m.group(1) + "S", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        text = "field"
    if text[0].isdigit():
        text = f"field_{text}"
    if keyword.iskeyword(text) or keyword.issoftkeyword(text) or text in _RESERVED:
        text = f"{text}_"
    return text


def pascal_case(name: str) -> str:
    """`send_messages`, `sendMessages` -> `SendMessages`."""
    parts = re.split(r"[^0-9A-Za-z]+", name)
    text = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not text or text[0].isdigit():
        text = f"Model{text}"
    return text


def method_name(operation_id: str) -> str:
    """A client method name from an `operationId`: `sendMessages` -> `send_messages`."""
    return snake_case(operation_id)


# Attributes of the generated clients that an operation's method must not shadow.
CLIENT_ATTRIBUTES = frozenset({"close", "aclose", "self"})
# Names an operation's arguments must not take: the method's own, the body's, and the
# module-level names a method body calls.
ARGUMENT_RESERVED = frozenset(
    {
        "body",
        "cast",
        "decode_response",
        "encode_parameters",
        "form_fields",
        "multipart_fields",
        "self",
        "wire_json",
    }
)
# Names of `client.py` itself: a model of the same name cannot be imported there.
CLIENT_MODULE_NAMES = frozenset(
    {
        "Any",
        "AsyncClient",
        "Awaitable",
        "Callable",
        "Client",
        "DEFAULT_BASE_URL",
        "DEFAULT_TIMEOUT",
        "Literal",
        "Mapping",
        "MissingCredentialsError",
        "Param",
        "Part",
        "RetryPolicy",
        "Self",
        "TOKEN_PATH",
        "TokenCache",
        "TracebackType",
    }
)


def operation_method_name(operation_id: str | None, http_method: str, path: str) -> str:
    """A client method name: the `operationId` sanitised (`List pets!` -> `list_pets`), or
    one from the method and the path (`get /pets/{petId}` -> `get_pets_pet_id`)."""
    name = snake_case(operation_id) if operation_id else snake_case(f"{http_method} {path}")
    if name in CLIENT_ATTRIBUTES:
        name = f"{name}_"
    return name


def unique(names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """`names` made distinct in their order: a later duplicate gets `_2`, `_3`, ..."""
    taken: set[str] = set(reserved)
    out = []
    for name in names:
        candidate, counter = name, 2
        while candidate in taken:
            candidate, counter = f"{name.rstrip('_')}_{counter}", counter + 1
        taken.add(candidate)
        out.append(candidate)
    return out
