"""Helpers for the sign-in tests of both web apps against a real OpenID Connect provider:
oidc-provider (node, tests/integration/web/oidc/provider.mjs, installed there by
`npm ci --prefix tests/integration/web/oidc`) with one client per app, the app served by uvicorn
on a real loopback port (the provider redirects the browser to real URLs), and an HTTP client
that goes through the provider's login and consent pages as a browser would.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import uvicorn
from fastapi import FastAPI

from services.common.webapp.oidc_flow import CALLBACK_PATH

PROVIDER_DIR: Final = Path(__file__).resolve().parents[1] / "integration" / "web" / "oidc"
_STEPS: Final = 12


class ProviderNotRunning(RuntimeError):
    """oidc-provider is not installed, or did not start (its output in the message)."""


@dataclass(frozen=True, slots=True)
class ProviderClient:
    """One app's registration at the provider: it sends the browser back to `app_url`."""

    client_id: str
    client_secret: str
    app_url: str

    def config(self) -> dict[str, str]:
        """The client as provider.mjs takes it."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.app_url + CALLBACK_PATH,
            "post_logout_redirect_uri": self.app_url + "/signin",
        }


@contextlib.contextmanager
def oidc_provider(port: int, clients: Sequence[ProviderClient]) -> Iterator[str]:
    """Run oidc-provider with `clients`; yield its issuer once discovery answers."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise ProviderNotRunning(f"oidc-provider is not installed: npm ci --prefix {PROVIDER_DIR}")
    config = {"port": port, "clients": [client.config() for client in clients]}
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
    raise ProviderNotRunning(f"oidc-provider did not start: {log.read().decode()}")


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
        if not server.started:
            raise RuntimeError(f"the app did not start on port {port}")
        yield
    finally:
        server.should_exit = True
        await task


async def through_provider(http: httpx.AsyncClient, app_url: str, url: str, login: str) -> str:
    """Follow the provider's redirects from `url`, log in as `login` (any password) and consent;
    the URL the provider sends the browser back to (the app's callback, not yet opened)."""
    for _ in range(_STEPS):
        if url.startswith(app_url + CALLBACK_PATH):
            return url
        response = await http.get(url)
        if response.status_code == 200:
            action, prompt = provider_form(response.text)
            fields = {"prompt": prompt}
            if prompt == "login":
                fields |= {"login": login, "password": "любой"}
            response = await http.post(urljoin(url, action), data=fields)
        if response.status_code not in {302, 303}:
            raise AssertionError(f"{response.status_code} from the provider: {response.text}")
        url = urljoin(url, response.headers["location"])
    raise AssertionError(f"the provider never sent the browser back; last at {url}")


def provider_form(page: str) -> tuple[str, str]:
    """The action and the prompt (login or consent) of the provider's interaction page."""
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    prompt = re.search(r'name="prompt" value="(\w+)"', page)
    if action is None or prompt is None:
        raise AssertionError(f"no interaction form on the provider's page: {page}")
    return html.unescape(action.group(1)), prompt.group(1)


def refusal_reason(response: httpx.Response) -> str:
    """The machine reason a refusal page shows."""
    found = re.search(r"Код: <code>([a-z_]+)</code>", response.text)
    if found is None:
        raise AssertionError(f"no reason on the page: {response.text}")
    return found.group(1)


def with_query(url: str, **changes: str) -> str:
    """`url` with some of its query parameters replaced."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))
