"""A teacher names a pupil of the class in the lesson's topic, in Debian's Chromium: the save
goes through, the page says that the diary gets «[ученик]» instead, and the event on the
JOURNAL stream carries the topic redacted, the words as typed only sealed under the pupil's
key (so that erasing the pupil takes the name out of it)."""

from __future__ import annotations

import json

import nats
from playwright.async_api import Page, expect

from contracts import subjects
from contracts.streams import JOURNAL
from services.web.domain.diary_names import WARNING
from tests.browser.test_lesson_entry import CLASS_ID, TEACHER, lesson_day, todays_extra_lesson
from tests.support.web import assert_accessible, sign_in


async def test_a_topic_naming_a_pupil_is_saved_with_a_warning_and_travels_sealed(system, page):
    lesson_id = await todays_extra_lesson(system)
    await lesson_day(system, lesson_id)  # the journal's views know the lesson
    await sign_in(page, system.web_url, TEACHER, "teacher")
    await page.goto(f"{system.web_url}/lessons/{CLASS_ID}/{lesson_id}")
    surname, first = (await first_pupil(page)).split()[:2]

    await page.locator("#topic").focus()
    await page.keyboard.type(f"Доклад: {first} {surname}")
    await page.keyboard.press("Enter")

    await expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    await expect(page.get_by_text(WARNING).first).to_be_visible()
    await assert_accessible(page)
    data = await last_event(system.nats_url, subjects.lesson(2026, "s1", CLASS_ID, lesson_id))
    assert data["topic"] == "Доклад: [ученик]", data
    assert [entry["at"] for entry in data["named"]] == [["topic"]], data
    assert surname not in json.dumps(data, ensure_ascii=False)


async def first_pupil(page: Page) -> str:
    """The full name of the first pupil in the lesson's grid."""
    return (await page.locator("th[scope=row][id^=pupil-]").first.inner_text()).strip()


async def last_event(nats_url: str, subject: str) -> dict[str, object]:
    """The payload of the last event on `subject`, as the JOURNAL stream holds it."""
    connection = await nats.connect(nats_url, connect_timeout=5, allow_reconnect=False)
    try:
        message = await connection.jetstream().get_last_msg(JOURNAL.name, subject)
    finally:
        await connection.close()
    data: dict[str, object] = json.loads(message.data or b"{}")["data"]
    return data
