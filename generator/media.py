"""Which media type of a request body or a response the client uses, and what it is
(`json`, `form`, `multipart`, `text`, `bytes`, `empty`); the response keys it accepts."""

from __future__ import annotations

import re
from typing import Any

from generator.errors import UnsupportedConstruct
from twosms_contract.spec import pointer_escape

JSON_TYPES = re.compile(r"^(application|text)/([\w.+-]*\+)?json(;.*)?$")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# Request media types by preference: the first one an operation offers is the one used.
BODY_KINDS = (("json", None), ("form", FORM), ("multipart", MULTIPART))


def request_media(content: dict[str, Any], pointer: str) -> tuple[str, str, dict[str, Any]] | None:
    """The request body's (kind, media type, media object): JSON, then form, then multipart,
    else the first other type as raw `text` (text/*) or `bytes`."""
    for kind, wanted in BODY_KINDS:
        for media in sorted(content, key=lambda m: (m != "application/json", m)):
            if (wanted is None and JSON_TYPES.match(media)) or media == wanted:
                node = content[media] if isinstance(content[media], dict) else {}
                if kind != "json" and "encoding" in node:
                    raise UnsupportedConstruct(
                        f"{pointer}/{pointer_escape(media)}/encoding",
                        "`encoding` of body properties is not supported",
                        node["encoding"],
                    )
                return kind, media, node
    for media in sorted(content):
        if "*" in media:
            raise UnsupportedConstruct(
                f"{pointer}/{pointer_escape(media)}",
                "a request body needs a concrete media type",
                media,
            )
        node = content[media] if isinstance(content[media], dict) else {}
        return ("text" if media.startswith("text/") else "bytes"), media, node
    return None


def response_media(content: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """A response's (kind, media object): `json` first, else `text` for text/*, else raw
    `bytes`; `empty` without content."""
    for media in sorted(content, key=lambda m: (m != "application/json", m)):
        if JSON_TYPES.match(media):
            return "json", content[media]
    if not content:
        return "empty", None
    if any(media.startswith("text/") for media in content):
        return "text", None
    return "bytes", None


def response_key(status: Any, pointer: str) -> str:
    """A response's key as the client keeps it (`200`, `2XX`, `default`), or a refusal."""
    key = str(status)
    key = key.upper() if re.fullmatch(r"[1-5][xX]{2}", key) else key
    if key == "default" or re.fullmatch(r"[1-5]([0-9]{2}|XX)", key):
        return key
    raise UnsupportedConstruct(
        pointer, "a response key is a status, a range like 2XX, or default", key
    )
