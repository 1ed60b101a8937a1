"""«История изменений» and «Проверка целостности» in Debian's Chromium.

A maths teacher records a 3 at a lesson of their own and then corrects it to a 5 with a reason.
The auditor (whom the journal itself does not answer) types the class, subject and a moment
between the two: the journal page shows the 3 as it stood then and the 5 now; the lesson's
column leads to the lesson's history (recorded, corrected, the reason, who), its «after this
event» link to the lesson as it stood, the pupil's name to the history of their marks. The head
picks the class and subject from lists instead. The auditor runs the verification of every
stream and reads «Целостность подтверждена». Every page passes axe-core.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from services.common.dev_tokens import DevTokenIssuer
from tests.support.web import assert_accessible, screenshot, sign_in

SCHOOL, YEAR, CLASS_ID = "s1", 2026, "5a"
TEACHER = "t015"  # teaches maths in 5А
LESSON_ID = f"{CLASS_ID}-20261203-10"  # a lesson of our own, outside the timetable
MOSCOW = ZoneInfo("Europe/Moscow")
VERIFY_MS = 120_000  # the verification walks every stream (about a second for the demo)


async def call(system, method: str, path: str, staff_id: str, role: str, body=None):
    token = DevTokenIssuer(system.launched.dev_secret()).mint(staff_id, [role], SCHOOL)
    url = f"{system.api_urls['journal']}/journal/v1/schools/{SCHOOL}/years/{YEAR}{path}"
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.request(
            method, url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code < 300, response.text
    return response.json()


async def a_corrected_mark(system) -> tuple[str, str]:
    """A 3 recorded, then (after a whole second has begun) corrected to a 5; answers the
    pupil's id and a moment between the two, as typed in a datetime-local field."""
    members = await call(system, "GET", f"/classes/{CLASS_ID}/members", "adm1", "admin")
    pupil = next(m for m in members["members"] if m["last_day"] is None)
    lesson = {"subject_id": "math", "date": "2026-12-03", "slot": 10, "teacher_id": TEACHER}
    await call(system, "POST", f"/classes/{CLASS_ID}/lessons", "adm1", "admin", lesson)
    marks = f"/classes/{CLASS_ID}/lessons/{LESSON_ID}/marks"
    mark = {"pupil_id": pupil["pupil_id"], "value": "3", "work_kind_id": "classwork"}
    mark_id = (await call(system, "POST", marks, TEACHER, "teacher", mark))["mark_id"]
    # A moment typed to the second: the next whole second, once it has passed.
    between = (dt.datetime.now(MOSCOW) + dt.timedelta(seconds=1)).replace(microsecond=0)
    await asyncio.sleep((between - dt.datetime.now(MOSCOW)).total_seconds() + 0.1)
    correction = {"value": "5", "work_kind_id": "classwork", "reason": "ошибка при вводе"}
    await call(system, "POST", f"{marks}/{mark_id}/correct", TEACHER, "teacher", correction)
    typed = between.replace(tzinfo=None).isoformat()
    return pupil["pupil_id"], typed


