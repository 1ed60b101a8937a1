"""Signing in, as both web apps do it: the form's double-submit cookie (the sign-in form has no
session yet, so it is protected against login CSRF by a nonce of its own), the local page to go
back to, and starting the session once the person is known."""

from __future__ import annotations

import secrets
from typing import Final

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.common.webapp.session import SessionCodec

SIGNIN_COOKIE: Final = "signin_csrf"
_SIGNIN_PATH: Final = "/signin"


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after signing in; anything else (another site) is dropped."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def new_signin_nonce() -> str:
    """A fresh nonce for the sign-in form (rendered into it, and kept by `keep_signin_nonce`)."""
    return secrets.token_urlsafe(32)


def keep_signin_nonce(page: Response, nonce: str, *, secure: bool) -> None:
    """Set `nonce` as the sign-in page's double-submit cookie (only /signin ever sees it)."""
    page.set_cookie(
        SIGNIN_COOKIE, nonce, httponly=True, samesite="strict", path=_SIGNIN_PATH, secure=secure
    )


def signin_nonce_matches(request: Request, sent: str) -> bool:
    """The form echoed the nonce of its own cookie (a forged form cannot read it)."""
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    return bool(expected) and secrets.compare_digest(expected, sent)


def start_session(
    request: Request, token: str, name: str, landing: str, target: str | None
) -> Response:
    """Set the session cookie and go to `target` (a local path) or the person's `landing`."""
    response = RedirectResponse(safe_next(target) or landing, status_code=303)
    codec: SessionCodec = request.app.state.session_codec
    codec.write(response, token, name)
    response.delete_cookie(SIGNIN_COOKIE, path=_SIGNIN_PATH)
    return response
