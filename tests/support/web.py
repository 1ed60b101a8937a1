"""Helpers for the tests of the school's pages: the browser tests (tests/browser; fixtures in
its conftest) and the page tests that run the web app over fake APIs (`signed_in_client`).

They drive Debian's Chromium through Playwright against the system the launcher started:
signing in through the development sign-in page as a real person would, checking a page with
axe-core, keeping a screenshot for the documentation (`tests.support.pages`), and
counting what the journal recorded in its stream (to show that a page wrote exactly once, or
not at all).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import nats

from contracts.streams import JOURNAL
from services.common.settings import AuthSettings
from services.common.webapp.signing import SigningSettings, token_issuer
from services.web.application.ports import Backends, Deps
from services.web.entrypoints.http import SESSION_COOKIE as COOKIE
from services.web.entrypoints.http import create_app
from services.web.settings import Settings
from tests.support.clock import FakeClock
from tests.support.pages import DEV_SECRET, TODAY, assert_accessible, screenshot

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = [
    "DEV_SECRET",
    "assert_accessible",
    "screenshot",
    "sign_in",
    "signed_in_client",
    "stream_messages",
]


def signed_in_client(
    backends: Backends, staff_id: str, role: str, name: str | None = None
) -> httpx.AsyncClient:
    """The web app over `backends` (its lifespan not run: they are its Deps, with school year
    2026 and today `TODAY`), and an HTTP client holding the session of `staff_id` in `role`."""
    auth = AuthSettings(dev_secret=DEV_SECRET)
    app = create_app(Settings(auth=auth, session_secret="s" * 40, log_json=False))
    issuer = token_issuer(SigningSettings(), auth)
    app.state.deps = Deps(backends, issuer, FakeClock.on(TODAY), dt.timedelta(hours=1), 2026)
    token = issuer.mint(staff_id, [role], "s1", ttl=dt.timedelta(hours=1))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test")
    http.cookies.set(COOKIE, app.state.session_codec.value(token, name or staff_id), "web.test")
    return http


async def sign_in(page: Page, web_url: str, staff_id: str, role: str) -> None:
    """Sign in through the development sign-in page as `staff_id` in `role` and wait for the
    page the web lands on (the role's start page, or the `next` one).

    The staff list comes from the journal's roster: choosing someone it does not list fails
    here (Playwright waits for the option, then times out)."""
    await page.goto(f"{web_url}/signin")
    await page.select_option("select#staff_id", staff_id)
    await page.select_option("select#role", role)
    await page.locator("form[action='/signin/dev'] button[type=submit]").click()
    await page.wait_for_url(lambda url: not urlsplit(url).path.startswith("/signin"))
    # Landed, and signed in: the header offers to sign out only with a valid session.
    await page.locator("header form[action='/signout'] button").wait_for()


async def stream_messages(nats_url: str, subject: str) -> int:
    """How many messages the JOURNAL stream holds on `subject` (wildcards allowed: the sum over
    every matching subject); 0 when none."""
    connection = await nats.connect(nats_url, connect_timeout=5, allow_reconnect=False)
    try:
        info = await connection.jetstream().stream_info(JOURNAL.name, subjects_filter=subject)
    finally:
        await connection.close()
    return sum(int(count) for count in (info.state.subjects or {}).values())
