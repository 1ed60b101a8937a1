"""The sign-in tests' world: a real OpenID Connect provider (oidc-provider, run by node from
./oidc, installed there by `npm ci --prefix tests/integration/web/oidc`) and the web served by
uvicorn on a real loopback port, since the provider redirects the browser to real URLs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer

from services.common.auth import Principal
from services.common.settings import AuthSettings
from services.common.testing.servers import free_port
from services.web.entrypoints.http import SESSION_COOKIE as COOKIE
from services.web.entrypoints.http import create_app
from services.web.entrypoints.oidc_routes import CALLBACK_PATH, FLOW_COOKIE, FLOW_PATH, FLOW_SALT
from services.web.settings import ApiUrls, OidcSettings, Settings

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "school-web"


@dataclass(frozen=True)
class Stack:
    """The provider and the web, each on its own loopback port."""

    issuer: str
    web_url: str
    app: FastAPI

    def session(self, http: httpx.AsyncClient) -> tuple[Principal, str]:
        """The signed-in person and the name in the browser's session cookie (the web's codec)."""
        content = self.app.state.session_codec.read(http.cookies[COOKIE])
        assert content is not None
        return self.app.state.token_verifier.verify(content["t"]), content["n"]

    def alter_flow(self, http: httpx.AsyncClient, **changes: str) -> None:
        """Re-sign the browser's sign-in cookie with `changes` (as only the web could)."""
        secret = self.app.state.settings.session_secret.get_secret_value()
        serializer = URLSafeTimedSerializer(secret, salt=FLOW_SALT)
        flow = serializer.loads(http.cookies[FLOW_COOKIE]) | changes
        http.cookies.delete(FLOW_COOKIE)
        http.cookies.set(FLOW_COOKIE, serializer.dumps(flow), "127.0.0.1", FLOW_PATH)


@contextlib.contextmanager
def oidc_provider(port: int, web_url: str, client_secret: str) -> Iterator[str]:
    """Run oidc-provider with one client for the web; yield its issuer once discovery answers."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(f"oidc-provider is not installed: run `npm ci --prefix {PROVIDER_DIR}`")
    config = {
        "port": port,
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "redirect_uri": web_url + CALLBACK_PATH,
        "post_logout_redirect_uri": web_url + "/signin",
    }
    issuer = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            ["node", "provider.mjs", json.dumps(config)],  # noqa: S607 - node from PATH
            cwd=PROVIDER_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_discovery(issuer, process, log)
            yield issuer
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(issuer + "/.well-known/openid-configuration").status_code == 200:
                return
        time.sleep(0.1)
    log.seek(0)
    pytest.fail(f"oidc-provider did not start: {log.read().decode()}")


def web_settings(issuer: str, client_secret: str, **oidc: object) -> Settings:
    """The web's settings: development tokens, the provider, APIs nobody answers at."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    return Settings(
        auth=AuthSettings(mode="dev", dev_secret=secrets.token_hex(32)),
        session_secret=secrets.token_hex(32),
        api=ApiUrls(journal=nowhere, enrollment=nowhere, exporter=nowhere, audit=nowhere),
        oidc=OidcSettings(
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=client_secret,
            scope="openid profile staff",
            **oidc,
        ),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[None]:
    """The app served by uvicorn on 127.0.0.1:`port` (the provider redirects to real URLs)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws="none", log_config=None, log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started or task.done():
                break
            await asyncio.sleep(0.05)
        assert server.started, "the web did not start"
        yield
    finally:
        server.should_exit = True
        await task


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stack() -> AsyncIterator[Stack]:
    web_port, provider_port = free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    client_secret = secrets.token_urlsafe(32)
    with oidc_provider(provider_port, web_url, client_secret) as issuer:
        app = create_app(web_settings(issuer, client_secret))
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
    app = create_app(web_settings(issuer, secrets.token_urlsafe(16)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as client:
            yield client
