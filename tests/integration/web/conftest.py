"""The sign-in tests' world: a real OpenID Connect provider (oidc-provider, run by node from
./oidc, installed there by `npm ci --prefix tests/integration/web/oidc`) and the web served by
uvicorn on a real loopback port, since the provider redirects the browser to real URLs (both
from `tests.support.oidc`, which the portal's sign-in tests use too)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest_asyncio
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer

from deploy.launcher.ports import free_port
from services.common.auth import Principal
from services.web.entrypoints.http import SESSION_COOKIE as COOKIE
from services.web.entrypoints.http import create_app
from services.web.entrypoints.oidc_routes import FLOW_COOKIE, FLOW_PATH, FLOW_SALT
from tests.support.oidc import ProviderClient, oidc_provider, serving
from tests.support.oidc_steps import WEB_CLIENT, in_process, session_of, web_settings


@dataclass(frozen=True)
class Stack:
    """The provider and the web, each on its own loopback port."""

    issuer: str
    web_url: str
    app: FastAPI

    def session(self, http: httpx.AsyncClient) -> tuple[Principal, str]:
        """The signed-in person and the name in the browser's session cookie (the web's codec)."""
        return session_of(self.app, http, COOKIE)

    def alter_flow(self, http: httpx.AsyncClient, **changes: str) -> None:
        """Re-sign the browser's sign-in cookie with `changes` (as only the web could)."""
        secret = self.app.state.settings.session_secret.get_secret_value()
        serializer = URLSafeTimedSerializer(secret, salt=FLOW_SALT)
        flow = serializer.loads(http.cookies[FLOW_COOKIE]) | changes
        http.cookies.delete(FLOW_COOKIE)
        http.cookies.set(FLOW_COOKIE, serializer.dumps(flow), "127.0.0.1", FLOW_PATH)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stack() -> AsyncIterator[Stack]:
    web_port, provider_port = free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    client_secret = secrets.token_urlsafe(32)
    client = ProviderClient(WEB_CLIENT, client_secret, web_url)
    with oidc_provider(provider_port, [client]) as issuer:
        app = create_app(web_settings(issuer, client_secret, secrets.token_hex(32)))
        async with serving(app, web_port):
            yield Stack(issuer, web_url, app)


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own: a cookie jar, redirects followed by the tests step by step."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def web_without_provider() -> AsyncIterator[httpx.AsyncClient]:
    """The web (in-process) configured with a provider nobody answers for."""
    issuer = f"http://127.0.0.1:{free_port()}"
    app = create_app(web_settings(issuer, secrets.token_urlsafe(16), secrets.token_hex(32)))
    async with in_process(app, "http://web.test") as client:
        yield client
