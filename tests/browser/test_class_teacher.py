"""«Мой класс» in Debian's Chromium: the class teacher of 5А (t023 in the demo) opens the page on
the current month, sees the whole class's journal across subjects, finds an absence another
teacher recorded at an English lesson and gives its reason later (illness, with a note); the
journal records exactly that one event, and the page shows the reason and who gave it. The same
reason again is refused beside its row with nothing recorded. The enrollment tells the class
teacher nothing about who reads the diaries (the section says so); the head chooses the class
and sees it. A teacher who leads no class is told so. Every page passes axe-core.
"""

from __future__ import annotations

import calendar
import re

import httpx
from playwright.async_api import Browser, Page, expect

from kernel.russian_dates import full_date
from services.common.dev_tokens import DevTokenIssuer
from tests.support.clock import school_today
from tests.support.waiting import eventually
from tests.support.web import assert_accessible, screenshot, sign_in, stream_messages

SCHOOL, YEAR, CLASS_ID = "s1", 2026, "5a"
CLASS_TEACHER = "t023"  # leads 5А in the demo
ENGLISH_TEACHER = "t033"  # teaches English in 5А, leads no class
MONTH = school_today().replace(day=1)  # the class teacher's page shows the school's month
MONTH_END = MONTH.replace(day=calendar.monthrange(MONTH.year, MONTH.month)[1])
# A lesson of our own, outside the timetable, on the month's first day: never after today.
LESSON_DAY, LESSON_SLOT = MONTH.isoformat(), 9
LESSON_ID = f"{CLASS_ID}-{MONTH:%Y%m%d}-{LESSON_SLOT}"
VIEW_SECONDS = 30.0


def journal(system, path: str) -> str:
    return f"{system.api_urls['journal']}/journal/v1/schools/{SCHOOL}/years/{YEAR}{path}"


