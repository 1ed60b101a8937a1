"""Signing in through the city's OpenID Connect provider (authorization code flow with PKCE): the
routes both web apps serve, made by `oidc_router` for one app.

`GET /signin/oidc` sends the browser to the provider, the sign-in under way kept in the app's
flow cookie (`oidc_flow`). `GET /signin/oidc/callback` checks the state, exchanges the code with
the verifier, has the ID token validated (Authlib, `oidc.OidcClient`), and hands its claims to
the app's `sign_in`, which says who the person is to this app (the school's staff or the
portal's UIDs: each app maps its own claims, in its own domain) or why they may not sign in;
then the session starts with the token it minted. `POST /signout/oidc` ends the session here and
at the provider. Every failure is a page, `oidc/refused.html` (`status`, `reason`, `detail`) or
`oidc/unavailable.html` (503 when the provider cannot be reached; both in the apps' common
templates, `services.common.webapp.pages.COMMON_TEMPLATES`), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import SecretStr

from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.backends import ApiUnavailable
from services.common.webapp.oidc import OidcClient, OidcRefused
from services.common.webapp.oidc_flow import (
    CALLBACK_PATH,
    FLOW_PATH,
    PROVIDER_DOWN,
    STALE,
    Answer,
    Flow,
    FlowCookie,
    check_answer,
    provider_error,
)
from services.common.webapp.oidc_settings import OidcConfig
from services.common.webapp.pages import Render, refusal
from services.common.webapp.session import SessionCodec
from services.common.webapp.signin import safe_next, start_session

_log = structlog.get_logger(__name__)
SIGNOUT_PATH: Final = "/signout/oidc"


class OidcAppSettings(Protocol):
    """What the routes read of an app's settings."""

    @property
    def oidc(self) -> OidcConfig: ...
    @property
    def session_secret(self) -> SecretStr: ...
    @property
    def secure_cookies(self) -> bool: ...


class Refusal(Protocol):
    """Why a person the provider vouched for may not sign in to this app."""

    @property
    def reason(self) -> str: ...
    @property
    def detail(self) -> str: ...


@dataclass(frozen=True, slots=True)
class OidcSignIn:
    """The session to start: the token the APIs verify, the name the pages show, the start page
    (where the person goes unless the sign-in began on another page)."""

    token: str
    name: str
    start: str


SignIn = Callable[[Request, Mapping[str, object]], OidcSignIn | Refusal]
"""An app's mapping of a validated ID token's claims to its session, or the refusal."""


@dataclass(frozen=True, slots=True)
class OidcPages:
    """What makes the routes one app's: its pages, its mapping of claims, its flow cookie."""

    render: Render
    sign_in: SignIn
    flow_cookie: str
    flow_salt: str


def oidc_router(pages: OidcPages) -> APIRouter:
    """The three routes of signing in and out through the provider, for one app."""
    router = APIRouter(tags=["sign-in"])

    @router.get(FLOW_PATH, summary="Sign in through the city's account (OpenID Connect)")
    async def oidc_start(request: Request, next: str | None = None) -> Response:
        client = _client(request)
        if client is None:
            return _off(pages, request)
        redirect_uri = _public_base(request) + CALLBACK_PATH
        try:
            start = await client.begin(redirect_uri)
        except ApiUnavailable as exc:
            return _provider_down(pages, request, exc)
        flow = Flow(
            start.state, start.nonce, start.code_verifier, redirect_uri, safe_next(next) or ""
        )
        response = RedirectResponse(start.url, status_code=303)
        _flow_cookie(pages, request).write(response, flow)
        return response

    @router.get(CALLBACK_PATH, summary="Where the city's provider sends the browser back")
    async def oidc_callback(
        request: Request, state: str = "", code: str = "", error: str = "", iss: str = ""
    ) -> Response:
        client = _client(request)
        if client is None:
            return _off(pages, request)
        cookie = _flow_cookie(pages, request)
        response = await _finish(
            pages, request, client, cookie.read(request), (state, code, error, iss)
        )
        cookie.clear(response)  # one sign-in, one callback
        return response

    @router.post(SIGNOUT_PATH, summary="Sign out here and at the city's provider")
    async def oidc_signout(request: Request) -> Response:
        # Like /signout it needs no CSRF check: at worst a forged request signs someone out.
        client = _client(request)
        target = None
        if client is not None:
            target = await client.end_session_url(_public_base(request) + "/signin")
        response = RedirectResponse(target or "/signin", status_code=303)
        codec: SessionCodec = request.app.state.session_codec
        codec.clear(response)
        return response

    return router


