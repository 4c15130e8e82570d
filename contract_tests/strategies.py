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


def e164() -> st.SearchStrategy[str]:
    """`+` then 8 to 15 digits, not starting with 0."""
    return st.from_regex(r"\A\+[1-9][0-9]{7,14}\Z", fullmatch=True)


def email() -> st.SearchStrategy[str]:
    local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
    domain = st.sampled_from(["example.com", "example.org", "mail.example.net"])
    return st.builds(lambda lo, do: f"{lo}@{do}", local, domain)


@st.composite
def boundary_text(draw: st.DrawFn) -> str:
    """A text near a part boundary of CONTRACT.md: GSM-7, with extension characters, UCS-2,
    with emoji straddling a part."""
    kind = draw(st.sampled_from(["gsm", "extension", "ucs2", "emoji", "any"]))
    if kind == "gsm":
        size = draw(st.sampled_from([1, 152, 153, 154, 159, 160, 161, 305, 306, 307, 459, 460]))
        return draw(st.text(alphabet=_GSM_SAFE, min_size=size, max_size=size))
    if kind == "extension":
        base = draw(st.integers(min_value=140, max_value=165))
        text = list(draw(st.text(alphabet=_GSM_SAFE, min_size=base, max_size=base)))
        for _ in range(draw(st.integers(min_value=1, max_value=6))):
            position = draw(st.integers(min_value=0, max_value=len(text)))
            text.insert(position, draw(st.sampled_from(_EXTENSION)))
        return "".join(text)
    if kind == "ucs2":
        size = draw(st.sampled_from([66, 67, 68, 69, 70, 71, 133, 134, 135]))
        body = draw(st.text(alphabet=_GSM_SAFE, min_size=size - 1, max_size=size - 1))
        return "ж" + body
    if kind == "emoji":
        before = draw(st.integers(min_value=60, max_value=70))
        after = draw(st.integers(min_value=0, max_value=70))
        return "ж" * before + EMOJI + "ж" * after
    # Any text at all, but not blank: whether a blank Content is "empty" is left open.
    return draw(st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != ""))


def _iso(moment: datetime, digits: int) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}0"[:digits]
    return text + "+00:00"


@st.composite
def recipients(draw: st.DrawFn, account: Account) -> dict[str, Any]:
    """A non-empty set of recipients that all resolve, for `account`."""
    quick: dict[str, int] = {}
    for number in draw(st.lists(e164(), max_size=3, unique=True)):
        quick[number] = draw(st.sampled_from([0, 2]))
    for address in draw(st.lists(email(), max_size=2, unique=True)):
        quick[address] = draw(st.sampled_from([0, 1]))
    by_id: dict[str, int] = {}
    for number in draw(
        st.lists(st.sampled_from(sorted(account.contacts)), max_size=3, unique=True)
        if account.contacts
        else st.just([])
    ):
        contact = account.contacts[number]
        if contact.email is None and contact.phone is None:
            continue
        allowed = [0]
        allowed += [1] if contact.email else []
        allowed += [2] if contact.phone else []
        allowed += [3] if contact.email and contact.phone else []
        by_id[number] = draw(st.sampled_from(allowed))
    groups: dict[str, int] = {}
    for guid in draw(
        st.lists(st.sampled_from(sorted(account.groups)), max_size=2, unique=True)
        if account.groups
        else st.just([])
    ):
        members = [account.contacts[m] for m in account.groups[guid]]
        allowed = [0] if members else []
        allowed += [1] if any(m.email for m in members) else []
        allowed += [2] if any(m.phone for m in members) else []
        allowed += [3] if members and all(m.email and m.phone for m in members) else []
        if allowed:
            key = draw(st.sampled_from([guid, guid.upper()]))
            groups[key] = draw(st.sampled_from(allowed))
    if not (quick or by_id or groups):
        quick[draw(e164())] = 2
    contacts: dict[str, Any] = {}
    # An empty map beside the others is valid too.
    for name, entries in (("QuickRecipients", quick), ("ContactID", by_id), ("GroupID", groups)):
        keep_empty = draw(st.booleans())
        if entries or keep_empty:
            contacts[name] = entries
    return contacts