async def call(system, method: str, path: str, staff_id: str, role: str, body=None):
    token = DevTokenIssuer(system.launched.dev_secret()).mint(staff_id, [role], SCHOOL)
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.request(
            method, journal(system, path), json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code < 300, response.text
    return response.json()


async def pupils_between(system, first: str, last: str) -> set[str]:
    """The pupils of 5А at some time between the two days, as the journal's roster says."""
    answer = await call(system, "GET", f"/classes/{CLASS_ID}/members", "adm1", "admin")
    return {
        m["pupil_id"]
        for m in answer["members"]
        if m["since"] <= last and (m["last_day"] is None or m["last_day"] >= first)
    }


async def an_absence_of_our_own(system) -> tuple[str, str]:
    """An English lesson of 5А that the administrator adds and its teacher marks a pupil absent
    at (reason unknown); answers the pupil's id and name once the journal's view shows it."""
    members = (await call(system, "GET", f"/classes/{CLASS_ID}/members", "adm1", "admin"))[
        "members"
    ]
    pupil = next(m for m in members if m["last_day"] is None)
    lessons = f"/classes/{CLASS_ID}/lessons"
    body = {"subject_id": "english", "date": LESSON_DAY, "slot": LESSON_SLOT}
    await call(system, "POST", lessons, "adm1", "admin", {**body, "teacher_id": ENGLISH_TEACHER})
    absent = {"absences": [{"pupil_id": pupil["pupil_id"], "kind": "absent"}]}
    await call(
        system, "PUT", f"{lessons}/{LESSON_ID}/attendance", ENGLISH_TEACHER, "teacher", absent
    )

    async def shown() -> None:
        detail = await call(system, "GET", f"{lessons}/{LESSON_ID}", "adm1", "admin")
        assert [a["pupil_id"] for a in detail["absences"]] == [pupil["pupil_id"]]

    await eventually(shown, timeout=VIEW_SECONDS)
    return pupil["pupil_id"], pupil["full_name"]


async def test_the_class_teacher_sees_the_class_and_gives_a_reason_later(system, page: Page):
    pupil_id, name = await an_absence_of_our_own(system)
    row_id = f"#row-{LESSON_ID}--{pupil_id}"
    subject = f"jrn.{YEAR}.{SCHOOL}.{CLASS_ID}.lesson.{LESSON_ID}"
    await sign_in(page, system.web_url, CLASS_TEACHER, "teacher")
    await (
        page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Мой класс").click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Мой класс: 5А")
    await expect(page.locator("main")).to_contain_text(
        f"{full_date(MONTH)} — {full_date(MONTH_END)}"
    )
    english = page.get_by_role("link", name="Английский язык", exact=True)
    await expect(english).to_have_attribute(
        "href", f"/journal/5a/english?from={MONTH}&to={MONTH_END}"
    )
    row = page.locator(row_id)
    await expect(row).to_contain_text(name)
    await expect(row.locator(".letter")).to_have_text("Н")
    await expect(row).to_contain_text("причина не известна (Н)")
    access = page.locator("section[aria-labelledby=access-title]")
    await expect(access).to_contain_text("только администрации школы")
    await assert_accessible(page)

    recorded = await stream_messages(system.nats_url, subject)
    await row.get_by_text("Указать причину").click()
    await row.get_by_label("Причина", exact=True).select_option("illness")
    await row.get_by_label(re.compile("^Подтверждение")).fill("справка из поликлиники № 3")
    await row.get_by_role("button", name="Сохранить").click()
    await page.wait_for_url(re.compile(r"/class\?.*saved="))
    await expect(page.get_by_role("status")).to_contain_text("Причина сохранена.")
    await expect(row.locator(".letter")).to_have_text("Б")
    await expect(row).to_contain_text("справка из поликлиники № 3")
    await expect(row.locator("td").nth(5)).to_have_text("Федотова Нина Сергеевна")
    assert await stream_messages(system.nats_url, subject) == recorded + 1
    await assert_accessible(page)

    # The same reason again: refused beside the row, nothing recorded.
    await row.get_by_text("Указать причину").click()
    await row.get_by_label(re.compile("^Подтверждение")).fill("справка из поликлиники № 3")
    await row.get_by_role("button", name="Сохранить").click()
    await expect(row.get_by_role("alert")).to_contain_text("уже указаны. (nothing_to_change)")
    await expect(row.get_by_label("Причина", exact=True)).to_have_attribute("aria-invalid", "true")
    assert await stream_messages(system.nats_url, subject) == recorded + 1
    await assert_accessible(page)

    await page.goto(f"{system.web_url}/class?from=2026-09-01&to=2026-09-30")
    september = await pupils_between(system, "2026-09-01", "2026-09-30")
    await expect(page.locator("table.summary tbody tr")).to_have_count(len(september))
    await screenshot(page, "class-teacher")


async def test_the_head_chooses_a_class_and_sees_who_reads_the_diaries(system, page: Page):
    await sign_in(page, system.web_url, "head1", "head")
    await page.goto(f"{system.web_url}/class")
    await expect(page.locator("main")).to_contain_text("не классный руководитель")
    await page.get_by_role("link", name="5А", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Класс 5А")
    access = page.locator("table.access")
    day = school_today().isoformat()
    today = await pupils_between(system, day, day)
    await expect(access.locator("tbody tr")).to_have_count(len(today))
    await expect(access).to_contain_text("Федотова Нина Сергеевна (UID")
    await expect(access).to_contain_text("классный руководитель")
    # Read-only for the head: the journal would refuse a reason from them anyway.
    await expect(page.get_by_text("Указать причину")).to_have_count(0)
    await assert_accessible(page)


async def test_a_teacher_who_leads_no_class_is_told_so(system, browser: Browser):
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    page = await context.new_page()
    await sign_in(page, system.web_url, ENGLISH_TEACHER, "teacher")
    response = await page.goto(f"{system.web_url}/class")
    assert response is not None
    assert response.status == 200
    await expect(page.locator("main")).to_contain_text("Вы не классный руководитель")
    await expect(page.get_by_role("link", name="Журнал ваших классов и предметов")).to_be_visible()
    await assert_accessible(page)
    await context.close()
