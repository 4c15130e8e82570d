"""The credit ledger: a send the balance cannot cover is 402 and spends nothing; a series
of sends is continuous; message IDs never repeat."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from contract_tests import ids
from contract_tests.core import Violation, violation
from contract_tests.probe import Probe
from contract_tests.probes.base import (
    base_request,
    expect_acceptance,
    expect_refusal,
    success_detail,
)
from contract_tests.session import NO_ANSWER, Session
from contract_tests.sms import counter_for
from twosms_contract.spec import Spec, load_spec

LEDGER = ids.LEDGER
_BURST, _THREADS = 32, 8
_ENTRY_BYTES = 20  # `"+4477000000001": 2, ` in a body: one recipient of a costly send


@dataclass(frozen=True, slots=True)
class CostlySends:
    """Sends of many parts in few bytes, sized by the spec (its part sizes and body limit).

    An extension character costs two septets for one byte, so `part_text` (as many as one
    multipart part holds) is exactly one part; a message of `parts` of them, to many
    numbers, costs `parts` credits a number in a body of at most half the size limit."""

    part_text: str
    parts: int
    max_recipients: int

    @classmethod
    def of(cls, session: Session) -> CostlySends:
        terms = session.spec.terms
        sizes, limit = terms.parts, terms.limits.max_body_bytes
        escape = min(sizes.gsm7_extension) if sizes.gsm7_extension else None
        part_text = escape * (sizes.gsm7_multi // 2) if escape else "a" * sizes.gsm7_multi
        parts = max(1, min(1000, (limit // 4) // len(part_text)))
        assert counter_for(sizes).parts(part_text * parts) == parts
        return cls(part_text, parts, (limit // 4) // _ENTRY_BYTES)


def costly_send(session: Session, recipients: int, prefix: str = "+4477") -> dict[str, Any] | None:
    """An advanced message of `CostlySends.parts` parts to `recipients` numbers; None when it
    would take more numbers than the body limit allows."""
    sends = CostlySends.of(session)
    if recipients > sends.max_recipients:
        return None
    numbers = {f"{prefix}{index:09d}": 2 for index in range(recipients)}
    text = sends.part_text * sends.parts
    return base_request(Contacts={"QuickRecipients": numbers}, Content=text, Type=0)


def overspending_send(session: Session, balance: int) -> dict[str, Any] | None:
    """A send that costs more than `balance` (see `costly_send`)."""
    return costly_send(session, balance // CostlySends.of(session).parts + 1)


def _insufficient(session: Session) -> Iterator[Violation]:
    exchange, found = session.send(base_request(Content="balance check"))
    yield from found
    detail = success_detail(exchange)
    if exchange.response.status != 200 or detail is None:
        yield from expect_acceptance(
            session, exchange, check=LEDGER, rule=ids.LEDGER_INSUFFICIENT_CREDITS.rule
        )
        return
    balance = int(detail["PostTransaction"])
    body = overspending_send(session, balance)
    if body is None:
        return  # the account's balance is beyond what one request can spend
    refused, _ = session.send(body, observe=False)
    yield from expect_refusal(
        session,
        refused,
        check=LEDGER,
        rule=ids.LEDGER_INSUFFICIENT_CREDITS.rule,
        code="InsufficientCredits",
    )
    # Nothing was spent: the next send starts from the same balance.
    after, found = session.send(base_request(Content="after a refused send"))
    yield from found
    detail = success_detail(after)
    if detail is not None and int(detail["PreTransaction"]) != balance:
        yield violation(
            after,
            *ids.LEDGER_INSUFFICIENT_CREDITS,
            f"a refused send ({session.spec.terms.status('InsufficientCredits')}) changed the "
            "balance",
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
            yield from expect_acceptance(
                session, exchange, check=LEDGER, rule=ids.LEDGER_SERIES.rule
            )


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
        # The burst's answers need not chain; the next send is judged below instead.
        session.observer.forget_balance()
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
            *ids.LEDGER_CONCURRENT_SENDS,
            f"after {_BURST} concurrent sends the balance is not the balance before less what "
            f"they used ({before} - {spent})",
            detail["PreTransaction"],
            str(before - spent),
        )


def ledger_probes(spec: Spec) -> list[Probe]:
    insufficient = spec.terms.status("InsufficientCredits")
    return [
        Probe(
            id="ledger-series",
            check=ids.LEDGER_SERIES.check,
            rule=ids.LEDGER_SERIES.rule,
            description="Five sends in series: each PreTransaction is the previous "
            "PostTransaction, and no message ID repeats.",
            run=_series,
            whole_account=True,
        ),
        Probe(
            id="ledger-insufficient-credits",
            check=ids.LEDGER_INSUFFICIENT_CREDITS.check,
            rule=ids.LEDGER_INSUFFICIENT_CREDITS.rule,
            description=f"A send the balance cannot cover gets {insufficient} "
            "InsufficientCredits and spends nothing.",
            run=_insufficient,
            whole_account=True,
        ),
        Probe(
            id="ledger-concurrent-sends",
            check=ids.LEDGER_CONCURRENT_SENDS.check,
            rule=ids.LEDGER_CONCURRENT_SENDS.rule,
            description=f"{_BURST} sends from {_THREADS} threads at once: unique IDs, an exact "
            "balance.",
            run=_concurrent,
            whole_account=True,
        ),
        exact_balance_probe(spec),
    ]


def _exact_balance(session: Session) -> Iterator[Violation]:
    """A send that costs exactly the balance is covered (200, PostTransaction 0); then a
    send of one credit is 402 and a free one (e-mail only) is still accepted.

    It spends every credit of the account, so the runner runs it last (`--keep-balance`
    leaves it out). First a send of `balance mod P` parts leaves a multiple of P
    (`CostlySends.parts`), then one advanced message of P parts to `balance / P` numbers
    spends it all.
    """
    exchange, found = session.send(base_request(Content="exact balance: the start"))
    yield from found
    detail = success_detail(exchange)
    if exchange.response.status != 200 or detail is None:
        return  # refused: other rules say why
    balance = int(detail["PostTransaction"])
    sends = CostlySends.of(session)
    if balance // sends.parts > sends.max_recipients:
        return  # more credits than one request can spend: not applicable
    rest = balance % sends.parts
    if rest:
        # A text of `rest` parts, to one number.
        exchange, found = session.send(base_request(Content=sends.part_text * rest, Type=0))
        yield from found
        if exchange.response.status != 200:
            yield from expect_acceptance(
                session, exchange, check=LEDGER, rule=ids.LEDGER_EXACT_BALANCE.rule
            )
            return
        balance -= rest
    if balance:
        spend_all = costly_send(session, balance // sends.parts, prefix="+4478")
        assert spend_all is not None  # checked above
        exchange, found = session.send(spend_all)
        yield from found
        detail = success_detail(exchange)
        if exchange.response.status != 200 or detail is None:
            code = exchange.response.status
            yield violation(
                exchange,
                *ids.LEDGER_EXACT_BALANCE,
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
        rule=ids.LEDGER_EXACT_BALANCE.rule,
        code="InsufficientCredits",
    )
    free, found = session.send(
        base_request(Contacts={"QuickRecipients": {"exact.balance@example.com": 1}})
    )
    yield from found
    if free.response.status != 200:
        yield from expect_acceptance(
            session, free, check=LEDGER, rule=ids.LEDGER_EXACT_BALANCE.rule
        )


def exact_balance_probe(spec: Spec | None = None) -> Probe:
    """The probe that spends the whole balance (over `spec`, default the project's): marked
    `last`, so the runner runs it after every stage (`runner.ClosingProbes`)."""
    insufficient = (spec if spec is not None else load_spec()).terms.status("InsufficientCredits")
    return Probe(
        id="ledger-exact-balance",
        check=LEDGER,
        rule=ids.LEDGER_EXACT_BALANCE.rule,
        description="A send costing exactly the balance is accepted, leaving 0; then one credit "
        f"more is {insufficient}, and an e-mail (free) is still accepted. Spends every credit: "
        "it runs last.",
        run=_exact_balance,
        last=True,
    )
