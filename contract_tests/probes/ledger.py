"""The credit ledger: a send the balance cannot cover is 402 and spends nothing; a series
of sends is continuous; message IDs never repeat."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contract_tests.core import Probe, Violation, violation
from contract_tests.probes.base import (
    base_request,
    expect_acceptance,
    expect_refusal,
    success_detail,
)
from contract_tests.session import NO_ANSWER, Session
from contract_tests.sms import parts

LEDGER = "ledger"
_BURST, _THREADS = 32, 8
# A text of many parts in few bytes: extension characters cost two septets for one byte.
_PART_TEXT = "{" * 76  # 152 septets: exactly one part of a multipart message
_PARTS = 1000  # parts of each message of a costly send (76 KB of text)
_MAX_RECIPIENTS = 20_000  # keeps a costly send well under 1 MiB


def costly_send(recipients: int, prefix: str = "+4477") -> dict[str, Any] | None:
    """An advanced message of `_PARTS` parts to `recipients` numbers: it costs
    `recipients * _PARTS` credits in a body well under 1 MiB; None when it would take more
    numbers than that allows."""
    if recipients > _MAX_RECIPIENTS:
        return None
    numbers = {f"{prefix}{index:09d}": 2 for index in range(recipients)}
    assert parts(_PART_TEXT * _PARTS) == _PARTS
    return base_request(Contacts={"QuickRecipients": numbers}, Content=_PART_TEXT * _PARTS, Type=0)


def overspending_send(balance: int) -> dict[str, Any] | None:
    """A send that costs more than `balance` (see `costly_send`)."""
    return costly_send(balance // _PARTS + 1)


def _insufficient(session: Session) -> Iterator[Violation]:
    exchange, found = session.send(base_request(Content="balance check"))
    yield from found
    detail = success_detail(exchange)
    if exchange.response.status != 200 or detail is None:
        yield from expect_acceptance(session, exchange, check=LEDGER, rule="InsufficientCredits")
        return
    balance = int(detail["PostTransaction"])
    body = overspending_send(balance)
    if body is None:
        return  # the account's balance is beyond what one request can spend
    refused, _ = session.send(body, observe=False)
    yield from expect_refusal(
        session,
        refused,
        check=LEDGER,
        rule="InsufficientCredits",
        status=402,
        code="InsufficientCredits",
    )
    # Nothing was spent: the next send starts from the same balance.
    after, found = session.send(base_request(Content="after a refused send"))
    yield from found
    detail = success_detail(after)
    if detail is not None and int(detail["PreTransaction"]) != balance:
        yield violation(
            after,
            LEDGER,
            "InsufficientCredits",
            "a refused send (402) changed the balance",
            detail["PreTransaction"],
            str(balance),
        )


def _series(session: Session) -> Iterator[Violation]:
    """Five sends in a row, multipart, several recipients: continuity and unique IDs are
    checked by the success invariants on each."""
    numbers = {"+447700900301": 2, "+447700900302": 2}
    for index in range(5):
        exchange, found = session.send(
            base_request(Contacts={"QuickRecipients": numbers}, Content=f"series {index} " * 30)
        )
        yield from found
        if exchange.response.status != 200:
            yield from expect_acceptance(session, exchange, check=LEDGER, rule="series")


def _concurrent(session: Session) -> Iterator[Violation]:
    """Sends from several threads at once: no message ID repeats, and the balance afterwards
    is the balance before less every 200's CreditsUsed (no lost or doubled debit)."""
    first, found = session.send(base_request(Content="before a burst"))
    yield from found
    detail = success_detail(first)
    if first.response.status != 200 or detail is None:
        return
    before = int(detail["PostTransaction"])
    numbers = {"+447700900401": 2, "+447700900402": 2}
    bodies = [
        base_request(
            Contacts={"QuickRecipients": numbers}, Content=f"burst {i} " * (i % 4 * 20 + 1)
        )
        for i in range(_BURST)
    ]
    session.series = False  # concurrent answers need not chain
    try:
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            results = list(pool.map(session.send, bodies))
    finally:
        session.series = True
        with session.seen.lock:
            # The burst's answers need not chain; the next send is judged below instead.
            session.seen.last_post_transaction = None
    spent = 0
    for exchange, violations in results:
        yield from violations
        burst_detail = success_detail(exchange)
        if exchange.response.status == 200 and burst_detail is not None:
            spent += int(burst_detail["CreditsUsed"])
    if any(exchange.response.status == NO_ANSWER for exchange, _ in results):
        return  # a send with no answer may or may not have been debited: no balance to judge
    after, found = session.send(base_request(Content="after a burst"))
    yield from found
    detail = success_detail(after)
    if detail is not None and int(detail["PreTransaction"]) != before - spent:
        yield violation(
            after,
            LEDGER,
            "concurrent-sends",
            f"after {_BURST} concurrent sends the balance is not the balance before less what "
            f"they used ({before} - {spent})",
            detail["PreTransaction"],
            str(before - spent),
        )


