"""Hypothesis strategies for requests that really are valid for an account, and for
requests that break exactly one rule.

"Valid" here is stricter than the schema: recipients come from the account's facts or are
well-formed quick recipients, texts sit at SMS part boundaries, templates get all their
placeholders, dates are consistent. A conforming server must answer every one with 200.
Nothing is drawn where docs/contract.md leaves the answer open (e-mail keys differing only in
case, channel 3 on a group with a member lacking a channel, an expiry judged against the
server's clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from twosms_contract.contract import Field, PartSizes
from twosms_contract.fixtures import Account
from twosms_contract.spec import Spec

EMOJI = "\U0001f600"
_GSM_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?-@£$èéΔΩ"
_EXTENSION = "{}[]~|^\\€"
_UCS2 = "жщяЖЩЯ`çêñ"  # not all outside GSM-7 (ñ is in it): the mix matters, not each char
_TEXT_SAFE = "abcdefghijklmnopqrstuvwxyz0123456789 .,-"
_PLACEHOLDER = re.compile(r"\{([0-9]+)\}")


_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Strategies are built once, here or once per account, never inside a draw: building one
# costs Hypothesis more than drawing from it.


def digits(first: str, min_rest: int, max_rest: int) -> st.SearchStrategy[str]:
    """A digit of `first`, then `min_rest` to `max_rest` digits (built, not from a regex:
    Hypothesis draws these far faster)."""
    return st.builds(
        str.__add__,
        st.sampled_from(first),
        st.text(alphabet=_DIGITS, min_size=min_rest, max_size=max_rest),
    )


def e164() -> st.SearchStrategy[str]:
    """`+` then 8 to 15 digits, not starting with 0."""
    return _E164


def email() -> st.SearchStrategy[str]:
    return _EMAIL


def _join_email(local: str, domain: str) -> str:
    return f"{local}@{domain}"


_E164 = st.builds("+".__add__, digits("123456789", 7, 14))
_EMAIL = st.builds(
    _join_email,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12),
    st.sampled_from(["example.com", "example.org", "mail.example.net"]),
)
_BOOLS = st.booleans()
_TEXT_KINDS = st.sampled_from(["gsm", "extension", "ucs2", "emoji", "any"])
_GSM_CHUNK = st.text(alphabet=_GSM_SAFE, min_size=1, max_size=24)
_EXTENSION_CHAR = st.sampled_from(_EXTENSION)
_ANY_TEXT = st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != "")


def _sized(chunk: str, size: int) -> str:
    """`chunk` repeated to exactly `size` characters (a long text costs Hypothesis one
    choice per character; the length is what the boundaries are about)."""
    return (chunk * (size // len(chunk) + 1))[:size]


def _around(*sizes: int) -> list[int]:
    """Each size, one less and one more (at least 1)."""
    return sorted({max(1, n + d) for n in sizes for d in (-1, 0, 1)})


class _TextSizes:
    """The lengths near the spec's part boundaries (`x-contract.smsParts`)."""

    def __init__(self, sizes: PartSizes) -> None:
        g1, gm, u1, um = sizes.gsm7_single, sizes.gsm7_multi, sizes.ucs2_single, sizes.ucs2_multi
        self.gsm = st.sampled_from([1, *_around(gm, g1, 2 * gm, 3 * gm)])
        self.ucs2 = st.sampled_from(_around(um, u1, 2 * um))
        self.extension_base = st.integers(min_value=max(1, g1 - 20), max_value=g1 + 5)
        self.emoji_before = st.integers(min_value=max(0, um - 7), max_value=u1)
        self.emoji_after = st.integers(min_value=0, max_value=u1)


