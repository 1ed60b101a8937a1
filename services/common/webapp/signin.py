"""Signing in and out, as both web apps do it: the sign-in page, the form's double-submit cookie
(the sign-in form has no session yet, so it is protected against login CSRF by a nonce of its
own), the local page to go back to, starting the session once the person is known, and signing
out, and `/`, where a person lands. Who may sign in, and as whom, and each role's start page
are each app's own."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.common.webapp.pages import Render, refusal
from services.common.webapp.session import SessionCodec, session_of

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


def signin_page(
    request: Request,
    render: Render,
    people: Sequence[object],
    target: str | None,
    *,
    expired: bool,
    **extra: object,
) -> Response:
    """The sign-in page: the development list of `people` (when development sign-in is on), the
    city's provider (when one is configured), and the form's nonce kept in its cookie."""
    settings = request.app.state.settings
    nonce = new_signin_nonce()
    context = {
        "people": people,
        **extra,
        "next": safe_next(target) or "",
        "expired": expired,
        "signin_csrf": nonce,
        "dev": settings.dev_sign_in,
        "oidc": settings.oidc.issuer is not None,
        "signed_in": session_of(request),
    }
    page = render(request, "signin.html", context)
    keep_signin_nonce(page, nonce, secure=settings.secure_cookies)
    return page


def dev_signin_refused(request: Request, render: Render, sent_nonce: str) -> Response | None:
    """The refusal page of a development sign-in that may not go on: development sign-in is off
    (404), or the form is stale (403); None when it may."""
    if not request.app.state.settings.dev_sign_in:
        return refusal(render, request, 404, "not_found", "development sign-in is off")
    if not signin_nonce_matches(request, sent_nonce):
        return refusal(render, request, 403, "csrf_failed", "the sign-in form is stale")
    return None


async def signout(request: Request) -> Response:
    """Sign out: the session cookie cleared (and, signed in at the city's provider, out there
    too). Needs no CSRF check to be safe: at worst a forged request signs someone out."""
    if request.app.state.settings.oidc.issuer is not None:
        # Signed in at the city's provider: sign out there too (307 keeps the POST).
        return RedirectResponse("/signout/oidc", status_code=307)
    response = RedirectResponse(_SIGNIN_PATH, status_code=303)
    codec: SessionCodec = request.app.state.session_codec
    codec.clear(response)
    return response


def home_router(start_page: Callable[[Iterable[str]], str]) -> APIRouter:
    """`/`: where a person lands: the start page of their roles, or the sign-in page."""
    router = APIRouter(tags=["home"])

    @router.get("/", summary="The start page of the signed-in person")
    async def home(request: Request) -> RedirectResponse:
        session = session_of(request)
        target = start_page(session.principal.roles) if session else _SIGNIN_PATH
        return RedirectResponse(target, status_code=303)

    return router
