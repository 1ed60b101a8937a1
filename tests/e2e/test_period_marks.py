"""Period marks and closing a period, over HTTP with the real journal.

Must show: a period mark that differs from the computed average keeps both, with the inputs;
edits of a closed period are refused with a clear reason; a correction by an authorised role
is accepted and flagged.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    math_lesson_id,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

YEAR = "/journal/v1/schools/s1/years/2026"
BASE = f"{YEAR}/classes/{CLASS_ID}"
MONDAY_LESSON = math_lesson_id(FIRST_MONDAY)
WEDNESDAY_LESSON = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=2), 2)
SHEET = f"{BASE}/subjects/math/period-marks"
PUPIL = PUPILS[0]
REASON = "исправление по служебной записке № 12"


def teacher(journal):
    return journal.headers(MATH_TEACHER.id, "teacher")


def admin(journal):
    return journal.headers(ADMIN.id, "admin")


def deputy(journal):
    return journal.headers(DEPUTY.id, "deputy")


async def _record_marks(journal) -> None:
    """4 (test, weight 2) and 5 on Monday, 4 on Wednesday: (8 + 5 + 4) / 4 = 4.25."""
    monday = {
        "marks": [
            {"pupil_id": PUPIL, "value": "4", "work_kind_id": "test"},
            {"pupil_id": PUPIL, "value": "5", "work_kind_id": "classwork"},
        ]
    }
    wednesday = {"marks": [{"pupil_id": PUPIL, "value": "4", "work_kind_id": "oral"}]}
    for lesson_id, body in ((MONDAY_LESSON, monday), (WEDNESDAY_LESSON, wednesday)):
        response = await journal.http.post(
            f"{BASE}/lessons/{lesson_id}/entries", json=body, headers=teacher(journal)
        )
        assert response.status_code == 200, response.text


async def _sheet(journal, headers=None, period="q1") -> dict:
    response = await journal.http.get(
        SHEET, params={"period_id": period}, headers=headers or deputy(journal)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _line(journal, pupil=PUPIL) -> dict:
    sheet = await _sheet(journal)
    return next(line for line in sheet["pupils"] if line["pupil_id"] == pupil)


async def _set(journal, value, headers, **extra):
    return await journal.http.put(
        f"{SHEET}/q1/{PUPIL}", json={"value": value, **extra}, headers=headers
    )


def _reason(response) -> str:
    return response.json()["reason"]


async def test_a_period_mark_that_differs_from_the_average_keeps_both_with_the_inputs(journal):
    await _record_marks(journal)

    async def averaged():
        line = await _line(journal)
        assert line["average"] == "4.25"
        return line

    line = await eventually(averaged)
    assert (line["suggested"], line["marks_counted"], line["set"]) == ("4", 3, None)

    response = await _set(journal, "5", teacher(journal))
    assert response.status_code == 200, response.text
    assert response.json()["event_type"] == "journal.PeriodMarkSet"

    async def set_in_view():
        line = await _line(journal)
        assert line["set"] is not None
        return line

    line = await eventually(set_in_view)
    mark = line["set"]
    assert (mark["value"], mark["average"], mark["suggested"]) == ("5", "4.25", "4")
    assert mark["differs_from_suggestion"]
    assert mark["rules"] == {"version": 0, "rounding": "half_up", "min_marks": 3}
    assert sorted((i["value"], i["weight"]) for i in mark["inputs"]) == [
        ("4", "1.00"),
        ("4", "2.00"),
        ("5", "1.00"),
    ]
    assert {i["lesson_id"] for i in mark["inputs"]} == {MONDAY_LESSON, WEDNESDAY_LESSON}
    assert (mark["set_by"], mark["corrected_after_close"]) == (MATH_TEACHER.id, False)

    # New grading rules: the sheet suggests under them, the mark set keeps its own.
    rules = await journal.http.put(
        f"{YEAR}/config/grading-rules",
        json={"rounding": "up", "min_marks": 2},
        headers=admin(journal),
    )
    assert rules.status_code == 200, rules.text
    sheet = await _sheet(journal)
    assert sheet["rules"] == {"version": 1, "rounding": "up", "min_marks": 2}
    line = next(line for line in sheet["pupils"] if line["pupil_id"] == PUPIL)
    assert line["suggested"] == "5"
    assert line["set"]["rules"]["version"] == 0
    assert line["set"]["suggested"] == "4"

    other = await _set(journal, "шесть", teacher(journal))
    assert (other.status_code, _reason(other)) == (422, "mark_not_on_scale")
    exempt = await journal.http.put(
        f"{SHEET}/q1/{PUPILS[1]}", json={"value": "осв"}, headers=teacher(journal)
    )
    assert exempt.status_code == 200, exempt.text


async def test_a_closed_period_refuses_edits_and_takes_flagged_corrections(journal):
    await _record_marks(journal)
    await eventually(lambda: _expect_average(journal))

    close = await journal.http.post(f"{YEAR}/periods/q1/close", headers=admin(journal))
    assert close.status_code == 200, close.text
    assert close.json()["event_type"] == "journal.PeriodClosed"
    again = await journal.http.post(f"{YEAR}/periods/q1/close", headers=admin(journal))
    assert (again.status_code, _reason(again)) == (409, "period_already_closed")
    unknown = await journal.http.post(f"{YEAR}/periods/q9/close", headers=admin(journal))
    assert (unknown.status_code, _reason(unknown)) == (404, "period_not_found")
    by_deputy = await journal.http.post(f"{YEAR}/periods/q2/close", headers=deputy(journal))
    assert (by_deputy.status_code, _reason(by_deputy)) == (403, "role_not_allowed")

    topic = f"{BASE}/lessons/{MONDAY_LESSON}/topic"
    refused = await journal.http.put(topic, json={"topic": "Дроби"}, headers=teacher(journal))
    assert (refused.status_code, _reason(refused)) == (409, "period_closed")
    assert "period 'q1' is closed" in refused.json()["detail"]
    teachers_correction = await journal.http.put(
        topic, json={"topic": "Дроби", "correction_reason": REASON}, headers=teacher(journal)
    )
    assert (teachers_correction.status_code, _reason(teachers_correction)) == (
        403,
        "correction_not_allowed",
    )
    without_reason = await journal.http.put(topic, json={"topic": "Дроби"}, headers=deputy(journal))
    assert (without_reason.status_code, _reason(without_reason)) == (403, "role_not_allowed")
    assert "correction_reason" in without_reason.json()["detail"]
    corrected = await journal.http.put(
        topic, json={"topic": "Дроби", "correction_reason": REASON}, headers=deputy(journal)
    )
    assert corrected.status_code == 200, corrected.text
    mark = await journal.http.post(
        f"{BASE}/lessons/{MONDAY_LESSON}/marks",
        json={
            "pupil_id": PUPILS[1],
            "value": "3",
            "work_kind_id": "oral",
            "correction_reason": REASON,
        },
        headers=admin(journal),
    )
    assert mark.status_code == 201, mark.text

    async def flagged():
        detail = await journal.http.get(f"{BASE}/lessons/{MONDAY_LESSON}", headers=deputy(journal))
        body = detail.json()
        assert [c["event_type"] for c in body["corrections"]] == [
            "journal.TopicSet",
            "journal.MarkRecorded",
        ]
        return body

    detail = await eventually(flagged)
    assert detail["topic"] == "Дроби"
    assert {c["reason"] for c in detail["corrections"]} == {REASON}
    assert [c["actor_id"] for c in detail["corrections"]] == [DEPUTY.id, ADMIN.id]
    new = next(m for m in detail["marks"] if m["mark_id"] == mark.json()["mark_id"])
    assert (new["corrected_after_close"], new["correction_reason"]) == (True, REASON)
    assert not any(m["corrected_after_close"] for m in detail["marks"] if m is not new)

    grid = await journal.http.get(
        f"{BASE}/subjects/math/grid",
        params={"from": "2026-09-01", "to": "2026-09-30"},
        headers=deputy(journal),
    )
    body = grid.json()
    flags = {lesson["lesson_id"]: lesson["corrected_after_close"] for lesson in body["lessons"]}
    assert flags[MONDAY_LESSON] is True
    assert flags[WEDNESDAY_LESSON] is False
    row = next(r for r in body["rows"] if r["pupil_id"] == PUPILS[1])
    cell = next(c for c in row["cells"] if c["lesson_id"] == MONDAY_LESSON)
    assert cell["corrected_after_close"]

    # Period marks of the closed period: the same rule.
    refused_mark = await _set(journal, "5", teacher(journal))
    assert (refused_mark.status_code, _reason(refused_mark)) == (409, "period_closed")
    correction = await _set(journal, "5", deputy(journal), correction_reason=REASON)
    assert correction.status_code == 200, correction.text

    async def corrected_mark():
        line = await _line(journal)
        assert line["set"] is not None
        return line["set"]

    period_mark = await eventually(corrected_mark)
    assert (period_mark["corrected_after_close"], period_mark["correction_reason"]) == (
        True,
        REASON,
    )
    assert (await _sheet(journal))["closed"] is True

    # Reopened, the teacher edits again, without a correction.
    reopen = await journal.http.post(
        f"{YEAR}/periods/q1/reopen", json={"reason": "закрыли раньше срока"}, headers=admin(journal)
    )
    assert reopen.status_code == 200, reopen.text
    again = await journal.http.put(
        topic, json={"topic": "Дроби и проценты"}, headers=teacher(journal)
    )
    assert again.status_code == 200, again.text
    not_closed = await journal.http.post(
        f"{YEAR}/periods/q1/reopen", json={"reason": "ещё раз"}, headers=admin(journal)
    )
    assert (not_closed.status_code, _reason(not_closed)) == (409, "period_not_closed")


async def _expect_average(journal) -> None:
    assert (await _line(journal))["average"] == "4.25"