def sender() -> st.SearchStrategy[str]:
    # No leading or trailing space: whether a server trims them is left open.
    alpha = st.from_regex(r"\A[A-Za-z]([A-Za-z0-9 ]{0,9}[A-Za-z0-9])?\Z", fullmatch=True)
    numeric = st.from_regex(r"\A\+?[0-9]{1,15}\Z", fullmatch=True)
    return st.one_of(alpha, numeric)


@st.composite
def options(draw: st.DrawFn, kind: int) -> dict[str, Any]:
    """Valid options; for `kind` 2, complete RecurringOptions."""
    now = datetime.now(UTC)
    opts: dict[str, Any] = {}
    send_at: datetime | None = None
    when = draw(st.sampled_from(["none", "past", "future"]))
    digits = draw(st.sampled_from([0, 3, 6, 7]))
    if when != "none":
        days = draw(st.integers(min_value=1, max_value=60))
        send_at = now + timedelta(days=days if when == "future" else -days)
        opts["DateToSend"] = _iso(send_at, digits)
    expiry_needed = False
    if kind == 2:
        recurring: dict[str, Any] = {"Range": draw(st.sampled_from([0, 1, 2]))}
        if recurring["Range"] == 1:
            recurring["OccurrencesEnd"] = draw(st.integers(min_value=1, max_value=100))
        expiry_needed = recurring["Range"] == 2
        if draw(st.booleans()):
            recurring["PatternScheduleDays"] = draw(st.integers(min_value=0, max_value=127))
        if draw(st.booleans()):
            recurring["RecDateToSend"] = _iso(now + timedelta(days=1), digits)
        opts["RecurringOptions"] = recurring
    if expiry_needed or draw(st.booleans()):
        start = send_at if send_at is not None and send_at > now else now
        opts["ExpiryDate"] = _iso(start + timedelta(days=draw(st.integers(1, 60))), digits)
    optional = {
        "Sender": sender(),
        "Reference": st.text(alphabet=_TEXT_SAFE, min_size=1, max_size=64),
        "SrcPort": st.integers(0, 65535),
        "DstPort": st.integers(0, 65535),
        "Repeat": st.fixed_dictionaries(
            {}, optional={"Frequency": st.integers(1, 1440), "Repetitions": st.integers(0, 10)}
        ),
        "ResponseAlert": st.integers(0, 3),
        "Reads": st.integers(0, 1000),
        "ResponseLimit": st.integers(0, 1000),
        "DeliveryReceipt": st.booleans(),
        "DeliverToValidatedOnly": st.booleans(),
        "EmailReadReceipt": st.booleans(),
        "SmsReadReceipt": st.booleans(),
        "SecureMessage": st.booleans(),
        "EmailOptions": st.fixed_dictionaries(
            {},
            optional={
                "FromAddress": email(),
                "FromName": st.text(alphabet=_TEXT_SAFE, max_size=20),
                "Subject": st.text(alphabet=_TEXT_SAFE, max_size=40),
                "ReplyTo": email(),
            },
        ),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), max_size=6, unique=True)):
        opts[name] = draw(optional[name])
    return opts


@st.composite
def valid_request(draw: st.DrawFn, account: Account) -> dict[str, Any]:
    """A request that a conforming server must accept for `account`."""
    kind = draw(st.sampled_from([0, 1, 1, 2]))
    body: dict[str, Any] = {
        "Contacts": draw(recipients(account)),
        "Options": draw(options(kind)),
        "Type": kind,
    }
    templates = sorted(account.templates)
    if templates and draw(st.integers(0, 3)) == 0:
        guid = draw(st.sampled_from(templates))
        keys = sorted(set(_PLACEHOLDER.findall(account.templates[guid])))
        values = st.text(alphabet=_TEXT_SAFE + "жé€", max_size=30)
        body["Template"] = {
            "ID": draw(st.sampled_from([guid, guid.upper()])),
            "PlaceHolders": {key: draw(values) for key in keys},
        }
        if draw(st.booleans()):
            body["Content"] = draw(boundary_text())
    else:
        body["Content"] = draw(boundary_text())
    return body
