"""`POST /Token`: the client-credentials grant of RFC 6749 (sections 4.4 and 5), with
its own error answers (`token_error`: `error` and `error_description`). The statuses of a
token and of an error are those the spec gives `TokenResponse` and `TokenError`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from functools import cached_property
from urllib.parse import parse_qsl, unquote_plus

from mockserver.http import Answer, BodyMismatch, BodyTooLarge, ClientGone, HttpRequest
from mockserver.http_checks import HttpChecks
from twosms_contract.contract import ContractError

TOKEN_OPERATION = "getToken"
_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


class TokenEndpoint(HttpChecks):
    """`token` answers `POST /Token`; `client_credentials` reads who asks."""

    async def token(self, request: HttpRequest, media_type: str) -> Answer | None:
        """The client-credentials grant (RFC 6749 sections 4.4 and 5)."""
        declared = self.declared_length(request)
        if declared is not None and declared > self.max_body:
            return self.token_error(
                "invalid_request", f"body: {declared} bytes, at most {self.max_body}"
            )
        try:
            body = await request.read_body(self.max_body, declared)
        except BodyTooLarge:
            return self.token_error("invalid_request", f"body: more than {self.max_body} bytes")
        except BodyMismatch as exc:
            return self.error_answer(self.fail("http", str(exc)), media_type)
        except ClientGone:
            return None
        parsed = self.content_type(request)
        if parsed is None or parsed[0] != "application/x-www-form-urlencoded":
            return self.token_error(
                "invalid_request",
                "Content-Type: the body must be application/x-www-form-urlencoded",
            )
        pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        names = [name for name, _ in pairs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            return self.token_error("invalid_request", f"parameter {repeated[0]} is repeated")
        form = dict(pairs)
        grant = form.get("grant_type")
        if not grant:
            return self.token_error("invalid_request", "grant_type is missing")
        if grant != "client_credentials":
            return self.token_error(
                "unsupported_grant_type", f"grant_type {grant!r} is not client_credentials"
            )
        credentials = self.client_credentials(request, form)
        if isinstance(credentials, str):
            return self.token_error(*credentials.split(":", 1))
        account = self.state.account
        if credentials != (account.client_id, account.client_secret):
            return self.token_error("invalid_client", "unknown client or wrong secret")
        token = self.state.tokens.issue(account.client_id)
        lifetime = int(self.state.tokens.lifetime.total_seconds())
        payload = {"access_token": token.value, "token_type": "bearer", "expires_in": lifetime}
        return Answer(self.token_statuses[0], payload, "application/json", _NO_STORE)

    @staticmethod
    def client_credentials(request: HttpRequest, form: Mapping[str, str]) -> tuple[str, str] | str:
        """(id, secret) from HTTP Basic or the form; "error:description" when unusable."""
        header = request.header("authorization")
        in_form = "client_id" in form or "client_secret" in form
        if header is not None and header.strip().lower().startswith("basic "):
            if in_form:
                return "invalid_request:credentials both in Authorization and in the body"
            try:
                decoded = base64.b64decode(header.strip()[6:].strip(), validate=True).decode(
                    "utf-8"
                )
            except (binascii.Error, UnicodeDecodeError):
                return "invalid_client:Authorization: Basic credentials are not base64 of id:secret"
            client_id, sep, secret = decoded.partition(":")
            if not sep:
                return "invalid_client:Authorization: Basic credentials have no ':'"
            return unquote_plus(client_id), unquote_plus(secret)
        if not in_form:
            return "invalid_client:no client credentials"
        return form.get("client_id", ""), form.get("client_secret", "")

    def token_error(self, error: str, description: str) -> Answer:
        payload = {"error": error, "error_description": description}
        return Answer(self.token_statuses[1], payload, "application/json", _NO_STORE)

    @cached_property
    def token_statuses(self) -> tuple[int, int]:
        """(a token's status, an error's): the first the spec answers the token endpoint
        with `TokenResponse` and with `TokenError` (`Behaviour` reads them when it is made,
        so that a spec without them fails then, not on a request)."""
        terms = self.state.spec.terms
        found = []
        for schema in ("TokenResponse", "TokenError"):
            statuses = terms.statuses_answering(TOKEN_OPERATION, schema)
            if not statuses:
                path = terms.operation(TOKEN_OPERATION)[0].replace("/", "~1")
                raise ContractError(f"#/paths/{path}/post/responses", f"no answer is a {schema}")
            found.append(statuses[0])
        return found[0], found[1]
