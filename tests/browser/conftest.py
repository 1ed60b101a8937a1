"""Fixtures of the browser tests: the whole system with the demo school, Debian's Chromium, a page.

- `system` (package): `python -m deploy.launcher --state-dir <tmp>` with the demo school on
  PRIVATE servers (`deploy.launcher.launched.LaunchedSystem`, the chaos test's harness: the
  variables that would point it at shared NATS or PostgreSQL are dropped), started once for the
  package and stopped after its last test; nothing stays behind (processes, state folder). The
  launcher's output is kept in pytest's temporary folder (`…/browser-system0/launcher.log`).
- `browser` (package): Playwright (async) driving Debian's Chromium at `$CHROMIUM_PATH`
  (default /usr/bin/chromium), headless; `playwright install` is never needed.
- `page` (test): a fresh context (1366×768, ru-RU, Europe/Moscow, downloads accepted) and page.
- The portal's pages (`system.portal_url`): tests/browser/portal/conftest.py adds `portal_page`,
  a phone (390×844) whose test fails on any request to a host other than the portal's.

Every test here gets the `browser` marker from `pytest_itemcollected` below (no `pytestmark`
needed in the files), so `pytest -m browser` selects them and `-m "not browser"` leaves them out.

Timeouts: pytest-timeout counts a test's fixture setup and teardown in its timeout, and the
package's `system` starts inside the setup of the first test that uses it (about 60 s on a 2-core
machine) and stops inside the teardown of the package's last test. So
`pytest_collection_modifyitems` gives those two tests `START_TIMEOUT` and `STOP_TIMEOUT` more
than their own timeout; every other test keeps its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from deploy.launcher.launched import STOP_TIMEOUT, LaunchedSystem

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 300.0
"""Seconds for the launcher to start everything and load the demo (about 60 s on a 2-core
machine; the margin is for a busy CI runner)."""
API_NAMES = ("journal", "diary", "exporter", "enrollment", "audit")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
PAGE_TIMEOUT_MS = 15_000
"""Playwright's default wait for an element or a navigation (a page calls the APIs)."""


@dataclass(frozen=True)
class System:
    """The launched system: where the web, the APIs and NATS listen, the development tokens of
    `<state>/tokens.env` (`ADMIN_TOKEN`, `TEACHER_TOKEN`, …) and the state folder."""

    web_url: str
    portal_url: str
    """The portal's pages (parents, pupils, teachers' UIDs): the other side of the boundary."""
    api_urls: dict[str, str]
    nats_url: str
    tokens: dict[str, str]
    state: Path
    started_in: float
    """Seconds the launcher took to say everything is up."""
    launched: LaunchedSystem = field(repr=False)
    """The harness itself (`output()`: everything the launcher printed so far)."""


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test of this folder is a browser test (called for the items under it only)."""
    item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after -m/-k/--deselect: the first and last tests that run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if item.path.is_relative_to(HERE)]
    starting = next((item for item in ours if "system" in item.fixturenames), None)
    if starting is not None:
        _lengthen_timeout(config, starting, START_TIMEOUT)
    if ours:
        _lengthen_timeout(config, ours[-1], STOP_TIMEOUT)


def _lengthen_timeout(config: pytest.Config, item: pytest.Item, extra: float) -> None:
    """Give `item` `extra` seconds more than its timeout (none: left without one)."""
    marker = item.get_closest_marker("timeout")
    if marker is not None and (marker.args or "timeout" in marker.kwargs):
        own = marker.args[0] if marker.args else marker.kwargs["timeout"]
    else:
        own = config.getoption("timeout", None) or config.getini("timeout")
    seconds = float(own or 0)
    if seconds > 0:
        item.add_marker(pytest.mark.timeout(seconds + extra), append=False)


@pytest.fixture(scope="package")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The whole system with the demo school, on private servers, for every test here."""
    base = Path(tempfile.mkdtemp(prefix="browser-system-"))
    base.chmod(0o711)  # the postgres OS user must reach the state folder (pytest's are private)
    log = tmp_path_factory.mktemp("browser-system") / "launcher.log"
    launched = LaunchedSystem(base / "state", demo=True)
    try:
        started = time.monotonic()
        launched.start(START_TIMEOUT)
        yield _system_of(launched, time.monotonic() - started)
    finally:
        try:
            launched.stop()
        finally:
            log.write_text(launched.output())  # all of it: the harness has read to the end
            shutil.rmtree(base, ignore_errors=True)


def _system_of(launched: LaunchedSystem, started_in: float) -> System:
    return System(
        web_url=launched.url("web"),
        portal_url=launched.portal_url,
        api_urls={name: launched.url(name) for name in API_NAMES},
        nats_url=launched.url("nats"),
        tokens=launched.tokens(),
        state=launched.state,
        started_in=started_in,
        launched=launched,
    )


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for every test here."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=list(CHROMIUM_ARGS),
            headless=True,
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page in a fresh context (no cookies): a school computer's screen, in Moscow."""
    context = await browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="ru-RU",
        timezone_id="Europe/Moscow",
        accept_downloads=True,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield await context.new_page()
    finally:
        await context.close()
