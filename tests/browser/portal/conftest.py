"""Fixtures of the portal's browser tests (the `system` and `browser` of tests/browser/conftest.py
are shared: one launched system for the whole browser package).

- `portal_page` (test): a phone — 390×844, touch, mobile — in a fresh context (ru-RU,
  Europe/Moscow, downloads accepted), not signed in; sign in with
  `services.portal.testing.sign_in(page, system.portal_url, uid, role)`.
- `portal_desktop_page` (test): the same on a 1366×768 desktop screen.
- `new_portal_page` (test): a factory for more of them in one test (a teacher's UID and a parent
  side by side): `await new_portal_page()` (a phone) or `await new_portal_page(desktop=True)`.

The issue asks that no request leave the machine: every page made here has its requests to a host
other than the portal's own (scheme, host and port) recorded and aborted (the page sees a failed
request, nothing goes out), and the test fails at teardown when there was any — a font, a script
from a CDN or an analytics ping shows up as a failure naming the URL. Requests the browser makes
by itself, outside any page (updates, safe browsing), are switched off by the Chromium flags of
tests/browser/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, Request, Route, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-error", "devtools"})
"""URLs that never reach a network (inline images, downloads made by a script, error pages)."""

PAGE_TIMEOUT_MS = 15_000
"""Playwright's default wait for an element or a navigation (as tests/browser/conftest.py's)."""

NewPortalPage = Callable[..., Awaitable[Page]]


class ForeignRequests:
    """The requests of the test's pages to another origin than `own` (a list of URLs)."""

    def __init__(self, own: str) -> None:
        parts = urlsplit(own)
        self._own = (parts.scheme, parts.netloc)
        self.seen: list[str] = []

    def is_foreign(self, url: str) -> bool:
        """True for a network URL that is not the portal's own origin (websockets included)."""
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            return False
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        return (scheme, parts.netloc) != self._own

    def note(self, request: Request) -> None:
        """Context listener: remember a foreign request (whether or not it was aborted)."""
        if self.is_foreign(request.url):
            self.seen.append(f"{request.method} {request.url}")

    async def abort(self, route: Route) -> None:
        """Route handler: a foreign request never leaves the machine."""
        await route.abort("blockedbyclient")

    async def watch(self, context: BrowserContext) -> None:
        """Record and abort the foreign requests of every page of `context`."""
        context.on("request", self.note)
        context.on("websocket", lambda socket: self._note_url(f"WEBSOCKET {socket.url}"))
        await context.route(self.is_foreign, self.abort)

    def _note_url(self, line: str) -> None:
        if self.is_foreign(line.split(" ", 1)[1]):
            self.seen.append(line)


@pytest_asyncio.fixture(loop_scope="session")
async def new_portal_page(browser: Browser, system) -> AsyncIterator[NewPortalPage]:
    """Make portal pages (each in its own context: its own cookies); fail the test at teardown
    if any of them asked a host other than the portal's."""
    foreign = ForeignRequests(system.portal_url)
    contexts: list[BrowserContext] = []

    async def make(*, desktop: bool = False) -> Page:
        context = await browser.new_context(
            viewport=DESKTOP if desktop else PHONE,
            is_mobile=not desktop,
            has_touch=not desktop,
            device_scale_factor=1 if desktop else 2,
            locale="ru-RU",
            timezone_id="Europe/Moscow",
            accept_downloads=True,
        )
        contexts.append(context)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        await foreign.watch(context)
        return await context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            await context.close()
    if foreign.seen:
        listed = "\n".join(f"- {line}" for line in foreign.seen)
        pytest.fail(f"requests to a host other than the portal's {system.portal_url}:\n{listed}")


@pytest_asyncio.fixture(loop_scope="session")
async def portal_page(new_portal_page: NewPortalPage) -> Page:
    """A phone's page (390×844, touch), not signed in; no request may leave the portal."""
    return await new_portal_page()


@pytest_asyncio.fixture(loop_scope="session")
async def portal_desktop_page(new_portal_page: NewPortalPage) -> Page:
    """A desktop page (1366×768), not signed in; no request may leave the portal."""
    return await new_portal_page(desktop=True)
