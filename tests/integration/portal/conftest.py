"""The portal's sign-in tests' world: the same real OpenID Connect provider as the school web's
(oidc-provider, tests/integration/web/oidc) with two clients, the portal's and the school web's,
and both apps served by uvicorn on real loopback ports (one host, as in `make run`: cookies do
not tell ports apart, so the two apps' sign-ins must not mix). No diary runs: the tests look at
the redirects and the session, not at the pages behind them."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest_asyncio
from fastapi import FastAPI

from deploy.launcher.ports import free_port
from services.common.auth import Principal
from services.common.settings import AuthSettings
from services.portal.entrypoints.http import SESSION_COOKIE
from services.portal.entrypoints.http import create_app as create_portal
from services.portal.settings import ApiUrls, OidcSettings, Settings
from services.web.entrypoints.http import create_app as create_web
from tests.support.oidc import ProviderClient, oidc_provider, serving
from tests.support.oidc_steps import WEB_CLIENT, in_process, session_of, web_settings

PORTAL_CLIENT = "portal"
PORTAL_BASE = "http://portal.test"


@dataclass(frozen=True)
class Stack:
    """The provider, the portal and the school web, each on its own loopback port."""

    issuer: str
    portal_url: str
    web_url: str
    portal: FastAPI

    def session(self, http: httpx.AsyncClient) -> tuple[Principal, str]:
        """The signed-in portal user and the name in the portal's session cookie."""
        return session_of(self.portal, http, SESSION_COOKIE)


def portal_settings(issuer: str, client_secret: str, secret: str, **oidc: object) -> Settings:
    """The portal's settings: development tokens, the provider, a diary nobody answers at."""
    return Settings(
        auth=AuthSettings(mode="dev", dev_secret=secret),
        session_secret=secrets.token_hex(32),
        api=ApiUrls(diary=f"http://127.0.0.1:{free_port()}"),
        oidc=OidcSettings(
            issuer=issuer,
            client_id=PORTAL_CLIENT,
            client_secret=client_secret,
            scope="openid portal",
            **oidc,
        ),
        log_json=False,
    )


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stack() -> AsyncIterator[Stack]:
    portal_port, web_port, provider_port = free_port(), free_port(), free_port()
    portal_url, web_url = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{web_port}"
    portal_secret, web_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    clients = [
        ProviderClient(PORTAL_CLIENT, portal_secret, portal_url),
        ProviderClient(WEB_CLIENT, web_secret, web_url),
    ]
    dev_secret = secrets.token_hex(32)  # one secret, as the launcher gives every service
    with oidc_provider(provider_port, clients) as issuer:
        portal = create_portal(portal_settings(issuer, portal_secret, dev_secret))
        web = create_web(web_settings(issuer, web_secret, dev_secret))
        async with serving(portal, portal_port), serving(web, web_port):
            yield Stack(issuer, portal_url, web_url, portal)


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own: one cookie jar for both apps (one host), redirects followed by the
    tests step by step."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def portal_without_provider() -> AsyncIterator[httpx.AsyncClient]:
    """The portal configured with a provider nobody answers for."""
    issuer = f"http://127.0.0.1:{free_port()}"
    settings = portal_settings(issuer, secrets.token_urlsafe(16), secrets.token_hex(32))
    async with in_process(create_portal(settings), PORTAL_BASE) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def portal_without_oidc() -> AsyncIterator[httpx.AsyncClient]:
    """The portal without a provider (PORTAL_OIDC__ISSUER unset) nor the development sign-in."""
    settings = portal_settings("http://unused", "", secrets.token_hex(32))
    settings = settings.model_copy(update={"oidc": OidcSettings()})
    async with in_process(create_portal(settings), PORTAL_BASE) as client:
        yield client
