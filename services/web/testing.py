"""Helpers for the tests of the school's pages: the browser tests (tests/browser; fixtures in
its conftest) and the page tests that run the web app over fake APIs (`signed_in_client`).

They drive Debian's Chromium through Playwright against the system the launcher started:
signing in through the development sign-in page as a real person would, checking a page with
axe-core, keeping a screenshot for the documentation, and counting what the journal recorded in
its stream (to show that a page wrote exactly once, or not at all).

axe-core is vendored in `testing_assets/` (see its README), outside `static/`: the web never
serves it, the tests inject it into the page under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import httpx
import nats

from contracts.streams import JOURNAL
from services.common.settings import AuthSettings
from services.web.adapters.signing import token_issuer
from services.web.application.ports import Backends, Deps
from services.web.entrypoints.http import create_app
from services.web.entrypoints.session import COOKIE
from services.web.settings import Settings, SigningSettings

if TYPE_CHECKING:
    from playwright.async_api import Page

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
SCREENSHOTS: Final = PROJECT_ROOT / "docs" / "screenshots"
AXE_SCRIPT: Final = Path(__file__).resolve().parent / "testing_assets" / "axe.min.js"
AXE_TAGS: Final = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the pages promise (CONVENTIONS, DESIGN §6)."""
BLOCKING_IMPACTS: Final = frozenset({"serious", "critical"})
_TARGETS_SHOWN: Final = 3
DEV_SECRET: Final = "a-development-secret-of-enough-length-0123456789"  # noqa: S105 - tests only
TODAY: Final = dt.date(2026, 12, 5)


class FixedClock:
    """The school's date standing still (page tests)."""

    def __init__(self, today: dt.date = TODAY) -> None:
        self._today = today

    def today(self) -> dt.date:
        """The fixed date."""
        return self._today


def signed_in_client(
    backends: Backends, staff_id: str, role: str, name: str | None = None
) -> httpx.AsyncClient:
    """The web app over `backends` (its lifespan not run: they are its Deps, with school year
    2026 and today `TODAY`), and an HTTP client holding the session of `staff_id` in `role`."""
    auth = AuthSettings(dev_secret=DEV_SECRET)
    app = create_app(Settings(auth=auth, session_secret="s" * 40, log_json=False))
    issuer = token_issuer(SigningSettings(), auth)
    app.state.deps = Deps(backends, issuer, FixedClock(), dt.timedelta(hours=1), 2026)
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


async def assert_accessible(page: Page) -> None:
    """Fail when axe-core finds a serious or critical WCAG 2 A/AA violation on the page as it
    is now, listing each (rule, what it asks for, the first elements concerned)."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}}
    results: dict[str, Any] = await page.evaluate("options => axe.run(document, options)", options)
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = "\n".join(_describe(v) for v in blocking)
        raise AssertionError(f"accessibility violations on {page.url}:\n{lines}")


def _describe(violation: dict[str, Any]) -> str:
    """One line of the failure: `id (impact): help; N element(s), e.g. [targets]`."""
    nodes = violation.get("nodes", [])
    targets = [json.dumps(node.get("target")) for node in nodes[:_TARGETS_SHOWN]]
    return (
        f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}; "
        f"{len(nodes)} element(s), e.g. {', '.join(targets)}"
    )


async def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of the page at `docs/screenshots/<name>.png` (the folder is created)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path


async def stream_messages(nats_url: str, subject: str) -> int:
    """How many messages the JOURNAL stream holds on `subject` (wildcards allowed: the sum over
    every matching subject); 0 when none."""
    connection = await nats.connect(nats_url, connect_timeout=5, allow_reconnect=False)
    try:
        info = await connection.jetstream().stream_info(JOURNAL.name, subjects_filter=subject)
    finally:
        await connection.close()
    return sum(int(count) for count in (info.state.subjects or {}).values())
