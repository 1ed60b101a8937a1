"""A teacher fills in a lesson with the keyboard only, in Debian's Chromium.

The administrator adds a lesson of 5А mathematics today for its teacher (the demo's own lessons
are all filled in); the teacher finds it on «Мой день» with what is missing, opens it, types the
topic and the homework, attaches a file, enters 25 marks (two columns of marks) and 3 absences
in the grid with the keys only and saves with Enter. The journal then holds exactly one
whole-class save, two absence reasons and one file; the same form posted again records nothing
new; a reload loses nothing; the class journal shows the marks with the right weighted
averages. A mark off the scale is refused beside its cell and records nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from playwright.async_api import Page, expect

from contracts import subjects
from tests.browser.journal_facts import api_average, journal_get, weighted_average
from tests.support.waiting import eventually
from tests.support.web import assert_accessible, screenshot, sign_in, stream_messages

CLASS_ID, SUBJECT, TEACHER = "5a", "math", "t015"  # the demo's 5А and its mathematics teacher
YEAR = "/journal/v1/schools/s1/years/2026"
VIEW_SECONDS = 30.0  # the journal's views follow its stream within seconds
FILE = {"name": "задачи.txt", "mimeType": "text/plain", "buffer": "Задачи 1–5 из учебника".encode()}
ABSENT = {24: ("KeyY", "Н"), 25: ("Comma", "Б"), 26: ("KeyE", "У")}  # row: (key, letter)


async def test_a_lesson_filled_in_with_the_keyboard_saved_once_and_shown_in_the_journal(
    system, page
):
    lesson_id = await todays_extra_lesson(system)
    day = await lesson_day(system, lesson_id)
    subject = subjects.lesson(2026, "s1", CLASS_ID, lesson_id)

    await sign_in(page, system.web_url, TEACHER, "teacher")
    await page.goto(f"{system.web_url}/day?date={day}")
    row = page.locator("tr", has=page.locator(f"a[href='/lessons/{CLASS_ID}/{lesson_id}']"))
    await expect(row).to_contain_text("нет темы")
    await expect(row).to_contain_text("не отмечена посещаемость")
    await assert_accessible(page)
    await row.get_by_role("link", name="Математика").click()
    await page.wait_for_url(f"**/lessons/{CLASS_ID}/{lesson_id}")
    await assert_accessible(page)

    await page.get_by_role("link", name="Добавить колонку оценок").focus()
    await page.keyboard.press("Enter")  # a second column of new marks
    await page.wait_for_url("**?columns=2")
    pupils = await page.locator("input.att").evaluate_all("cells => cells.map(c => c.id.slice(4))")
    assert len(pupils) == 27
    before = await stream_messages(system.nats_url, subject)

    await type_the_lesson(page)
    await expect(page.locator("#save-state")).to_have_attribute("data-state", "dirty")
    key = await page.locator("input[name=key]").input_value()
    form = await page.locator("#lesson-form").evaluate(
        "f => Array.from(new FormData(f), ([k, v]) => [k, typeof v === 'string' ? v : v.name])"
    )
    await page.keyboard.press("Enter")  # in the last attendance cell: save
    await expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    await expect(page.locator("#save-state")).to_have_text("Сохранено.")
    await expect(page.locator("input[name=key]")).not_to_have_value(key)  # for the next save
    # one whole-class save, the reasons Б and У, the file: nothing more
    assert await stream_messages(system.nats_url, subject) == before + 4

    answer = await post_again(page, dict(form), lesson_id)
    assert (answer["saved"], answer["duplicate"]) == (True, True)
    assert await stream_messages(system.nats_url, subject) == before + 4

    await page.reload()
    await check_nothing_lost(page, pupils)
    await screenshot(page, "lesson-entry")

    await page.get_by_role("link", name="Журнал: Математика, 5А").click()
    await page.wait_for_url(f"**/journal/{CLASS_ID}/{SUBJECT}")
    await check_the_journal(system, page, lesson_id, pupils)
    await assert_accessible(page)


async def test_a_mark_off_the_scale_is_refused_beside_its_cell_and_nothing_is_recorded(
    system, page
):
    lesson_id = await todays_extra_lesson(system)
    subject = subjects.lesson(2026, "s1", CLASS_ID, lesson_id)
    await sign_in(page, system.web_url, TEACHER, "teacher")
    await page.goto(f"{system.web_url}/lessons/{CLASS_ID}/{lesson_id}")
    before = await stream_messages(system.nats_url, subject)

    await page.locator("input[data-r='0'][data-c='0']").focus()
    await page.keyboard.type("5")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.type("7")  # the cell takes any digit; the journal's scale is 1–5
    await page.keyboard.press("Control+Enter")

    state = page.locator("#save-state")
    await expect(state).to_have_attribute("data-state", "refused")
    await expect(state).to_contain_text("Не сохранено")
    second = page.locator("input[data-r='1'][data-c='0']")
    pupil = (await second.get_attribute("id") or "").removeprefix("mark.0.")
    beside = page.locator(f"[id='err-mark.0.{pupil}']")
    await expect(beside).to_have_text("Оценки «7» нет в шкале школы (mark_not_on_scale)")
    await expect(second).to_have_attribute("aria-invalid", "true")
    await expect(second).to_have_value("7")  # what was typed stays to be corrected
    await expect(second).to_be_focused()
    first = (await page.locator("input[data-r='0'][data-c='0']").get_attribute("id")) or ""
    await expect(page.locator(f"[id='err-{first}']")).to_have_text("")
    assert await stream_messages(system.nats_url, subject) == before
    lesson = await journal_get(system, f"{YEAR}/classes/{CLASS_ID}/lessons/{lesson_id}")
    assert (lesson["marks"], lesson["status"]) == ([], "scheduled")
    await assert_accessible(page)


async def type_the_lesson(page: Page) -> None:
    """Topic, homework and its file, 25 marks and 3 absences, with the keys only."""
    await page.locator("#topic").focus()
    await page.keyboard.type("Сложение и вычитание дробей")
    await page.keyboard.press("Tab")
    await page.keyboard.type("№ 214, 215; повторить правило")
    await page.set_input_files("#hw_files", files=[FILE])  # the file chooser itself
    await page.locator("input[data-r='0'][data-c='0']").focus()
    for row in range(24):  # column 1: 24 pupils
        await page.keyboard.type(str(2 + row % 4))
        await page.keyboard.press("ArrowDown")
    for _ in range(24):  # back from the 25th pupil to the first
        await page.keyboard.press("ArrowUp")
    await page.keyboard.press("ArrowRight")  # column 2, first pupil: the 25th mark
    await page.keyboard.type("4")
    await page.keyboard.press("ArrowRight")  # attendance of the first pupil: left empty
    for _ in range(24):
        await page.keyboard.press("ArrowDown")
    for row, (key, _letter) in ABSENT.items():  # the Latin layout's keys of Н, Б, У
        await page.keyboard.press(key)
        if row < 26:
            await page.keyboard.press("ArrowDown")


async def post_again(page: Page, form: dict[str, str], lesson_id: str) -> dict[str, Any]:
    """The very form posted again (a retry, a second click): the same fields, file and key."""
    fields: dict[str, Any] = {**form, "hw_files": FILE}
    csrf = await page.locator("meta[name=csrf-token]").get_attribute("content") or ""
    answer = await page.request.post(
        f"{page.url.split('/lessons/')[0]}/lessons/{CLASS_ID}/{lesson_id}/save",
        multipart=fields,
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
    )
    assert answer.status == 200, await answer.text()
    result: dict[str, Any] = await answer.json()
    return result


async def check_nothing_lost(page: Page, pupils: list[str]) -> None:
    """After a reload: the topic, the homework and its file, the marks, the letters."""
    await expect(page.locator("#topic")).to_have_value("Сложение и вычитание дробей")
    await expect(page.locator("#hw_text")).to_have_value("№ 214, 215; повторить правило")
    await expect(page.get_by_role("link", name=FILE["name"])).to_be_visible()
    await expect(page.locator("#held")).to_be_checked()
    await expect(page.locator("td.chips .chip")).to_have_count(25)
    first = page.locator("tbody tr").first
    chips = first.locator(".chip")
    await expect(chips).to_have_count(2)  # both columns' marks
    assert sorted(await chips.all_text_contents()) == ["2", "4"]
    for row, (_key, letter) in ABSENT.items():
        await expect(page.locator(f"[id='att.{pupils[row]}']")).to_have_value(letter)
    await expect(page.locator(f"[id='att.{pupils[0]}']")).to_have_value("")


async def check_the_journal(system, page: Page, lesson_id: str, pupils: list[str]) -> None:
    """The lesson's column holds the marks and letters; each average is the weighted one."""
    shown_range = {
        "from": await page.locator("input#from").input_value(),
        "to": await page.locator("input#to").input_value(),
    }
    grid = await journal_get(
        system, f"{YEAR}/classes/{CLASS_ID}/subjects/{SUBJECT}/grid", shown_range
    )
    column = next(i for i, x in enumerate(grid["lessons"]) if x["lesson_id"] == lesson_id)
    await expect(page.locator(f"thead a[href='/lessons/{CLASS_ID}/{lesson_id}']")).to_be_visible()
    lines = page.locator("tbody tr")
    await expect(lines).to_have_count(len(grid["rows"]))
    for index, row in enumerate(grid["rows"]):
        line = lines.nth(index)
        cell = row["cells"][column]
        text = "".join(m["value"] for m in cell["marks"]) + (cell["absence"] or "")
        await expect(line.locator("td").nth(column)).to_have_text(text)
        expected = weighted_average(row["cells"])
        await expect(line.locator("td.sum").first).to_have_text(expected)
        if row["average"] is not None:  # the API's own average, as the page writes it
            assert expected == api_average(row["average"])
    ours = [row["cells"][column] for row in grid["rows"] if row["pupil_id"] in pupils]
    assert sum(len(cell["marks"]) for cell in ours) == 25
    letters = sorted(cell["absence"] for cell in ours if cell["absence"])
    assert letters == sorted(letter for _key, letter in ABSENT.values())


