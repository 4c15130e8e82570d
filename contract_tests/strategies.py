"""Hypothesis strategies for requests that really are valid for an account, and for
requests that break exactly one rule.

"Valid" here is stricter than the schema: recipients come from the account's facts or are
well-formed quick recipients, texts sit at SMS part boundaries, templates get all their
placeholders, dates are consistent. A conforming server must answer every one with 200.
Nothing is drawn where CONTRACT.md leaves the answer open (e-mail keys differing only in
case, channel 3 on a group with a member lacking a channel, an expiry judged against the
server's clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from twosms_contract.fixtures import Account

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
_GSM_SIZES = st.sampled_from([1, 152, 153, 154, 159, 160, 161, 305, 306, 307, 459, 460])
_UCS2_SIZES = st.sampled_from([66, 67, 68, 69, 70, 71, 133, 134, 135])
_GSM_CHUNK = st.text(alphabet=_GSM_SAFE, min_size=1, max_size=24)
_EXTENSION_CHAR = st.sampled_from(_EXTENSION)
_ANY_TEXT = st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != "")


def _sized(chunk: str, size: int) -> str:
    """`chunk` repeated to exactly `size` characters (a long text costs Hypothesis one
    choice per character; the length is what the boundaries are about)."""
    return (chunk * (size // len(chunk) + 1))[:size]


@st.composite
def boundary_text(draw: st.DrawFn) -> str:
    """A text near a part boundary of CONTRACT.md: GSM-7, with extension characters, UCS-2,
    with emoji straddling a part."""
    kind = draw(_TEXT_KINDS)
    if kind == "gsm":
        return _sized(draw(_GSM_CHUNK), draw(_GSM_SIZES))
    if kind == "extension":
        base = draw(st.integers(min_value=140, max_value=165))
        text = list(_sized(draw(_GSM_CHUNK), base))
        for _ in range(draw(st.integers(min_value=1, max_value=6))):
            position = draw(st.integers(min_value=0, max_value=len(text)))
            text.insert(position, draw(_EXTENSION_CHAR))
        return "".join(text)
    if kind == "ucs2":
        return "ж" + _sized(draw(_GSM_CHUNK), draw(_UCS2_SIZES) - 1)
    if kind == "emoji":
        before = draw(st.integers(min_value=60, max_value=70))
        after = draw(st.integers(min_value=0, max_value=70))
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

    def __init__(self, account: Account) -> None:
        self.account = account
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


_PER_ACCOUNT: dict[int, _AccountStrategies] = {}


def _for(account: Account) -> _AccountStrategies:
    built = _PER_ACCOUNT.get(id(account))
    if built is None or built.account is not account:
        built = _PER_ACCOUNT[id(account)] = _AccountStrategies(account)
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


def recipients(account: Account) -> st.SearchStrategy[dict[str, Any]]:
    """A non-empty set of recipients that all resolve, for `account`."""
    return _for(account).recipients


def _sender() -> st.SearchStrategy[str]:
    # No leading or trailing space: whether a server trims them is left open.
    # [A-Za-z]([A-Za-z0-9 ]{0,9}[A-Za-z0-9])? or \+?[0-9]{1,15}
    inner = st.text(alphabet=_LETTERS + _DIGITS + " ", max_size=9)
    last = st.sampled_from(_LETTERS + _DIGITS)
    tail = st.one_of(st.just(""), st.builds(str.__add__, inner, last))
    alpha = st.builds(str.__add__, st.sampled_from(_LETTERS), tail)
    numeric = st.builds(str.__add__, st.sampled_from(["", "+"]), digits(_DIGITS, 0, 14))
    return st.one_of(alpha, numeric)


_SENDER = _sender()


def sender() -> st.SearchStrategy[str]:
    return _SENDER


_OPTIONAL = {
    "Sender": _SENDER,
    "Reference": st.text(alphabet=_TEXT_SAFE, min_size=1, max_size=64),
    "SrcPort": st.integers(0, 65535),
    "DstPort": st.integers(0, 65535),
    "Repeat": st.fixed_dictionaries(
        {}, optional={"Frequency": st.integers(1, 1440), "Repetitions": st.integers(0, 10)}
    ),
    "ResponseAlert": st.integers(0, 3),
    "Reads": st.integers(0, 1000),
    "ResponseLimit": st.integers(0, 1000),
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
_OPTIONAL_NAMES = st.lists(st.sampled_from(sorted(_OPTIONAL)), max_size=6, unique=True)
_WHEN = st.sampled_from(["none", "past", "future"])
_DIGIT_COUNTS = st.sampled_from([0, 3, 6, 7])
_DAYS = st.integers(min_value=1, max_value=60)
_RANGES = st.sampled_from([0, 1, 2])
_OCCURRENCES = st.integers(min_value=1, max_value=100)
_SCHEDULE_DAYS = st.integers(min_value=0, max_value=127)


@st.composite
def options(draw: st.DrawFn, kind: int) -> dict[str, Any]:
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
        recurring: dict[str, Any] = {"Range": draw(_RANGES)}
        if recurring["Range"] == 1:
            recurring["OccurrencesEnd"] = draw(_OCCURRENCES)
        expiry_needed = recurring["Range"] == 2
        if draw(_BOOLS):
            recurring["PatternScheduleDays"] = draw(_SCHEDULE_DAYS)
        if draw(_BOOLS):
            recurring["RecDateToSend"] = _iso(now + timedelta(days=1), digits)
        opts["RecurringOptions"] = recurring
    if expiry_needed or draw(_BOOLS):
        start = send_at if send_at is not None and send_at > now else now
        opts["ExpiryDate"] = _iso(start + timedelta(days=draw(_DAYS)), digits)
    for name in draw(_OPTIONAL_NAMES):
        opts[name] = draw(_OPTIONAL[name])
    return opts


_KINDS = st.sampled_from([0, 1, 1, 2])
_OPTIONS = {kind: options(kind) for kind in (0, 1, 2)}
_TEMPLATE_ODDS = st.integers(0, 3)
# Never empty: whether an empty value is "no value" (MissingPlaceholder) is left open.
_PLACEHOLDER_VALUES = st.text(alphabet=_TEXT_SAFE + "жé€", min_size=1, max_size=30)
_BOUNDARY_TEXT = boundary_text()


@st.composite
def _valid_request(draw: st.DrawFn, built: _AccountStrategies) -> dict[str, Any]:
    kind = draw(_KINDS)
    body: dict[str, Any] = {
        "Contacts": draw(built.recipients),
        "Options": draw(_OPTIONS[kind]),
        "Type": kind,
    }
    if built.templates and draw(_TEMPLATE_ODDS) == 0:
        guid, keys = draw(built.template)
        body["Template"] = {
            "ID": draw(st.sampled_from([guid, guid.upper()])),
            "PlaceHolders": {key: draw(_PLACEHOLDER_VALUES) for key in keys},
        }
        if draw(_BOOLS):
            body["Content"] = draw(_BOUNDARY_TEXT)
    else:
        body["Content"] = draw(_BOUNDARY_TEXT)
    return body


def valid_request(account: Account) -> st.SearchStrategy[dict[str, Any]]:
    """A request that a conforming server must accept for `account`."""
    return _for(account).valid_request
