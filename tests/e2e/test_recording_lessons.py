"""A teacher records a day's lessons over HTTP and the school sees its class journal."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
    FIRST_MONDAY,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    RUSSIAN_TEACHER,
    math_lesson_id,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

BASE = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}"
LESSON = math_lesson_id(FIRST_MONDAY)
WEDNESDAY_LESSON = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=2), 2)


def teacher(journal):
    return journal.headers(MATH_TEACHER.id, "teacher")


async def _last_seq(journal) -> int:
    info = await journal.runtime.nats.jetstream().stream_info("JOURNAL")
    return info.state.last_seq


async def _lesson(journal, lesson_id=LESSON, headers=None):
    response = await journal.http.get(
        f"{BASE}/lessons/{lesson_id}", headers=headers or journal.headers(ADMIN.id, "admin")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_whole_class_save_shows_up_in_the_class_journal(journal):
    body = {
        "held": True,
        "topic": "Сложение дробей",
        "homework": {"text": "§12, упр. 3-5", "due_on": "2026-09-09"},
        "marks": [
            {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "test"},
            {"pupil_id": PUPILS[0], "value": "3", "work_kind_id": "classwork"},
            {"pupil_id": PUPILS[1], "value": "4", "work_kind_id": "oral"},
        ],
        "attendance": [
            {"pupil_id": PUPILS[2], "kind": "absent"},
            {"pupil_id": PUPILS[3], "kind": "late", "minutes_late": 10},
        ],
    }
    response = await journal.http.post(
        f"{BASE}/lessons/{LESSON}/entries", json=body, headers=teacher(journal)
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["mark_ids"]) == 3

    async def grid_is_complete():
        grid = await journal.http.get(
            f"{BASE}/subjects/math/grid",
            params={"from": "2026-09-01", "to": "2026-09-30"},
            headers=journal.headers(DEPUTY.id, "deputy"),
        )
        assert grid.status_code == 200, grid.text
        rows = {row["pupil_id"]: row for row in grid.json()["rows"]}
        assert rows[PUPILS[0]]["average"] == "4.33"  # (5*2 + 3*1) / 3
        return rows

    rows = await eventually(grid_is_complete)
    cells = {c["lesson_id"]: c for c in rows[PUPILS[2]]["cells"]}
    assert cells[LESSON]["absence"] == "Н"
    assert {c["lesson_id"]: c for c in rows[PUPILS[3]]["cells"]}[LESSON]["absence"] == "ОП"
    detail = await _lesson(journal)
    assert detail["topic"] == "Сложение дробей"
    assert detail["status"] == "held"
    assert detail["attendance_taken"] is True


async def test_the_class_teacher_sets_a_reason_later_without_hiding_who_saw_the_absence(journal):
    await journal.http.put(
        f"{BASE}/lessons/{LESSON}/attendance",
        headers=teacher(journal),
        json={"absences": [{"pupil_id": PUPILS[2], "kind": "absent"}]},
    )
    response = await journal.http.put(
        f"{BASE}/lessons/{LESSON}/absences/{PUPILS[2]}/reason",
        json={"reason": "illness", "evidence": "справка"},
        headers=journal.headers(RUSSIAN_TEACHER.id, "teacher"),  # the class teacher of 5a
    )
    assert response.status_code == 200, response.text

    async def reason_is_shown():
        absences = (await _lesson(journal))["absences"]
        assert len(absences) == 1  # an AssertionError, so `eventually` waits for the view
        assert absences[0]["letter"] == "Б"
        return absences[0]

    absence = await eventually(reason_is_shown)
    assert absence["observed_by"] == MATH_TEACHER.id
    assert absence["reason_set_by"] == RUSSIAN_TEACHER.id


async def test_the_teachers_day_lists_what_is_still_missing(journal):
    await journal.http.put(
        f"{BASE}/lessons/{LESSON}/topic", json={"topic": "Дроби"}, headers=teacher(journal)
    )

    async def day_shows_missing():
        response = await journal.http.get(
            f"/journal/v1/schools/s1/years/2026/teachers/{MATH_TEACHER.id}/day",
            params={"date": FIRST_MONDAY.isoformat()},
            headers=teacher(journal),
        )
        assert response.status_code == 200, response.text
        entries = response.json()["lessons"]
        assert len(entries) == 1
        assert entries[0]["missing"] == ["held", "attendance"]

    await eventually(day_shows_missing)


async def test_a_substitute_becomes_the_teacher_of_record(journal):
    response = await journal.http.post(
        f"{BASE}/lessons/{LESSON}/substitute",
        json={"substitute_id": RUSSIAN_TEACHER.id, "reason": "болезнь учителя"},
        headers=journal.headers(DEPUTY.id, "deputy"),
    )
    assert response.status_code == 200, response.text
    refused = await journal.http.post(f"{BASE}/lessons/{LESSON}/held", headers=teacher(journal))
    assert refused.status_code == 403
    assert refused.json()["reason"] == "not_lesson_teacher"
    accepted = await journal.http.post(
        f"{BASE}/lessons/{LESSON}/held", headers=journal.headers(RUSSIAN_TEACHER.id, "teacher")
    )
    assert accepted.status_code == 200, accepted.text


BAD_REQUESTS = [
    # (what, path suffix, body, status, reason)
    (
        "mark outside the scale",
        f"/lessons/{LESSON}/marks",
        {"pupil_id": PUPILS[0], "value": "6", "work_kind_id": "oral"},
        422,
        "mark_not_on_scale",
    ),
    (
        "pupil not in the class on that date",
        f"/lessons/{LESSON}/marks",
        {"pupil_id": NEWCOMER, "value": "5", "work_kind_id": "oral"},
        422,
        "pupil_not_in_class",
    ),
    (
        "unknown kind of work",
        f"/lessons/{LESSON}/marks",
        {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "nope"},
        422,
        "unknown_work_kind",
    ),
    (
        "unknown lesson",
        "/lessons/5a-20260908-1/marks",
        {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"},
        404,
        "lesson_not_found",
    ),
    ("malformed body", f"/lessons/{LESSON}/marks", {"pupil_id": PUPILS[0]}, 422, "invalid_request"),
    (
        "unknown field",
        f"/lessons/{LESSON}/marks",
        {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral", "extra": 1},
        422,
        "invalid_request",
    ),
    (
        "absence of a pupil twice",
        f"/lessons/{LESSON}/entries",
        {
            "attendance": [
                {"pupil_id": PUPILS[0], "kind": "absent"},
                {"pupil_id": PUPILS[0], "kind": "late"},
            ]
        },
        422,
        "duplicate_pupil",
    ),
]


@pytest.mark.parametrize(
    ("what", "path", "body", "status", "reason"),
    BAD_REQUESTS,
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_bad_input_is_refused_with_a_reason_and_records_nothing(
    journal, what, path, body, status, reason
):
    before = await _last_seq(journal)
    response = await journal.http.post(f"{BASE}{path}", json=body, headers=teacher(journal))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == reason
    assert await _last_seq(journal) == before


async def test_a_lesson_of_another_teacher_is_refused(journal):
    before = await _last_seq(journal)
    response = await journal.http.post(
        f"{BASE}/lessons/{LESSON}/marks",
        json={"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"},
        headers=journal.headers(RUSSIAN_TEACHER.id, "teacher"),
    )
    assert response.status_code == 403
    assert response.json()["reason"] == "not_lesson_teacher"
    assert await _last_seq(journal) == before


@pytest.mark.parametrize(
    ("headers_of", "status", "reason"),
    [
        (lambda j: {}, 401, "missing_token"),
        (lambda j: {"Authorization": "Bearer not-a-jwt"}, 401, "malformed_token"),
        (lambda j: j.headers(MATH_TEACHER.id, "teacher", school="s2"), 403, "wrong_school"),
        (lambda j: j.headers(ADMIN.id, "admin"), 403, "role_not_allowed"),
    ],
)
async def test_who_may_record_is_checked_first(journal, headers_of, status, reason):
    response = await journal.http.post(f"{BASE}/lessons/{LESSON}/held", headers=headers_of(journal))
    assert response.status_code == status
    assert response.json()["reason"] == reason


async def test_racing_requests_on_one_lesson_lose_no_update(journal):
    requests = [
        journal.http.post(
            f"{BASE}/lessons/{LESSON}/marks",
            headers=teacher(journal),
            json={"pupil_id": PUPILS[i % len(PUPILS)], "value": "4", "work_kind_id": "oral"},
        )
        for i in range(16)
    ]
    responses = await asyncio.gather(*requests)
    failed = [r.text for r in responses if r.status_code != 201]
    assert not failed, failed

    async def all_marks_in_view():
        assert len((await _lesson(journal))["marks"]) == 16

    await eventually(all_marks_in_view)


async def test_a_retried_request_records_once(journal):
    headers = {**teacher(journal), "Idempotency-Key": "req-42"}
    body = {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"}
    first = await journal.http.post(f"{BASE}/lessons/{LESSON}/marks", json=body, headers=headers)
    again = await journal.http.post(f"{BASE}/lessons/{LESSON}/marks", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["duplicate"] is True
    assert again.json()["mark_id"] == first.json()["mark_id"]
    assert again.json()["seq"] == first.json()["seq"]

    async def one_mark():
        assert len((await _lesson(journal))["marks"]) == 1

    await eventually(one_mark)


async def test_homework_files_are_stored_checked_and_downloadable(journal):
    url = f"{BASE}/lessons/{LESSON}/homework/attachments"
    pdf = b"%PDF-1.4 homework"
    ok = await journal.http.post(
        url, headers=teacher(journal), files={"file": ("task.pdf", pdf, "application/pdf")}
    )
    assert ok.status_code == 201, ok.text
    attachment_id = ok.json()["attachment_id"]
    too_big = b"%PDF-" + b"0" * (11 * 1024 * 1024)
    big = await journal.http.post(
        url, headers=teacher(journal), files={"file": ("big.pdf", too_big, "application/pdf")}
    )
    assert (big.status_code, big.json()["reason"]) == (413, "file_too_large")
    fake = await journal.http.post(
        url, headers=teacher(journal), files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")}
    )
    assert (fake.status_code, fake.json()["reason"]) == (415, "unsupported_file_type")
    exe = await journal.http.post(
        url, headers=teacher(journal), files={"file": ("x.exe", b"MZ", "application/x-msdownload")}
    )
    assert (exe.status_code, exe.json()["reason"]) == (415, "unsupported_file_type")

    async def downloadable():
        response = await journal.http.get(f"{url}/{attachment_id}", headers=teacher(journal))
        assert response.status_code == 200, response.text
        return response

    response = await eventually(downloadable)
    assert response.content == pdf
    assert response.headers["content-type"] == "application/pdf"
    detail = await _lesson(journal)
    assert [a["name"] for a in detail["homework"]["attachments"]] == ["task.pdf"]