async def todays_extra_lesson(system) -> str:
    """A lesson of 5А mathematics for its teacher today, added by the administrator in the
    first free slot; its id. Today (UTC) is never after the school's date in Moscow."""
    today = dt.datetime.now(dt.UTC).date()
    headers = {"Authorization": f"Bearer {system.tokens['ADMIN_TOKEN']}"}
    async with httpx.AsyncClient(base_url=system.api_urls["journal"], headers=headers) as http:
        for slot in range(1, 13):
            body = {"subject_id": SUBJECT, "date": today.isoformat(), "slot": slot,
                    "teacher_id": TEACHER}  # fmt: skip
            answer = await http.post(f"{YEAR}/classes/{CLASS_ID}/lessons", json=body)
            if answer.status_code == 201:
                lesson_id: str = answer.json()["lesson_id"]
                assert lesson_id == f"{CLASS_ID}-{today:%Y%m%d}-{slot}", answer.text
                return lesson_id
            assert answer.json()["reason"] == "already_exists", answer.text
    raise AssertionError("no free slot today")


async def lesson_day(system, lesson_id: str) -> str:
    """The lesson's date, once the teacher's day in the journal lists it as not filled in."""
    digits = lesson_id.split("-")[1]  # 5a-YYYYMMDD-slot
    day = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"

    async def listed() -> None:
        answer = await journal_get(system, f"{YEAR}/teachers/{TEACHER}/day", {"date": day})
        lessons = [x for x in answer["lessons"] if x["lesson_id"] == lesson_id]
        assert lessons, f"{lesson_id} is not on the teacher's day yet"
        assert set(lessons[0]["missing"]) == {"topic", "held", "attendance"}

    await eventually(listed, timeout=VIEW_SECONDS)
    return day