@st.composite
def boundary_text(draw: st.DrawFn, sizes: _TextSizes) -> str:
    """A text near a part boundary of docs/contract.md ("SMS parts"): GSM-7, with extension
    characters, UCS-2, with emoji straddling a part."""
    kind = draw(_TEXT_KINDS)
    if kind == "gsm":
        return _sized(draw(_GSM_CHUNK), draw(sizes.gsm))
    if kind == "extension":
        base = draw(sizes.extension_base)
        text = list(_sized(draw(_GSM_CHUNK), base))
        for _ in range(draw(st.integers(min_value=1, max_value=6))):
            position = draw(st.integers(min_value=0, max_value=len(text)))
            text.insert(position, draw(_EXTENSION_CHAR))
        return "".join(text)
    if kind == "ucs2":
        return "ж" + _sized(draw(_GSM_CHUNK), draw(sizes.ucs2) - 1)
    if kind == "emoji":
        before = draw(sizes.emoji_before)
        after = draw(sizes.emoji_after)
        return "ж" * before + EMOJI + "ж" * after
    # Any text at all, but not blank: whether a blank Content is "empty" is left open.
    return draw(_ANY_TEXT)


def _iso(moment: datetime, digits: int) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}0"[:digits]
    return text + "+00:00"


@dataclass(frozen=True, slots=True)
class _Target:
    """One contact or group that can be named, and the channels that reach it."""

    key: str
    channels: st.SearchStrategy[int]
    keys: st.SearchStrategy[str] | None = None  # another spelling of the key (group GUIDs)


class _AccountStrategies:
    """The strategies that depend on an account, built once per account."""

    def __init__(self, account: Account, spec: _SpecStrategies) -> None:
        self.account = account
        self.spec = spec
        contacts = []
        for number in sorted(account.contacts):
            contact = account.contacts[number]
            if contact.email is None and contact.phone is None:
                continue
            allowed = [0]
            allowed += [1] if contact.email else []
            allowed += [2] if contact.phone else []
            allowed += [3] if contact.email and contact.phone else []
            contacts.append(_Target(number, st.sampled_from(allowed)))
        groups = []
        for guid in sorted(account.groups):
            members = [account.contacts[m] for m in account.groups[guid]]
            allowed = [0] if members else []
            allowed += [1] if any(m.email for m in members) else []
            allowed += [2] if any(m.phone for m in members) else []
            allowed += [3] if members and all(m.email and m.phone for m in members) else []
            if allowed:
                spelling = st.sampled_from([guid, guid.upper()])
                groups.append(_Target(guid, st.sampled_from(allowed), spelling))
        none: st.SearchStrategy[list[_Target]] = st.just([])
        self.contacts = (
            st.lists(st.sampled_from(contacts), max_size=3, unique_by=lambda t: t.key)
            if contacts
            else none
        )
        self.groups = (
            st.lists(st.sampled_from(groups), max_size=2, unique_by=lambda t: t.key)
            if groups
            else none
        )
        self.templates = [
            (guid, sorted(set(_PLACEHOLDER.findall(account.templates[guid]))))
            for guid in sorted(account.templates)
        ]
        self.template = st.sampled_from(self.templates) if self.templates else st.nothing()
        self.recipients = _recipients(self)
        self.valid_request = _valid_request(self)


_PER_ACCOUNT: dict[tuple[int, int], _AccountStrategies] = {}


def _for(account: Account, spec: Spec) -> _AccountStrategies:
    key = (id(account), id(spec))
    built = _PER_ACCOUNT.get(key)
    if built is None or built.account is not account or built.spec.spec is not spec:
        built = _PER_ACCOUNT[key] = _AccountStrategies(account, _SpecStrategies(spec))
    return built


_QUICK_NUMBERS = st.lists(_E164, max_size=3, unique=True)
_QUICK_ADDRESSES = st.lists(_EMAIL, max_size=2, unique=True)
_PHONE_CHANNELS = st.sampled_from([0, 2])
_EMAIL_CHANNELS = st.sampled_from([0, 1])


