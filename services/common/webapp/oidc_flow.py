"""A sign-in through the city's OpenID Connect provider while it is under way, for both web apps.

What the callback must check (state, nonce, the PKCE verifier, the redirect URI, where to go
afterwards) travels in a short-lived signed cookie, HttpOnly and SameSite=Lax so that it comes
back with the provider's redirect, never in a server-side store: any replica of an app can take
the callback. Each app names its own cookie and signs it with its own salt and session secret,
so the two apps' sign-ins (on one host, cookies do not tell ports apart) never mix.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from typing import Final

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

FLOW_PATH: Final = "/signin/oidc"
CALLBACK_PATH: Final = "/signin/oidc/callback"
_PROVIDER_ERROR: Final = re.compile(r"[a-z_]{1,40}")
PROVIDER_DOWN: Final = frozenset({"server_error", "temporarily_unavailable"})
"""Errors by which the provider says it cannot serve now: the outage page, not a refusal."""


@dataclass(frozen=True, slots=True)
class SignInRefused:
    """Why the person may not sign in: a machine `reason` and a Russian `detail`."""

    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class Flow:
    """A sign-in under way: what the callback checks, and where the person goes afterwards."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The provider's authorization response: a code and the state, or an error."""

    state: str
    code: str
    error: str
    iss: str


STALE: Final = SignInRefused(
    "oidc_flow_missing",
    "Вход устарел или был начат в другом окне или браузере. Начните вход заново.",
)


def check_answer(flow: Flow | None, answer: Answer, issuer: str | None) -> SignInRefused | None:
    """Why the authorization response cannot be taken, or None: it must belong to the sign-in
    this browser started (state), come from our provider (iss, RFC 9207) and carry a code."""
    if flow is None:
        return STALE
    if not answer.state or not secrets.compare_digest(answer.state.encode(), flow.state.encode()):
        return SignInRefused(
            "oidc_state_mismatch",
            "Ответ городской учётной записи не относится к начатому входу. Начните вход заново.",
        )
    if answer.iss and answer.iss != issuer:
        return SignInRefused("oidc_issuer_mismatch", "Ответ пришёл не от городской учётной записи.")
    if not answer.code:
        return SignInRefused("oidc_no_code", "Городская учётная запись не подтвердила вход.")
    return None


def provider_error(error: str) -> tuple[int, SignInRefused]:
    """The status and refusal for an error the provider answered instead of a code (the person
    cancelled, or it failed); the reason keeps the provider's error when it looks like one."""
    reason = f"oidc_{error}" if _PROVIDER_ERROR.fullmatch(error) else "oidc_error"
    if error == "access_denied":
        detail = "Вход отменён или не разрешён городской учётной записью."
        return 403, SignInRefused(reason, detail)
    return 401, SignInRefused(reason, "Городская учётная запись не выполнила вход.")


@dataclass(frozen=True, slots=True)
class FlowCookie:
    """An app's sign-in cookie: its name, the salt of its signature and the app's secret."""

    name: str
    salt: str
    secret: str
    max_age: int
    secure: bool

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=self.salt)

    def write(self, response: Response, flow: Flow) -> None:
        """Keep `flow` in the browser until the provider sends it back (or the time is up)."""
        response.set_cookie(
            self.name,
            self._serializer().dumps(asdict(flow)),
            max_age=self.max_age,
            path=FLOW_PATH,
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def read(self, request: Request) -> Flow | None:
        """The sign-in this browser started, or None (no cookie, a forged or an expired one)."""
        value = request.cookies.get(self.name)
        if not value:
            return None
        try:
            content = self._serializer().loads(value, max_age=self.max_age)
            return Flow(**content)
        except (BadSignature, TypeError):
            return None

    def clear(self, response: Response) -> None:
        """One sign-in, one callback."""
        response.delete_cookie(self.name, path=FLOW_PATH)
