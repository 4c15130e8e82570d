"""What Schemathesis found, in the suite's vocabulary: its checks' failures as
`Violation`s with the exchange that shows them, and the requests it sent that got no
answer (`schema_run` runs the engine)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract_tests import ids
from contract_tests.core import Exchange, RecordedRequest, RecordedResponse, Violation

# The statuses the contract gives a bad request: what negative_data_rejection accepts.
BAD_REQUEST_STATUSES = ("400", "401", "404", "405", "413", "415")


@dataclass(slots=True)
class CheckTally:
    """How often one Schemathesis check ran, and what it found."""

    cases: int = 0
    violations: list[Violation] = field(default_factory=list)


def is_unreachable(error: BaseException) -> bool:
    """A refused connection or an unknown host: the server is not there (exit 2)."""
    import urllib3.exceptions

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError,
        ):
            return True
        reason = getattr(current, "reason", None)
        nested = reason if isinstance(reason, BaseException) else None
        if nested is None and current.args and isinstance(current.args[0], BaseException):
            nested = current.args[0]
        current = nested or current.__cause__ or current.__context__
    return False


def no_answer_violation(event: Any) -> Violation:
    """A request Schemathesis sent that got no HTTP answer (a reset, a timeout)."""
    sample = getattr(event.info, "_code_sample", None) or ""
    return Violation(
        check="response",
        rule=ids.NO_ANSWER.rule,
        message=f"{event.label}: no answer ({type(event.value).__name__})"
        + (f"; reproduce with: {sample}" if sample else ""),
        received=str(event.value)[:500],
        expected="an HTTP answer to every request",
    )


def exchange_from(response: Any) -> Exchange:
    """A Schemathesis response (and its prepared request) as the suite's `Exchange`."""
    request = response.request
    body = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers: list[tuple[str, str]] = []
    for key, values in response.headers.items():
        for value in values if isinstance(values, list) else [values]:
            headers.append((key, value))
    return Exchange(
        request=RecordedRequest(
            method=str(request.method),
            url=str(request.url),
            headers=tuple((str(k), str(v)) for k, v in request.headers.items()),
            body=body,
        ),
        response=RecordedResponse(
            status=response.status_code, headers=tuple(headers), body=response.content
        ),
    )


def tally_checks(recorder: Any, tallies: dict[str, CheckTally]) -> None:
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            tally = tallies.get(node.name)
            if tally is None:
                continue  # our own check: its violations are kept structured
            tally.cases += 1
            if node.failure_info is None:
                continue
            failure = node.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            tally.violations.append(check_violation(node.name, failure, interaction))


def check_violation(name: str, failure: Any, interaction: Any) -> Violation:
    message = str(getattr(failure, "message", "") or "")
    title = str(getattr(failure, "title", name))
    received, expected = _split_received(message)
    request = response = None
    if interaction is not None:
        sent = interaction.request
        request = RecordedRequest(
            method=str(sent.method),
            url=str(sent.uri),
            headers=tuple(_flat(sent.headers)),
            body=sent.body,
        )
        if interaction.response is not None:
            got = interaction.response
            response = RecordedResponse(
                status=got.status_code, headers=tuple(_flat(got.headers)), body=got.content
            )
    if not received and response is not None:
        received = f"{response.status} {response.body[:300].decode('utf-8', 'replace')}"
    return Violation(
        check=ids.SCHEMATHESIS,
        rule=name,
        message=title if not message else f"{title}: {message.splitlines()[0]}",
        received=received,
        expected=expected or _EXPECTED.get(name, "what the spec documents"),
        request=request,
        response=response,
    )


_EXPECTED = {
    "not_a_server_error": "no 5xx, whatever the request",
    "status_code_conformance": "a status the spec documents for the operation",
    "content_type_conformance": "a media type the spec documents for the status",
    "response_headers_conformance": "the headers the spec requires for the status",
    "response_schema_conformance": "a body that matches the spec's schema for the status",
    "negative_data_rejection": "a request that breaks the schema is refused with "
    + ", ".join(BAD_REQUEST_STATUSES),
    "positive_data_acceptance": "the spec's example request accepted with 200",
    "missing_required_header": "a request without a required header is refused",
    "unsupported_method": "405 with an Allow header for a method the path does not support",
}


def _split_received(message: str) -> tuple[str, str]:
    received = expected = ""
    for line in message.splitlines():
        stripped = line.strip()
        for prefix in ("Received:", "Actual:"):
            if stripped.startswith(prefix) and not received:
                received = stripped[len(prefix) :].strip()
        for prefix in ("Expected:", "Documented:", "Allowed:"):
            if stripped.startswith(prefix) and not expected:
                expected = stripped[len(prefix) :].strip()
    return received, expected


def _flat(headers: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for key, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            yield str(key), str(value)


# What the contract answers to a request that breaks the schema or the HTTP rules.