@st.composite
def _recipients(draw: st.DrawFn, built: _AccountStrategies) -> dict[str, Any]:
    quick: dict[str, int] = {}
    for number in draw(_QUICK_NUMBERS):
        quick[number] = draw(_PHONE_CHANNELS)
    for address in draw(_QUICK_ADDRESSES):
        quick[address] = draw(_EMAIL_CHANNELS)
    by_id = {target.key: draw(target.channels) for target in draw(built.contacts)}
    groups: dict[str, int] = {}
    for target in draw(built.groups):
        assert target.keys is not None
        groups[draw(target.keys)] = draw(target.channels)
    if not (quick or by_id or groups):
        quick[draw(_E164)] = 2
    contacts: dict[str, Any] = {}
    # An empty map beside the others is valid too.
    for name, entries in (("QuickRecipients", quick), ("ContactID", by_id), ("GroupID", groups)):
        keep_empty = draw(_BOOLS)
        if entries or keep_empty:
            contacts[name] = entries
    return contacts


def recipients(account: Account, spec: Spec) -> st.SearchStrategy[dict[str, Any]]:
    """A non-empty set of recipients that all resolve, for `account`."""
    return _for(account, spec).recipients


def _sender(field: Field) -> st.SearchStrategy[str]:
    """Senders of the two kinds the Sender rule allows, as long as its schema lets them be
    (the longest all-letter and all-digit values it accepts). No leading or trailing space:
    whether a server trims them is left open."""
    letters, numbers = field.longest("A"), field.longest("1")
    inner = st.text(alphabet=_LETTERS + _DIGITS + " ", max_size=max(0, letters - 2))
    last = st.sampled_from(_LETTERS + _DIGITS)
    tail = st.one_of(st.just(""), st.builds(str.__add__, inner, last))
    alpha = st.builds(str.__add__, st.sampled_from(_LETTERS), tail)
    plus = "+" if field.accepts_string("+" + "1" * numbers) else ""
    numeric = st.builds(str.__add__, st.sampled_from(["", plus]), digits(_DIGITS, 0, numbers - 1))
    kinds = [k for k, n in ((alpha, letters), (numeric, numbers)) if n > 0]
    return st.one_of(*kinds).filter(field.accepts_string) if kinds else st.nothing()


def _integers(field: Field, *, high: int = 1000) -> st.SearchStrategy[int]:
    """An integer field's values: its enum, or its range (`high` where it has no maximum)."""
    if field.enum is not None:
        return st.sampled_from(sorted(field.enum))
    low = field.minimum if field.minimum is not None else 0
    top = field.maximum if field.maximum is not None else max(low, 0) + high
    return st.integers(low, top)


