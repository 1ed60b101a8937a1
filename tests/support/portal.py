"""Helpers for the tests of the portal's pages: the page tests that run the app over a fake
diary (`signed_in_client`) and the browser tests (tests/browser/portal) that sign in through
the development sign-in page as a parent, a pupil or a teacher's UID would."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from services.common.settings import AuthSettings
from services.common.webapp.signing import SigningSettings, token_issuer
from services.portal.application.ports import Deps, Diary
from services.portal.entrypoints.http import SESSION_COOKIE, create_app
from services.portal.settings import Settings
from tests.support.clock import FakeClock
from tests.support.pages import DEV_SECRET, TODAY

if TYPE_CHECKING:
    from playwright.async_api import Page

SCHOOL = "s1"
YEAR = 2026


def portal_app(diary: Diary, *, today: dt.date | None = None, dev_sign_in: bool = False) -> FastAPI:
    """The portal app over `diary` (its lifespan not run: a fake is its Deps), for school `s1`
    and year 2026, with today fixed."""
    auth = AuthSettings(dev_secret=DEV_SECRET)
    settings = Settings(auth=auth, session_secret="s" * 40, dev_sign_in=dev_sign_in, log_json=False)
    app = create_app(settings)
    issuer = token_issuer(SigningSettings(), auth)
    clock = FakeClock.on(today or TODAY)
    app.state.deps = Deps(diary, issuer, clock, dt.timedelta(hours=1), SCHOOL, YEAR)
    return app


def client_of(app: FastAPI) -> httpx.AsyncClient:
    """An HTTP client of `app`, in-process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test")


def signed_in_client(
    diary: Diary, uid: int, role: str, today: dt.date | None = None
) -> httpx.AsyncClient:
    """The portal app over `diary` (`portal_app`) and an HTTP client holding the session of
    portal user `uid` in `role`."""
    app = portal_app(diary, today=today)
    deps: Deps = app.state.deps
    token = deps.issuer.mint(f"uid{uid}", [role], SCHOOL, ttl=dt.timedelta(hours=1), uid=uid)
    http = client_of(app)
    http.cookies.set(
        SESSION_COOKIE, app.state.session_codec.value(token, f"UID {uid}"), "portal.test"
    )
    return http


async def sign_in(page: Page, portal_url: str, uid: int, role: str) -> None:
    """Sign in through the development sign-in page as `uid` in `role` and wait for the page
    the portal lands on. The list comes from the diary's grants: a UID it does not list fails
    here (Playwright waits for the option, then times out)."""
    await page.goto(f"{portal_url}/signin")
    await page.select_option("select#user", f"{role}:{uid}")
    await page.locator("form[action='/signin/dev'] button[type=submit]").click()
    await page.wait_for_url(lambda url: not urlsplit(url).path.startswith("/signin"))
    await page.locator("header form[action='/signout'] button").wait_for()
