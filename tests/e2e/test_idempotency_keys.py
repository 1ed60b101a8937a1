"""Idempotency keys on the journal over HTTP: a retry records once and answers what the first
request recorded, also after JetStream's duplicate window; the same key with another body is
refused, also when the body chooses another lesson to create (the key ledger); another
teacher's key is theirs."""

from __future__ import annotations

import pytest

from contracts.streams import JOURNAL
from tests.support.answers import assert_key_reused, assert_same_answer
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    RUSSIAN_TEACHER,
    math_lesson_id,
)
from tests.support.waiting import (
    eventually,
    outlive_duplicate_window,
    shorten_duplicate_window,
)

pytestmark = pytest.mark.e2e

BASE = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}"
MATH_LESSON = math_lesson_id(FIRST_MONDAY)
RUSSIAN_LESSON = math_lesson_id(FIRST_MONDAY, 2)
MARK = {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"}
EXTRA_LESSON = {
    "subject_id": "math",
    "date": "2026-09-08",
    "slot": 6,
    "teacher_id": MATH_TEACHER.id,
}


async def stored(js) -> int:
    return (await js.stream_info(JOURNAL.name)).state.messages


async def mark(journal, key: str, body=None, *, lesson=MATH_LESSON, teacher=MATH_TEACHER):
    headers = {**journal.headers(teacher.id, "teacher"), "Idempotency-Key": key}
    url = f"{BASE}/lessons/{lesson}/marks"
    return await journal.http.post(url, json=body or MARK, headers=headers)


async def test_a_retry_records_once_and_answers_the_same(journal, js):
    before = await stored(js)
    first = await mark(journal, "mark-1")
    again = await mark(journal, "mark-1", {"work_kind_id": "oral", "value": "5", **MARK})

    assert_same_answer(first, again)
    assert await stored(js) == before + 1


async def test_the_same_key_with_another_body_is_refused_and_records_nothing(journal, js):
    first = await mark(journal, "mark-2")
    before = await stored(js)

    assert_key_reused(await mark(journal, "mark-2", {**MARK, "value": "3"}))
    assert_key_reused(await mark(journal, "mark-2", {**MARK, "pupil_id": PUPILS[1]}))
    assert await stored(js) == before
    assert_same_answer(first, await mark(journal, "mark-2"))


async def test_another_teachers_key_on_their_own_lesson_is_theirs(journal, js):
    before = await stored(js)
    math = await mark(journal, "same-key")
    russian = await mark(journal, "same-key", lesson=RUSSIAN_LESSON, teacher=RUSSIAN_TEACHER)

    assert (math.status_code, russian.status_code) == (201, 201), russian.text
    assert (math.json()["duplicate"], russian.json()["duplicate"]) == (False, False)
    assert math.json()["mark_id"] != russian.json()["mark_id"]
    assert await stored(js) == before + 2

    async def both_lessons_have_their_mark():
        for lesson, answer in ((MATH_LESSON, math), (RUSSIAN_LESSON, russian)):
            shown = await journal.http.get(
                f"{BASE}/lessons/{lesson}", headers=journal.headers(ADMIN.id, "admin")
            )
            assert shown.status_code == 200, shown.text  # 404 until the view has the lesson
            assert answer.json()["mark_id"] in {m["mark_id"] for m in shown.json()["marks"]}

    await eventually(both_lessons_have_their_mark, timeout=20)


async def test_a_retry_after_the_duplicate_window_still_answers_the_first_record(journal, js):
    await shorten_duplicate_window(js, JOURNAL.name)
    first = await mark(journal, "mark-late")
    before = await stored(js)
    await outlive_duplicate_window()

    assert_same_answer(first, await mark(journal, "mark-late"))
    assert_key_reused(await mark(journal, "mark-late", {**MARK, "value": "2"}))
    assert await stored(js) == before


async def test_a_key_that_added_a_lesson_is_refused_for_another_date_after_the_window(journal, js):
    """The body chooses the lesson to create: after JetStream's window only the key ledger still
    knows that the key was used, on another lesson than the second body names."""
    headers = {**journal.headers(ADMIN.id, "admin"), "Idempotency-Key": "extra-1"}

    async def add(body):
        return await journal.http.post(f"{BASE}/lessons", json=body, headers=headers)

    await shorten_duplicate_window(js, JOURNAL.name)
    first = await add(EXTRA_LESSON)
    before = await stored(js)
    await outlive_duplicate_window()

    assert_key_reused(await add({**EXTRA_LESSON, "date": "2026-09-09"}))
    assert_key_reused(await add({**EXTRA_LESSON, "slot": 7}))
    assert_same_answer(first, await add(EXTRA_LESSON))
    assert await stored(js) == before


async def test_a_retried_upload_is_recognised_whatever_its_multipart_boundary(journal, js):
    url = f"{BASE}/lessons/{MATH_LESSON}/homework/attachments"
    headers = {**journal.headers(MATH_TEACHER.id, "teacher"), "Idempotency-Key": "file-1"}

    async def upload(data: bytes):
        files = {"file": ("task.pdf", data, "application/pdf")}
        return await journal.http.post(url, headers=headers, files=files, data={"name": "Задание"})

    first = await upload(b"%PDF-1.4 task")
    before = await stored(js)
    assert_same_answer(first, await upload(b"%PDF-1.4 task"))
    assert_key_reused(await upload(b"%PDF-1.4 another task"))
    assert await stored(js) == before