def _text(field: Field, alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    low = field.min_length or 0
    high = field.max_length if field.max_length is not None else max_size
    return st.text(alphabet=alphabet, min_size=max(low, 1 if low else 0), max_size=high)


class _SpecStrategies:
    """The strategies whose bounds come from the spec's request schema and part sizes,
    built once per loaded spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        terms = spec.terms
        field = terms.field
        self.sender = _sender(field("$.Options.Sender"))
        reference = field("$.Options.Reference")
        self.optional: dict[str, st.SearchStrategy[Any]] = {
            "Sender": self.sender,
            "Reference": _text(reference, _TEXT_SAFE, 64).filter(reference.accepts_string),
            "SrcPort": _integers(field("$.Options.SrcPort")),
            "DstPort": _integers(field("$.Options.DstPort")),
            "Repeat": st.fixed_dictionaries(
                {},
                optional={
                    "Frequency": _integers(field("$.Options.Repeat.Frequency")),
                    "Repetitions": _integers(field("$.Options.Repeat.Repetitions")),
                },
            ),
            "ResponseAlert": _integers(field("$.Options.ResponseAlert")),
            "Reads": _integers(field("$.Options.Reads")),
            "ResponseLimit": _integers(field("$.Options.ResponseLimit")),
            "DeliveryReceipt": _BOOLS,
            "DeliverToValidatedOnly": _BOOLS,
            "EmailReadReceipt": _BOOLS,
            "SmsReadReceipt": _BOOLS,
            "SecureMessage": _BOOLS,
            "EmailOptions": st.fixed_dictionaries(
                {},
                optional={
                    "FromAddress": _EMAIL,
                    "FromName": st.text(alphabet=_TEXT_SAFE, max_size=20),
                    "Subject": st.text(alphabet=_TEXT_SAFE, max_size=40),
                    "ReplyTo": _EMAIL,
                },
            ),
        }
        self.optional_names = st.lists(
            st.sampled_from(sorted(self.optional)), max_size=6, unique=True
        )
        self.ranges = _integers(field("$.Options.RecurringOptions.Range"))
        self.occurrences = _integers(field("$.Options.RecurringOptions.OccurrencesEnd"), high=99)
        self.schedule_days = _integers(field("$.Options.RecurringOptions.PatternScheduleDays"))
        self.options = {kind: options(kind, self) for kind in (0, 1, 2)}
        self.boundary_text = boundary_text(_TextSizes(terms.parts))


def sender(spec: Spec) -> st.SearchStrategy[str]:
    """A Sender the spec's Sender rule accepts."""
    return _SpecStrategies(spec).sender


_WHEN = st.sampled_from(["none", "past", "future"])
_DIGIT_COUNTS = st.sampled_from([0, 3, 6, 7])
_DAYS = st.integers(min_value=1, max_value=60)


@st.composite
def options(draw: st.DrawFn, kind: int, spec: _SpecStrategies) -> dict[str, Any]:
    """Valid options; for `kind` 2, complete RecurringOptions."""
    now = datetime.now(UTC)
    opts: dict[str, Any] = {}
    send_at: datetime | None = None
    when = draw(_WHEN)
    digits = draw(_DIGIT_COUNTS)
    if when != "none":
        days = draw(_DAYS)
        send_at = now + timedelta(days=days if when == "future" else -days)
        opts["DateToSend"] = _iso(send_at, digits)
    expiry_needed = False
    if kind == 2:
        recurring: dict[str, Any] = {"Range": draw(spec.ranges)}
        if recurring["Range"] == 1:
            recurring["OccurrencesEnd"] = draw(spec.occurrences)
        expiry_needed = recurring["Range"] == 2
        if draw(_BOOLS):
            recurring["PatternScheduleDays"] = draw(spec.schedule_days)
        if draw(_BOOLS):
            recurring["RecDateToSend"] = _iso(now + timedelta(days=1), digits)
        opts["RecurringOptions"] = recurring
    if expiry_needed or draw(_BOOLS):
        start = send_at if send_at is not None and send_at > now else now
        opts["ExpiryDate"] = _iso(start + timedelta(days=draw(_DAYS)), digits)
    for name in draw(spec.optional_names):
        opts[name] = draw(spec.optional[name])
    return opts


_KINDS = st.sampled_from([0, 1, 1, 2])
_TEMPLATE_ODDS = st.integers(0, 3)
# Never empty: whether an empty value is "no value" (MissingPlaceholder) is left open.
_PLACEHOLDER_VALUES = st.text(alphabet=_TEXT_SAFE + "жé€", min_size=1, max_size=30)


@st.composite
def _valid_request(draw: st.DrawFn, built: _AccountStrategies) -> dict[str, Any]:
    kind = draw(_KINDS)
    body: dict[str, Any] = {
        "Contacts": draw(built.recipients),
        "Options": draw(built.spec.options[kind]),
        "Type": kind,
    }
    if built.templates and draw(_TEMPLATE_ODDS) == 0:
        guid, keys = draw(built.template)
        body["Template"] = {
            "ID": draw(st.sampled_from([guid, guid.upper()])),
            "PlaceHolders": {key: draw(_PLACEHOLDER_VALUES) for key in keys},
        }
        if draw(_BOOLS):
            body["Content"] = draw(built.spec.boundary_text)
    else:
        body["Content"] = draw(built.spec.boundary_text)
    return body


def valid_request(account: Account, spec: Spec) -> st.SearchStrategy[dict[str, Any]]:
    """A request that a conforming server must accept for `account` under `spec`."""
    return _for(account, spec).valid_request
