"""A copy of the project's spec with one operation added: `GET /api/v2/sms/messages/{MessageID}`.

The edit is one change, a new path item, and nothing else: the path parameter (a UUID,
pattern and format), an integer query parameter with a minimum, a 200 schema (with an
example, or without one), and the statuses the mock answers for it (400, 401, 404, 405),
under oauth2.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tests.repo import SPEC as DEFAULT_SPEC

NEW_PATH = "/api/v2/sms/messages/{MessageID}"
MESSAGE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
EXAMPLE = {
    "MessageID": MESSAGE_ID,
    "Status": "Delivered",
    "Parts": 2,
    "SentAt": "2024-05-01T09:30:00Z",
}
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["MessageID", "Status", "Parts", "SentAt"],
    "additionalProperties": False,
    "properties": {
        "MessageID": {"type": "string", "format": "uuid"},
        "Status": {"type": "string", "enum": ["Sent", "Scheduled", "Delivered"]},
        "Parts": {"type": "integer", "minimum": 1},
        "SentAt": {"type": "string", "format": "date-time"},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
            "text/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
        },
    }


def get_message_item(*, example: bool = True) -> dict[str, Any]:
    """The new path item."""
    media: dict[str, Any] = {"schema": copy.deepcopy(MESSAGE_SCHEMA)}
    if example:
        media["example"] = dict(EXAMPLE)
    method_not_allowed = _error("Another method than GET.")
    method_not_allowed["headers"] = {
        "Allow": {"required": True, "schema": {"type": "string", "pattern": "GET"}}
    }
    return {
        "get": {
            "operationId": "getMessage",
            "tags": ["SMS"],
            "summary": "One sent message.",
            "security": [{"oauth2": []}],
            "parameters": [
                {
                    "name": "MessageID",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN},
                    "example": MESSAGE_ID,
                },
                {
                    "name": "MinParts",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1},
                    "example": 1,
                },
            ],
            "responses": {
                "200": {
                    "description": "The message.",
                    "content": {"application/json": media},
                },
                "400": _error("A parameter breaks its schema (ValidationError)."),
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "405": method_not_allowed,
            },
        }
    }


def write_spec(directory: Path, *, example: bool = True, item: Any = None) -> Path:
    """The project's spec with the new path item (or `item`) added, written to `directory`."""
    document = yaml.safe_load(DEFAULT_SPEC.read_text(encoding="utf-8"))
    document["paths"][NEW_PATH] = item if item is not None else get_message_item(example=example)
    path = directory / "twosms-v2-evolved.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    return path
