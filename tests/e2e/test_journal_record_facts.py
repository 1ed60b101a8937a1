"""The journal's record facts: what the diary should show, for the journal-vs-diary check."""

from __future__ import annotations

import json

import pytest

from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    math_lesson_id,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

BASE = "/journal/v1/schools/s1/years/2026"
LESSON = math_lesson_id(FIRST_MONDAY)


async def _facts(journal, headers) -> list[dict]:
    response = await journal.http.get(f"{BASE}/record-facts", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def test_record_facts_list_classes_then_lessons_with_what_the_diary_shows(journal):
    body = {
        "topic": "Дроби",
        "homework": {"text": "§12", "due_on": "2026-09-09"},
        "marks": [
            {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "test", "comment": "молодец"},
            {"pupil_id": PUPILS[1], "value": "4", "work_kind_id": "oral"},
        ],
        "attendance": [{"pupil_id": PUPILS[2], "kind": "absent"}],
    }
    teacher = journal.headers(MATH_TEACHER.id, "teacher")
    saved = await journal.http.post(
        f"{BASE}/classes/{CLASS_ID}/lessons/{LESSON}/entries", json=body, headers=teacher
    )
    assert saved.status_code == 200, saved.text
    cancelled_id = saved.json()["mark_ids"][1]
    cancel = await journal.http.post(
        f"{BASE}/classes/{CLASS_ID}/lessons/{LESSON}/marks/{cancelled_id}/cancel",
        json={"reason": "ошибка"},
        headers=teacher,
    )
    assert cancel.status_code == 200, cancel.text
    admin = journal.headers(ADMIN.id, "admin")

    async def cancelled_mark_gone():
        facts = await _facts(journal, admin)
        lessons = {f["id"]: f["content"] for f in facts if f["kind"] == "lesson"}
        assert LESSON in lessons
        assert len(lessons[LESSON]["marks"]) == 1
        return facts

    facts = await eventually(cancelled_mark_gone)
    keys = [(f["kind"], f["id"]) for f in facts]
    assert keys == sorted(keys)
    assert keys[0] == ("class", CLASS_ID)
    klass = facts[0]["content"]
    assert {m["pupil_id"] for m in klass["members"]} == {*PUPILS, NEWCOMER}
    lesson = next(f["content"] for f in facts if f["id"] == LESSON)
    assert lesson["status"] == "held"
    assert lesson["topic"] == "Дроби"
    assert (lesson["homework"], lesson["homework_due_on"]) == ("§12", "2026-09-09")
    assert lesson["teacher_id"] == MATH_TEACHER.id
    [mark] = lesson["marks"]
    assert (mark["pupil_id"], mark["value"], mark["comment"]) == (PUPILS[0], "5", "молодец")
    [absence] = lesson["absences"]
    assert (absence["pupil_id"], absence["letter"], absence["reason"]) == (
        PUPILS[2],
        "Н",
        "unknown",
    )


async def test_record_facts_are_for_the_whole_school_roles_only(journal):
    teacher = journal.headers(MATH_TEACHER.id, "teacher")
    response = await journal.http.get(f"{BASE}/record-facts", headers=teacher)
    assert response.status_code == 403
    assert response.json()["reason"] == "role_not_allowed"
    system = journal.headers("exporter", "system")
    assert (await journal.http.get(f"{BASE}/record-facts", headers=system)).status_code == 200
