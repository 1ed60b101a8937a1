"""A teacher's UID on the portal in Debian's Chromium, against the launched demo.

- The demo's subject teacher signs in on a phone (390×844), lands on «Мои классы», opens the
  grid of their subject in 5А for the first term: pupils are «Ученик 1…N» (no name of the
  school's roster anywhere on the page), the table scrolls inside its box and the page does not
  scroll sideways, the periods to choose are the school's four quarters and the whole year;
  then the class's day of a demo lesson, with times and the lesson's subject.
- The same UID's page for another subject of the class is refused.
- The class teacher's UID finds every subject of their class on «Мои классы» and opens one.

axe-core checks every page; the screenshot `portal-class-grid` (on a desktop, where the grid
reads whole) goes to docs/screenshots/. No request may leave the portal.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx
from playwright.async_api import Page, expect

from deploy.launcher.markers import DiaryDemo, diary_demo_of
from deploy.launcher.summary import DIARY_PERIOD, DIARY_WEEK
from tests.browser.portal.conftest import NewPortalPage
from tests.support.pages import assert_accessible, screenshot
from tests.support.portal import sign_in

SCHOOL, YEAR = "s1", 2026
TEACHER_UID, CLASS_TEACHER_UID = 200001, 200002  # the demo's subject teacher, 5А's teacher
REFUSAL = "У вас нет доступа к этой странице."


def demo_of(system) -> DiaryDemo:
    demo = diary_demo_of(system.state)
    assert demo is not None, "the launcher did not export the demo to the e-diary"
    return demo


async def roster_names(system, class_id: str) -> list[str]:
    """Every pupil's name the school's journal holds for the class (the portal must show none)."""
    async with httpx.AsyncClient(base_url=system.api_urls["journal"], timeout=30) as http:
        answer = await http.get(
            f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{class_id}/members",
            headers={"Authorization": f"Bearer {system.tokens['ADMIN_TOKEN']}"},
        )
    assert answer.status_code == 200, answer.text
    return [m["full_name"] for m in answer.json()["members"]]


async def no_sideways_scrolling(page: Page) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide"


async def test_a_teacher_reads_the_grid_of_their_subject_and_the_class_day(
    system, new_portal_page: NewPortalPage
):
    demo, portal = demo_of(system), system.portal_url
    page = await new_portal_page()
    await sign_in(page, portal, TEACHER_UID, "teacher")

    assert page.url == f"{portal}/classes"
    await expect(page.get_by_role("heading", level=1)).to_have_text("Мои классы")
    subject = page.locator(f"a[href='/classes/{demo.class_id}/subjects/{demo.subject}']")
    await expect(subject).to_have_count(1)
    await assert_accessible(page)

    grid = f"{portal}/classes/{demo.class_id}/subjects/{demo.subject}?period={DIARY_PERIOD}"
    await page.goto(grid)
    rows = page.locator("table.grid tbody th[scope=row]")
    count = await rows.count()
    assert count > 0
    assert await rows.all_inner_texts() == [f"Ученик {n}" for n in range(1, count + 1)]
    await expect(page.locator("table.grid .mk").first).to_be_visible()  # the demo's marks
    await expect(page.locator("div.scroll > table.grid")).to_have_count(1)
    periods = page.locator("select#period option")
    assert [await o.get_attribute("value") for o in await periods.all()] == [
        "q1", "q2", "q3", "q4", "year"
    ]  # fmt: skip
    await expect(page.locator("select#period option:checked")).to_have_text("1 четверть")
    text = await page.locator("body").inner_text()
    assert not [name for name in await roster_names(system, demo.class_id) if name in text]
    await no_sideways_scrolling(page)
    await assert_accessible(page)

    desktop = await new_portal_page(desktop=True)
    await sign_in(desktop, portal, TEACHER_UID, "teacher")
    await desktop.goto(grid)
    await assert_accessible(desktop)
    await screenshot(desktop, "portal-class-grid")

    day = dt.date.fromisoformat(DIARY_WEEK)
    await page.goto(f"{portal}/classes/{demo.class_id}/days/{day.isoformat()}")
    lessons = page.locator("li.lesson")
    assert await lessons.count() > 0
    await expect(lessons.first.locator(".time")).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    await expect(lessons.first.locator(".counts")).to_contain_text("Оценок:")
    await page.get_by_role("link", name="Следующий →").click()
    await page.wait_for_url(f"**/days/{(day + dt.timedelta(days=1)).isoformat()}")
    await no_sideways_scrolling(page)
    await assert_accessible(page)


async def test_a_teachers_page_for_another_subject_is_refused(system, portal_page: Page):
    demo = demo_of(system)
    other = "english" if demo.subject != "english" else "math"
    await sign_in(portal_page, system.portal_url, TEACHER_UID, "teacher")

    response = await portal_page.goto(
        f"{system.portal_url}/classes/{demo.class_id}/subjects/{other}"
    )

    assert response is not None
    assert response.status == 403
    await expect(portal_page.get_by_role("heading", level=1)).to_have_text(REFUSAL)
    await expect(portal_page.locator("main")).not_to_contain_text("Ученик 1")
    await assert_accessible(portal_page)


async def test_the_class_teacher_opens_any_subject_of_the_class(system, portal_page: Page):
    demo = demo_of(system)
    await sign_in(portal_page, system.portal_url, CLASS_TEACHER_UID, "teacher")
    await expect(portal_page.locator("main")).to_contain_text("Классное руководство")
    subjects = portal_page.locator(f"ul.subjects a[href^='/classes/{demo.class_id}/subjects/']")
    assert await subjects.count() > 1  # every subject taught in the class, not only one grant's
    await expect(subjects.and_(portal_page.locator(f"[href$='/{demo.subject}']"))).to_have_count(1)
    await assert_accessible(portal_page)

    response = await portal_page.goto(
        f"{system.portal_url}/classes/{demo.class_id}/subjects/{demo.subject}?period={DIARY_PERIOD}"
    )

    assert response is not None
    assert response.status == 200
    await expect(portal_page.locator("table.grid tbody th[scope=row]").first).to_have_text(
        "Ученик 1"
    )
    await assert_accessible(portal_page)
