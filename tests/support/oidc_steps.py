"""What the school web's and the portal's sign-in tests share: each app's settings against the
test provider, an app served in-process, the session a browser holds, and a browser's steps
(pressing «Войти через городскую учётную запись», signing out at the provider)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from fastapi import FastAPI

from deploy.launcher.ports import free_port
from services.common.auth import Principal
from services.common.settings import AuthSettings
from services.web.settings import ApiUrls, OidcSettings, Settings

WEB_CLIENT = "school-web"


def web_settings(issuer: str, client_secret: str, dev_secret: str, **oidc: object) -> Settings:
    """The school web's settings: development tokens signed with `dev_secret`, its client at the
    provider, APIs nobody answers at."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    return Settings(
        auth=AuthSettings(mode="dev", dev_secret=dev_secret),
        session_secret=secrets.token_hex(32),
        api=ApiUrls(journal=nowhere, enrollment=nowhere, exporter=nowhere, audit=nowhere),
        oidc=OidcSettings(
            issuer=issuer,
            client_id=WEB_CLIENT,
            client_secret=client_secret,
            scope="openid profile staff",
            **oidc,
        ),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def in_process(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process (its lifespan run), and a client for it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def session_of(app: FastAPI, http: httpx.AsyncClient, cookie: str) -> tuple[Principal, str]:
    """The signed-in person and the name in the browser's session cookie (the app's codec)."""
    content = app.state.session_codec.read(http.cookies[cookie])
    assert content is not None
    return app.state.token_verifier.verify(content["t"]), content["n"]


async def start(http: httpx.AsyncClient, base: str, issuer: str, next_page: str = "") -> str:
    """Press «Войти через городскую учётную запись» on the app at `base`; the provider's URL."""
    query = f"?{urlencode({'next': next_page})}" if next_page else ""
    response = await http.get(f"{base}/signin/oidc{query}")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(issuer + "/auth?")
    return location


async def sign_out(http: httpx.AsyncClient, base: str, issuer: str, cookie: str) -> str:
    """Press «Выйти» on the app at `base`: the session (`cookie`) ends there and the browser is
    sent to the provider's end-session URL, which comes back to the app's sign-in page."""
    header_button = await http.post(f"{base}/signout")  # the «Выйти» of every page
    assert (header_button.status_code, header_button.headers["location"]) == (307, "/signout/oidc")

    response = await http.post(f"{base}/signout/oidc")

    assert response.status_code == 303
    end_session = response.headers["location"]
    assert end_session.startswith(issuer + "/session/end?")
    assert parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"] == [base + "/signin"]
    assert cookie not in http.cookies
    return str(end_session)


def assert_flow_cookie(response: httpx.Response, name: str) -> None:
    """The sign-in's state travels in its own cookie `name`: signed, out of the page's scripts'
    reach, sent back only to the callback's path and for ten minutes at most."""
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{name}=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/signin/oidc" in cookie
    assert "max-age=600" in cookie
