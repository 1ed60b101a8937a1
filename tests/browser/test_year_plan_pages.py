"""The year's plan in Debian's Chromium, against the launched demo school: the administrator
gives grades 10–11 halves of their own (a new scheme, new period ids, whatever the demo set)
and makes physical education in grade 11 pass/fail, with the page's forms; the plan page, the
periods page, an 11th grade's class journal and its lesson page then show them: the class's
halves and not the quarters, «зач»/«незач» offered (labelled «зачтено»/«не зачтено») and chosen
with the keyboard, saved and shown as «зач»/«незач».

The other tests' classes are of grades 1–9 and none marks physical education in grade 11, so
the change leaves them alone.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

from tests.browser.journal_facts import journal_get
from tests.support.waiting import eventually
from tests.support.web import assert_accessible, sign_in

YEAR = "/journal/v1/schools/s1/years/2026"
SUBJECT = "pe"
SEPTEMBER = {"from": "2026-09-01", "to": "2026-09-30"}
VIEW_SECONDS = 30.0
HALVES = (
    ("sh1", "1 полугодие", "2026-09-01", "2026-12-28"),
    ("sh2", "2 полугодие", "2027-01-12", "2027-05-31"),
)


async def test_halves_for_grades_10_11_and_a_pass_fail_subject_show_in_the_pages(
    system, page: Page
):
    web = system.web_url
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/year-plan")
    await expect(page.get_by_role("heading", level=1)).to_have_text("План учебного года, 2026/27")
    await assert_accessible(page)
    await set_the_halves(page)
    group = page.locator("tbody tr", has=page.get_by_role("rowheader", name="10–11 классы"))
    await expect(group).to_contain_text("Полугодия 10–11")
    await expect(group).to_contain_text("1 полугодие (01.09.2026 — 28.12.2026)")
    await expect(group).to_contain_text("2 полугодие (12.01.2027 — 31.05.2027)")
    await make_pe_pass_fail_in_grade_11(page)
    pe = page.locator("tbody tr", has=page.get_by_role("rowheader", name="Физическая культура"))
    await expect(pe).to_contain_text("зачёт/незачёт: 11 класс")
    await assert_accessible(page)

    await page.goto(f"{web}/admin/periods")
    await expect(page.locator("tbody tr", has_text="1 полугодие")).to_contain_text("10–11 классы")
    await expect(page.locator("tbody tr", has_text="1 четверть")).to_contain_text("1–9 классы")

    class_id, lesson_id, teacher = await an_11th_grade_pe_lesson(system)
    await page.goto(f"{web}/journal/{class_id}/{SUBJECT}")
    periods = page.get_by_role("navigation", name="Периоды")
    await expect(periods.get_by_role("link")).to_have_text(["1 полугодие", "2 полугодие"])
    await expect(page.locator("#assessment-note")).to_contain_text("оценивается зачётом")

    await sign_in(page, web, teacher, "teacher")
    await page.goto(f"{web}/lessons/{class_id}/{lesson_id}")
    await mark_pass_and_fail(page)
    await page.goto(f"{web}/journal/{class_id}/{SUBJECT}?from=2026-09-01&to=2026-09-30")
    column = page.locator(f"thead a[href='/lessons/{class_id}/{lesson_id}']")
    await expect(column).to_be_visible()
    await expect(page.locator("table.journal tbody .mk", has_text="незач")).not_to_have_count(0)
    await assert_accessible(page)


async def set_the_halves(page: Page) -> None:
    """The scheme form: a new scheme of grades 10 and 11 with two halves of their own."""
    form = page.locator("form[action^='/admin/year-plan/schemes']")
    await form.get_by_label("Код схемы").fill("senior-halves")
    await form.get_by_label("Название схемы").fill("Полугодия 10–11")
    for grade in (10, 11):
        await form.get_by_label(f"{grade} класс", exact=True).check()
    for row, (period_id, name, starts_on, ends_on) in enumerate(HALVES):
        rows = form.get_by_role("group", name=f"Период {row + 1}")
        await rows.get_by_label("Код").fill(period_id)
        await rows.get_by_label("Название").fill(name)
        await rows.get_by_label("Начало").fill(starts_on)
        await rows.get_by_label("Конец").fill(ends_on)
    await form.get_by_role("button", name="Записать периоды").click()
    await page.wait_for_url(re.compile(r"/admin/year-plan\?done=scheme$"))
    await expect(page.get_by_role("status")).to_contain_text("Периоды классов записаны")


async def make_pe_pass_fail_in_grade_11(page: Page) -> None:
    """The assessment form: physical education in grade 11, «зачёт/незачёт»."""
    form = page.locator("form[action^='/admin/year-plan/assessments']")
    await form.get_by_label("Предмет").select_option(SUBJECT)
    await form.get_by_label("11 класс", exact=True).check()
    await form.get_by_label("зачёт/незачёт").check()
    await form.get_by_role("button", name="Записать оценивание").click()
    await page.wait_for_url(re.compile(r"/admin/year-plan\?done=assessment$"))


async def an_11th_grade_pe_lesson(system: Any) -> tuple[str, str, str]:
    """An 11th grade class with physical education, a September lesson of it that was held,
    and the lesson's teacher."""
    roster = await journal_get(system, f"{YEAR}/roster")
    taught = {(a["class_id"], a["subject_id"]) for a in roster["assignments"]}
    class_id = next(
        c["class_id"]
        for c in roster["classes"]
        if c["grade"] == 11 and (c["class_id"], SUBJECT) in taught
    )
    grid = await journal_get(
        system, f"{YEAR}/classes/{class_id}/subjects/{SUBJECT}/grid", SEPTEMBER
    )
    lesson_id = next(x["lesson_id"] for x in grid["lessons"] if x["status"] == "held")
    lesson = await journal_get(system, f"{YEAR}/classes/{class_id}/lessons/{lesson_id}")
    return class_id, lesson_id, lesson["teacher"]["staff_id"]


async def mark_pass_and_fail(page: Page) -> None:
    """«зач» and «незач» offered with their readings, chosen with the keys of З and Н, saved
    with Enter."""
    first = page.locator("select.mark[data-r='0'][data-c='0']")
    await expect(first.locator("option")).to_contain_text(["—", "зачтено", "не зачтено"])
    await expect(page.locator("#grid-help")).to_contain_text("зач — зачтено, незач — не зачтено")
    await expect(page.locator("input.mark")).to_have_count(0)
    await assert_accessible(page)
    await first.focus()
    await page.keyboard.press("KeyP")  # З and Н where the Latin layout has P and Y
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("KeyY")
    await expect(first).to_have_value("зач")
    await expect(page.locator("select.mark[data-r='1'][data-c='0']")).to_have_value("незач")
    await page.keyboard.press("Enter")
    await expect(page.locator("#save-state")).to_have_attribute(
        "data-state", re.compile("saved|behind")
    )

    async def shown() -> None:
        await page.reload()
        chips = await page.locator("td.chips .chip").all_text_contents()
        assert {"зач", "незач"} <= set(chips), chips

    await eventually(shown, timeout=VIEW_SECONDS, interval=0.5)
