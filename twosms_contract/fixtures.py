"""The account facts (the shape of docs/contract.md, "The demo account"), validated once
where they enter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from twosms_contract.errors import FixturesError, SpecLoadError
from twosms_contract.paths import default_fixtures
from twosms_contract.yamlio import load_mapping

_E164 = re.compile(r"^\+[0-9]{8,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
_CONTACT = re.compile(r"^[0-9]+$")


class _ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phone: str | None = None
    email: str | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _E164.match(value):
            raise ValueError(f"{value!r} is not an E.164 number (+ then 8 to 15 digits)")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class _FixturesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    balance: int = Field(ge=0)
    contacts: dict[str, _ContactIn] = Field(default_factory=dict)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    templates: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keys(self) -> _FixturesIn:
        for number in self.contacts:
            if not _CONTACT.match(number):
                raise ValueError(f"contacts: key {number!r} is not a contact number (digits)")
        for guid, members in self.groups.items():
            if not _GUID.match(guid):
                raise ValueError(f"groups: key {guid!r} is not a GUID")
            for member in members:
                if member not in self.contacts:
                    raise ValueError(f"groups[{guid!r}]: member {member!r} is not in contacts")
        for guid in self.templates:
            if not _GUID.match(guid):
                raise ValueError(f"templates: key {guid!r} is not a GUID")
        return self


@dataclass(frozen=True, slots=True)
class Contact:
    """An address-book contact: a phone number, an e-mail address, or both."""

    number: str
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Account:
    """The facts of one account. GUID keys are lower-cased (GUIDs compare case-insensitively)."""

    client_id: str
    client_secret: str
    user_id: str
    balance: int
    contacts: MappingProxyType[str, Contact]
    groups: MappingProxyType[str, tuple[str, ...]]
    templates: MappingProxyType[str, str]

    def group(self, guid: str) -> tuple[str, ...] | None:
        return self.groups.get(guid.lower())

    def template(self, guid: str) -> str | None:
        return self.templates.get(guid.lower())


def account_from_mapping(data: Any, *, source: str) -> Account:
    """Validate raw fixtures; errors name the field and the value."""
    try:
        parsed = _FixturesIn.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            f" (got {err.get('input')!r})"
            for err in exc.errors()
        )
        raise FixturesError(f"{source}: invalid fixtures: {problems}") from None
    contacts = {
        number: Contact(number=number, phone=c.phone, email=c.email)
        for number, c in parsed.contacts.items()
    }
    return Account(
        client_id=parsed.client_id,
        client_secret=parsed.client_secret,
        user_id=parsed.user_id,
        balance=parsed.balance,
        contacts=MappingProxyType(contacts),
        groups=MappingProxyType({g.lower(): tuple(m) for g, m in parsed.groups.items()}),
        templates=MappingProxyType({g.lower(): t for g, t in parsed.templates.items()}),
    )


def load_account(path: Path | str | None = None) -> Account:
    """Load a fixtures file (YAML or JSON); the demo account (`paths.default_fixtures`)
    when `path` is None."""
    file = Path(path) if path is not None else default_fixtures()
    try:
        data = load_mapping(file)
    except SpecLoadError as exc:
        raise FixturesError(str(exc)) from None
    return account_from_mapping(data, source=str(file))