async def _finish(
    pages: OidcPages,
    request: Request,
    client: OidcClient,
    flow: Flow | None,
    query: tuple[str, str, str, str],
) -> Response:
    """The session, or the page that says why not."""
    answer = Answer(*query)
    not_taken = _not_taken(pages, request, flow, answer)
    if not_taken is not None or flow is None:
        return not_taken or _refuse(pages, request, 401, STALE)
    try:
        claims = await client.finish(
            answer.code,
            redirect_uri=flow.redirect_uri,
            code_verifier=flow.code_verifier,
            nonce=flow.nonce,
        )
    except ApiUnavailable as exc:
        return _provider_down(pages, request, exc)
    except OidcRefused as exc:
        return _refuse(pages, request, 401, exc)
    signed = pages.sign_in(request, claims)
    if not isinstance(signed, OidcSignIn):
        return _refuse(pages, request, 403, signed)
    return start_session(request, signed.token, signed.name, signed.start, flow.next)


def _not_taken(
    pages: OidcPages, request: Request, flow: Flow | None, answer: Answer
) -> Response | None:
    """The page for an authorization response that cannot be exchanged (the provider's error,
    another sign-in's state, another issuer, no code), or None."""
    if answer.error:
        if answer.error in PROVIDER_DOWN:
            return _provider_down(pages, request, ApiUnavailable("oidc", answer.error))
        return _refuse(pages, request, *provider_error(answer.error))
    refused = check_answer(flow, answer, _settings(request).oidc.issuer)
    return None if refused is None else _refuse(pages, request, 401, refused)


def _refuse(pages: OidcPages, request: Request, status: int, refused: Refusal) -> Response:
    """The sign-in refusal page: what happened in Russian, the machine reason beside it."""
    _log.info("oidc_sign_in_refused", reason=refused.reason, status=status)
    context = {"status": status, "reason": refused.reason, "detail": refused.detail}
    return pages.render(request, "oidc/refused.html", context, status=status)


def _provider_down(pages: OidcPages, request: Request, exc: ApiUnavailable) -> Response:
    _log.warning("oidc_provider_unavailable", detail=exc.detail)
    page = pages.render(request, "oidc/unavailable.html", status=503)
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


def _off(pages: OidcPages, request: Request) -> Response:
    detail = "Вход через городскую учётную запись не настроен."
    return refusal(pages.render, request, 404, "oidc_off", detail)


def _settings(request: Request) -> OidcAppSettings:
    settings: OidcAppSettings = request.app.state.settings
    return settings


def _client(request: Request) -> OidcClient | None:
    """The app's provider client (made on first use, kept for the process), None when off."""
    oidc = _settings(request).oidc
    if oidc.issuer is None:
        return None
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(oidc)
        request.app.state.oidc_client = client
    return client


def _public_base(request: Request) -> str:
    """The app's address as people open it: configured, or that of this request."""
    public = _settings(request).oidc.public_url
    return str(public or request.base_url).rstrip("/")


def _flow_cookie(pages: OidcPages, request: Request) -> FlowCookie:
    settings = _settings(request)
    return FlowCookie(
        name=pages.flow_cookie,
        salt=pages.flow_salt,
        secret=settings.session_secret.get_secret_value(),
        max_age=int(settings.oidc.signin_minutes * 60),
        secure=settings.secure_cookies,
    )
