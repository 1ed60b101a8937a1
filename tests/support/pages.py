"""Helpers for the tests of both web apps' pages: checking a page in Chromium with axe-core,
keeping a screenshot for the documentation, and a school date standing still.

axe-core is vendored in `axe/` beside this module (see its README), outside the apps' `static/`:
no app serves it, the tests inject it into the page under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from playwright.async_api import Page

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
SCREENSHOTS: Final = PROJECT_ROOT / "docs" / "screenshots"
AXE_SCRIPT: Final = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_TAGS: Final = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the pages promise (CONVENTIONS, DESIGN §6)."""
BLOCKING_IMPACTS: Final = frozenset({"serious", "critical"})
_TARGETS_SHOWN: Final = 3
DEV_SECRET: Final = "a-development-secret-of-enough-length-0123456789"
TODAY: Final = dt.date(2026, 12, 5)


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


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A PNG of the page at `docs/screenshots/<name>.png` (the folder is created): the whole
    page, or with `full_page=False` what the screen shows (a phone's first screen)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=full_page)
    return path