def ledger_probes() -> list[Probe]:
    return [
        Probe(
            "ledger-series",
            LEDGER,
            "series",
            "Five sends in series: each PreTransaction is the previous PostTransaction, "
            "and no message ID repeats.",
            _series,
        ),
        Probe(
            "ledger-insufficient-credits",
            LEDGER,
            "InsufficientCredits",
            "A send the balance cannot cover gets 402 InsufficientCredits and spends nothing.",
            _insufficient,
        ),
        Probe(
            "ledger-concurrent-sends",
            LEDGER,
            "concurrent-sends",
            f"{_BURST} sends from {_THREADS} threads at once: unique IDs, an exact balance.",
            _concurrent,
        ),
    ]


def _exact_balance(session: Session) -> Iterator[Violation]:
    """A send that costs exactly the balance is covered (200, PostTransaction 0); then a
    send of one credit is 402 and a free one (e-mail only) is still accepted.

    It spends every credit of the account, so the runner runs it last (`--keep-balance`
    leaves it out). First a send of `balance mod 1000` parts leaves a multiple of 1000,
    then one advanced message of 1000 parts to `balance / 1000` numbers spends it all.
    """
    exchange, found = session.send(base_request(Content="exact balance: the start"))
    yield from found
    detail = success_detail(exchange)
    if exchange.response.status != 200 or detail is None:
        return  # refused: other rules say why
    balance = int(detail["PostTransaction"])
    if balance // _PARTS > _MAX_RECIPIENTS:
        return  # more credits than one request can spend: not applicable
    rest = balance % _PARTS
    if rest:
        # A text of `rest` parts, to one number (CONTRACT.md: parts of 153 septets).
        exchange, found = session.send(base_request(Content=_PART_TEXT * rest, Type=0))
        yield from found
        if exchange.response.status != 200:
            yield from expect_acceptance(session, exchange, check=LEDGER, rule="exact-balance")
            return
        balance -= rest
    if balance:
        spend_all = costly_send(balance // _PARTS, prefix="+4478")
        assert spend_all is not None  # checked above
        exchange, found = session.send(spend_all)
        yield from found
        detail = success_detail(exchange)
        if exchange.response.status != 200 or detail is None:
            code = exchange.response.status
            yield violation(
                exchange,
                LEDGER,
                "exact-balance",
                f"a send costing exactly the balance ({balance} credits) was refused",
                f"{code} {exchange.response.body[:160]!r}",
                "200: a balance equal to CreditsUsed covers it",
            )
            return
    over, _ = session.send(base_request(Content="one credit more"), observe=False)
    yield from expect_refusal(
        session,
        over,
        check=LEDGER,
        rule="exact-balance",
        status=402,
        code="InsufficientCredits",
    )
    free, found = session.send(
        base_request(Contacts={"QuickRecipients": {"exact.balance@example.com": 1}})
    )
    yield from found
    if free.response.status != 200:
        yield from expect_acceptance(session, free, check=LEDGER, rule="exact-balance")


def exact_balance_probe() -> Probe:
    """The probe that spends the whole balance; not in `ledger_probes`: the runner runs it
    after everything else."""
    return Probe(
        "ledger-exact-balance",
        LEDGER,
        "exact-balance",
        "A send costing exactly the balance is accepted, leaving 0; then one credit more is "
        "402, and an e-mail (free) is still accepted. Spends every credit: it runs last.",
        _exact_balance,
    )
