"""The monthly check in Debian's Chromium, from the deputy director's check to the teacher's fix
and back: the deputy opens the check of September for class 5А (the demo's journal has absences
without a reason there), issues a remark about one to the lesson's teacher (a blank text is
refused beside its form first); the teacher sees it on their remarks page, opens the lesson,
gives the absence its reason and marks the remark «исправлено»; the deputy confirms it and
closes the check; the printable report and the CSV for Excel show it confirmed; the head reads
the check without its actions. Every page passes axe-core (WCAG 2 A/AA).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, Page, expect

from tests.support.waiting import eventually
from tests.support.web import assert_accessible, screenshot, sign_in

CLASS_ID = "5a"  # the demo's 5А
BOM = b"\xef\xbb\xbf"
VIEW_SECONDS = 30.0  # the journal's views follow its stream within seconds


async def test_a_remark_from_the_check_to_the_teachers_fix_and_the_report(system, browser, page):
    check_id = await open_september_check(system, page)
    finding_id, teacher_id = await an_absence_without_reason(system, page)
    remark_id, lesson_id, pupil_id = await issue_remark(page, finding_id)
    await assert_accessible(page)

    teacher = await screen_of(browser)
    await sign_in(teacher, system.web_url, teacher_id, "teacher")
    await fix_and_resolve(system, teacher, remark_id, (lesson_id, pupil_id))

    await confirm_and_close(system, page, check_id, remark_id)
    await read_the_report(system, page, check_id)
    await download_the_csv(page, teacher_id)

    head = await screen_of(browser)
    await sign_in(head, system.web_url, "head1", "head")
    await head.goto(f"{system.web_url}/checks/{check_id}")
    await expect(head.locator(f"tr#{remark_id}")).to_contain_text("подтверждено")
    await expect(head.get_by_text("Только просмотр")).to_be_visible()
    for action in ("Выдать замечание", "Подтвердить", "Вернуть учителю", "Закрыть проверку"):
        await expect(head.get_by_text(action, exact=True)).to_have_count(0)
    await head.goto(f"{system.web_url}/checks")
    await expect(head.get_by_role("button", name="Открыть проверку")).to_have_count(0)
    await expect(head.get_by_role("link", name="сентябрь 2026").first).to_be_visible()
    await head.context.close()
    await teacher.context.close()


async def open_september_check(system, page: Page) -> str:
    """The deputy opens the check of September 2026 for 5А; answers the check's id."""
    await sign_in(page, system.web_url, "dep1", "deputy")
    await page.goto(f"{system.web_url}/checks")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Проверка журнала")
    await assert_accessible(page)
    await page.get_by_label("Месяц").fill("2026-09")
    await page.get_by_label("Что проверить").select_option("class")
    await page.get_by_label("Класс", exact=True).select_option(CLASS_ID)
    await page.get_by_role("button", name="Открыть проверку").click()
    await page.wait_for_url(re.compile(r"/checks/c-[0-9a-f]+\?.*done=opened"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Проверка журнала за сентябрь 2026: класс 5А"
    )
    await expect(page.locator("#notice")).to_contain_text("Проверка открыта.")
    return urlsplit(page.url).path.rsplit("/", 1)[-1]


async def an_absence_without_reason(system, page: Page) -> tuple[str, str]:
    """A finding of the check about a pupil *absent* (not late: the lesson page gives a reason
    to an absence by its letter) whose reason is unknown, as the journal's API shows the
    lesson; answers the finding's id and its teacher."""
    rows = await page.locator("tr.finding[data-finding^='absence_without_reason:']").evaluate_all(
        "rows => rows.map(r => [r.dataset.finding, r.dataset.teacher])"
    )
    headers = {"Authorization": f"Bearer {system.tokens['DEPUTY_TOKEN']}"}
    base = (
        f"{system.api_urls['journal']}/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}/lessons"
    )
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        for finding_id, teacher in rows:
            _kind, lesson_id, pupil_id = finding_id.split(":")
            lesson = (await client.get(f"{base}/{lesson_id}")).json()
            absences = {a["pupil_id"]: a for a in lesson["absences"]}
            if (absences[pupil_id]["kind"], absences[pupil_id]["reason"]) == ("absent", "unknown"):
                return finding_id, teacher
    raise AssertionError("the demo's September of 5А has no absence without a reason")


async def issue_remark(page: Page, finding_id: str) -> tuple[str, str, str]:
    """The deputy issues a remark about the finding, after a blank text was refused beside its
    form; answers the remark's, lesson's and pupil's ids."""
    _kind, lesson_id, pupil_id = finding_id.split(":")
    row = page.locator(f"tr.finding[data-finding='{finding_id}']")
    await row.locator("summary").click()  # the form folded under «Выдать замечание»
    day = lesson_id.split("-")[1]
    prefilled = rf"^Урок {day[6:8]}\.{day[4:6]}\.{day[:4]}, 5А, .+: пропуск без причины"
    await expect(row.get_by_role("textbox")).to_have_value(re.compile(prefilled))

    await row.get_by_role("textbox").fill("   ")  # passes `required`; the journal refuses it
    await row.get_by_role("button", name="Выдать замечание").click()
    await expect(row.get_by_role("alert")).to_contain_text("Текст замечания")
    await expect(page.locator("section[aria-labelledby=remarks-title]")).to_contain_text(
        "Замечаний пока нет"
    )

    await row.get_by_role("textbox").fill("Укажите причину пропуска и отметьте «исправлено».")
    await row.get_by_role("button", name="Выдать замечание").click()
    await page.wait_for_url(re.compile(r"done=issued"))
    remark_id = urlsplit(page.url).fragment
    await expect(page.locator(f"tr#{remark_id}")).to_contain_text("открыто")
    await expect(row.locator("a.status")).to_have_text("открыто")
    return remark_id, lesson_id, pupil_id


async def fix_and_resolve(system, page: Page, remark_id: str, where: tuple[str, str]) -> None:
    """The teacher finds the remark, gives the absence a reason on the lesson page and marks
    the remark done."""
    lesson_id, pupil_id = where
    await page.goto(f"{system.web_url}/remarks")
    remark = page.locator(f"article#{remark_id}")
    await expect(remark).to_contain_text("Укажите причину пропуска")
    await expect(remark).to_contain_text("открыто")
    await assert_accessible(page)

    await remark.get_by_role("link").click()
    await page.wait_for_url(f"**/lessons/{CLASS_ID}/{lesson_id}*")
    cell = page.locator(f"[id='att.{pupil_id}']")
    await expect(cell).to_have_value("Н")
    await cell.fill("У")  # absent for a valid reason
    await page.get_by_role("button", name="Сохранить").click()
    await expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")

    async def fixed_automatically() -> None:
        await page.goto(f"{system.web_url}/remarks")
        await expect(remark).to_contain_text("исправлено автоматически", timeout=1000)

    await eventually(fixed_automatically, timeout=VIEW_SECONDS)
    await remark.get_by_label("Что сделано").fill("Причина пропуска указана.")
    await remark.get_by_role("button", name="Исправлено").click()
    await page.wait_for_url(re.compile(r"/remarks\?done=resolved"))
    done = page.locator("section[aria-labelledby=done-title]").locator(f"article#{remark_id}")
    await expect(done).to_contain_text("исправлено учителем")
    await expect(done).to_contain_text("Причина пропуска указана.")
    await assert_accessible(page)


async def confirm_and_close(system, page: Page, check_id: str, remark_id: str) -> None:
    """The deputy confirms the remark the teacher resolved, then closes the check."""
    await page.goto(f"{system.web_url}/checks/{check_id}")
    row = page.locator(f"tr#{remark_id}")
    await expect(row).to_contain_text("исправлено учителем")
    await expect(row).to_contain_text("Причина пропуска указана.")
    await row.get_by_role("button", name="Подтвердить").click()
    await page.wait_for_url(re.compile(r"done=confirmed"))
    await expect(page.locator(f"tr#{remark_id}")).to_contain_text("подтверждено")
    await assert_accessible(page)
    await screenshot(page, "monthly-check")
    await page.get_by_role("button", name="Закрыть проверку").click()
    await page.wait_for_url(re.compile(r"done=closed"))
    await expect(page.get_by_text("Проверка закрыта.").first).to_be_visible()
    await expect(page.get_by_role("button", name="Подтвердить")).to_have_count(0)


async def read_the_report(system, page: Page, check_id: str) -> None:
    """The printable report by teacher shows the confirmed remark; printed, no menu."""
    await page.goto(f"{system.web_url}/checks/{check_id}/report?by=teacher")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Отчёт о проверке журнала за сентябрь 2026"
    )
    await expect(page.locator("main")).to_contain_text("Проверка закрыта.")
    await expect(page.locator("main .status-confirmed").first).to_have_text("подтверждено")
    await expect(page.get_by_role("button", name="Печать")).to_be_visible()
    await assert_accessible(page)
    await page.emulate_media(media="print")
    await expect(page.locator("header.top")).to_be_hidden()
    await expect(page.get_by_role("button", name="Печать")).to_be_hidden()
    await page.emulate_media(media="screen")


async def download_the_csv(page: Page, teacher_id: str) -> None:
    """The CSV for Excel: UTF-8 with BOM, `;`, CRLF; the teacher's line counts one confirmed."""
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Скачать для Excel (CSV)").click()
    download = await info.value
    assert download.suggested_filename.endswith("-uchitelya.csv")
    data = (await download.path()).read_bytes()
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    heading = rows[0]
    assert heading[:2] == ["Учитель", "Код"]
    (line,) = [row for row in rows[1:] if row[1] == teacher_id]
    counts = dict(zip(heading, line, strict=True))
    assert counts["Замечаний: подтверждено"] == "1"
    assert int(counts["Нарушений при открытии"]) >= 1


async def screen_of(browser: Browser) -> Page:
    """Another person's screen: a context (and session cookie) of its own."""
    context = await browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="ru-RU",
        timezone_id="Europe/Moscow",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    return await context.new_page()