async def test_the_auditor_reads_the_journal_as_it_stood_and_the_histories(system, page: Page):
    pupil_id, between = await a_corrected_mark(system)
    await sign_in(page, system.web_url, "t064", "auditor")
    await page.goto(f"{system.web_url}/audit")
    await expect(page.get_by_role("heading", level=1)).to_have_text("История изменений")
    await assert_accessible(page)
    await screenshot(page, "audit")

    chooser = page.locator("section[aria-labelledby=grid-title]")
    await chooser.get_by_label("Класс").fill(CLASS_ID)  # the journal does not answer an auditor
    await chooser.get_by_label("Предмет").fill("math")
    await chooser.get_by_label("Уроки с").fill("2026-12-01")
    await chooser.get_by_label("по").fill("2026-12-31")
    await chooser.get_by_label(re.compile("^Момент")).fill(between)
    await chooser.get_by_role("button", name="Показать журнал").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("класс 5a, предмет math")
    # The audit names pupils briefly («Ильина С. Р.»): the row is found by its link.
    pupil_link = f"a[href*='pupil_id={pupil_id}&']"
    cell = page.locator(f"table.journal tbody tr:has({pupil_link}) td[data-lesson='{LESSON_ID}']")
    await expect(cell.locator(".mk")).to_have_text(["3"])
    await assert_accessible(page)

    await page.get_by_label("Момент", exact=True).fill("")
    await page.get_by_role("button", name="Показать", exact=True).click()
    await expect(cell.locator(".mk")).to_have_text(["5"])

    await page.locator(f"a[href*='lesson_id={LESSON_ID}']").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "История урока: Математика, 5А"
    )
    history = page.locator("table.history")
    corrected = history.locator("tbody tr", has_text="отметка исправлена")
    await expect(corrected).to_contain_text("ошибка при вводе")
    await expect(corrected).to_contain_text("3 → 5")
    await expect(corrected).to_contain_text("Пестова Жанна Руслановна")
    await assert_accessible(page)
    await screenshot(page, "audit-lesson-history")

    recorded = history.locator("tbody tr", has_text="отметка выставлена")
    await recorded.get_by_role("link", name=re.compile("урок после этого")).click()
    state = page.locator("section#state-section")
    mark_row = state.locator(f"tbody tr:has({pupil_link})")
    await expect(mark_row.locator("td").first).to_have_text("3")
    await mark_row.locator(pupil_link).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("История отметок")
    await expect(page.locator("table.history")).to_contain_text("отметка исправлена")
    await expect(page.get_by_role("link", name=re.compile("история урока")).first).to_be_visible()
    await assert_accessible(page)
    assert pupil_id in page.url


async def test_the_head_picks_the_class_and_subject_from_lists(system, page: Page):
    await sign_in(page, system.web_url, "head1", "head")
    await (
        page.get_by_role("navigation", name="Разделы")
        .get_by_role("link", name="История изменений")
        .click()
    )
    chooser = page.locator("section[aria-labelledby=grid-title]")
    await chooser.get_by_label("Класс").select_option(CLASS_ID)
    await chooser.get_by_label("Предмет").select_option("math")
    await chooser.get_by_label("Уроки с").fill("2026-09-01")
    await chooser.get_by_label("по").fill("2026-09-30")
    await chooser.get_by_role("button", name="Показать журнал").click()
    await expect(page.locator("table.journal thead a").first).to_be_visible()
    await expect(page.get_by_role("link", name="Этот журнал сейчас")).to_have_attribute(
        "href", "/journal/5a/math?from=2026-09-01&to=2026-09-30"
    )
    # An unknown lesson: said beside its chooser, with the audit's 404.
    response = await page.goto(f"{system.web_url}/audit/lesson?class_id=5a&lesson_id=no-such")
    assert response is not None
    assert response.status == 404
    lesson_chooser = page.locator("section[aria-labelledby=lesson-title]")
    await expect(lesson_chooser.get_by_role("alert")).to_contain_text("Ничего не найдено")
    await assert_accessible(page)


async def test_the_auditor_verifies_every_stream(system, page: Page):
    await sign_in(page, system.web_url, "t064", "auditor")
    await (
        page.get_by_role("navigation", name="Разделы")
        .get_by_role("link", name="Проверка целостности")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Проверка целостности")
    await assert_accessible(page)

    await page.get_by_role("button", name="Проверить сейчас").click()
    await expect(page.locator("#verify-result")).to_contain_text(
        "Целостность подтверждена", timeout=VERIFY_MS
    )
    streams = page.locator("table.streams tbody tr")
    await expect(streams.filter(has_text="JOURNAL")).to_contain_text("в порядке")
    await expect(streams).to_have_count(5)
    await assert_accessible(page)
    await screenshot(page, "audit-verify")
