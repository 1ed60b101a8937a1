"""The browser session of a web app: a signed, HttpOnly, SameSite cookie that carries the
person's API token.

The cookie holds the very token the APIs verify (minted at sign-in, living as long as the
session), the name the pages greet with and the session's CSRF token; it is signed with the
app's session secret, so it cannot be forged or edited, and it expires with the token. Every
unsafe request (POST) must echo the CSRF token, in the form field `csrf_token` or the header
`X-CSRF-Token`, and come from this site (`Origin`/`Sec-Fetch-Site`), or it is refused.

Each app names its own cookie and signs it for its own purpose (`SessionCodec(cookie=...,
purpose=...)`), so a school session never opens a portal page nor the other way round.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from services.common.auth import AuthError, Principal
from services.common.token_verifier import TokenVerifier

CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "X-CSRF-Token"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in person: their verified identity, token, display name and CSRF token."""

    principal: Principal
    token: str
    name: str
    csrf: str

    @property
    def user_id(self) -> str:
        """The token's subject (a staff id, or `uid<UID>` for a portal user)."""
        return self.principal.user_id

    @property
    def school(self) -> str:
        """The school the person works at (the token's)."""
        return self.principal.school


class SignInRequired(Exception):
    """No valid session: the page sends the browser to the sign-in page (`expired` says why)."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired
        super().__init__("sign in required")


class CsrfRefused(Exception):
    """An unsafe request without this session's CSRF token, or from another site."""


class SessionCodec:
    """Signs and reads the session cookie `cookie` (`itsdangerous`, salted for `purpose`)."""

    def __init__(
        self, secret: str, max_age_seconds: int, *, secure: bool, cookie: str, purpose: str
    ) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=purpose)
        self.cookie = cookie
        self.max_age_seconds = max_age_seconds
        self._secure = secure

    def value(self, token: str, name: str) -> str:
        """The signed content of a new session's cookie (a new CSRF token with every one)."""
        content = {"t": token, "n": name, "c": secrets.token_urlsafe(32)}
        return str(self._serializer.dumps(content))

    def write(self, response: Response, token: str, name: str) -> None:
        """Start a session: set the cookie."""
        response.set_cookie(
            self.cookie,
            self.value(token, name),
            max_age=self.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self._secure,
            path="/",
        )

    def clear(self, response: Response) -> None:
        """End the session."""
        response.delete_cookie(
            self.cookie, path="/", httponly=True, samesite="lax", secure=self._secure
        )

    def read(self, value: str) -> dict[str, Any] | None:
        """The cookie's content, or None when it is forged, edited or too old."""
        try:
            content = self._serializer.loads(value, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        return content if isinstance(content, dict) else None


def session_of(request: Request) -> Session | None:
    """The request's session, or None (no cookie, a bad one, or its token has expired)."""
    codec: SessionCodec = request.app.state.session_codec
    value = request.cookies.get(codec.cookie)
    if not value:
        return None
    content = codec.read(value)
    if content is None:
        return None
    token, name, csrf = content.get("t"), content.get("n"), content.get("c")
    if not (isinstance(token, str) and isinstance(name, str) and isinstance(csrf, str)):
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        principal = verifier.verify(token)
    except AuthError:
        return None
    return Session(principal, token, name, csrf)


async def signed_in(request: Request) -> Session:
    """FastAPI dependency: the signed-in person, checked for CSRF on unsafe requests; otherwise
    `SignInRequired` (the app redirects to the sign-in page)."""
    session = session_of(request)
    if session is None:
        codec: SessionCodec = request.app.state.session_codec
        raise SignInRequired(expired=codec.cookie in request.cookies)
    if request.method not in _SAFE_METHODS:
        await check_csrf(request, session.csrf)
    request.state.session = session
    return session


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse an unsafe request from another site or without the session's CSRF token."""
    if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        raise CsrfRefused
    origin = request.headers.get("origin")
    if origin is not None and origin != _own_origin(request):
        raise CsrfRefused
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if sent is None or not secrets.compare_digest(sent, expected):
        raise CsrfRefused


def _own_origin(request: Request) -> str:
    """The origin the browser addressed (behind a proxy, the Host it forwarded)."""
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    scheme = request.headers.get("x-forwarded-proto") or request.url.scheme
    return f"{scheme}://{host}"


SignedIn = Annotated[Session, Depends(signed_in)]
"""The signed-in person (every page but the sign-in pages depends on it)."""
