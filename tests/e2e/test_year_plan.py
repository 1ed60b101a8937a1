"""The year's plan per grade over HTTP with the real journal: grade 10 works in halves while
grade 5 works in quarters, and a subject is pass/fail in grade 10.

Must show: a grade 10 class closes its first half while a grade 5 class is still in its second
quarter (its lessons there stay open, the grade 10 lessons of the same days are refused); a
pass/fail subject takes «зач»/«незач» and its period mark is «зач»; a calendar that would leave
a school day outside every period is refused with a machine-readable reason; the roster tells
which grades work in which period.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.journal import ADMIN, CLASS_ID, MATH_TEACHER, math_lesson_id
from tests.support.waiting import eventually
from tests.support.year_plan import HALVES, SENIOR, SENIOR_PUPIL, senior_class_steps

pytestmark = pytest.mark.e2e

YEAR = "/journal/v1/schools/s1/years/2026"
NOVEMBER_MONDAY = dt.date(2026, 11, 9)


def admin(journal) -> dict[str, str]:
    return journal.headers(ADMIN.id, "admin")


def teacher(journal) -> dict[str, str]:
    return journal.headers(MATH_TEACHER.id, "teacher")


async def _ok(journal, method: str, path: str, body: object, headers: dict[str, str]) -> dict:
    response = await journal.http.request(method, YEAR + path, json=body, headers=headers)
    assert response.is_success, response.text
    return response.json()


@pytest.fixture
async def senior(journal):
    """A grade 10 class with one pupil and maths on Mondays, scheduled in September and in
    November beside the grade 5 class's."""
    steps = [
        *senior_class_steps(scheduled_to="2026-11-30"),
        (
            "POST",
            f"/classes/{CLASS_ID}/lessons/schedule",
            {"from": "2026-11-01", "to": "2026-11-30"},
        ),
    ]
    for method, path, body in steps:
        await _ok(journal, method, path, body, admin(journal))
    return journal


def senior_lesson(day: dt.date) -> str:
    return f"{SENIOR}-{day:%Y%m%d}-3"


async def _topic(journal, class_id: str, lesson_id: str):
    path = f"{YEAR}/classes/{class_id}/lessons/{lesson_id}/topic"
    return await journal.http.put(path, json={"topic": "Повторение"}, headers=teacher(journal))


async def test_grade_10_closes_its_first_half_while_grade_5_is_in_its_second_quarter(senior):
    journal = senior
    await _ok(journal, "PUT", "/config/period-schemes/halves", HALVES, admin(journal))
    await _ok(journal, "POST", "/periods/q1/close", None, admin(journal))

    # Grade 5 is in its second quarter: its November lesson is open, as is grade 10's (h1).
    grade_5 = await _topic(journal, CLASS_ID, math_lesson_id(NOVEMBER_MONDAY))
    assert grade_5.status_code == 200, grade_5.text
    grade_10 = await _topic(journal, SENIOR, senior_lesson(NOVEMBER_MONDAY))
    assert grade_10.status_code == 200, grade_10.text

    await _ok(journal, "POST", "/periods/h1/close", None, admin(journal))
    grade_10 = await _topic(journal, SENIOR, senior_lesson(NOVEMBER_MONDAY))
    assert grade_10.status_code == 409, grade_10.text
    assert grade_10.json()["reason"] == "period_closed"
    assert "'h1' is closed" in grade_10.json()["detail"]
    grade_5 = await _topic(
        journal, CLASS_ID, math_lesson_id(NOVEMBER_MONDAY + dt.timedelta(days=2), 2)
    )
    assert grade_5.status_code == 200, grade_5.text

    # A closed period's grades and dates no longer change.
    first, second = HALVES["periods"]
    moved = {**HALVES, "periods": [{**first, "ends_on": "2026-12-20"}, second]}
    refused = await journal.http.put(
        f"{YEAR}/config/period-schemes/halves", json=moved, headers=admin(journal)
    )
    assert (refused.status_code, refused.json()["reason"]) == (409, "periods_in_use")

    roster = await _ok(journal, "GET", "/roster", None, admin(journal))
    periods = {p["period_id"]: (p["grades"], p["closed"]) for p in roster["periods"]}
    assert periods["h1"] == ([10, 11], True)
    assert periods["q2"] == ([1, 2, 3, 4, 5, 6, 7, 8, 9], False)
    assert roster["schemes"] == [
        {"scheme_id": "halves", "name": "Полугодия", "grades": [10, 11], "period_ids": ["h1", "h2"]}
    ]

    async def in_the_view():  # what the paperwork reads: the journal view's configuration row
        view = await journal.runtime.deps.roster_views.roster("s1", 2026)
        assert {p.period_id: p.grades for p in view.periods}["h2"] == [10, 11]
        assert [s.scheme_id for s in view.schemes] == ["halves"]

    await eventually(in_the_view)


async def test_a_pass_fail_subject_takes_pass_or_fail_and_gets_a_pass_fail_period_mark(senior):
    journal = senior
    await _ok(journal, "PUT", "/config/period-schemes/halves", HALVES, admin(journal))
    body = {"grades": [10], "assessment": "pass_fail"}
    await _ok(journal, "PUT", "/subjects/math/assessment", body, admin(journal))
    lesson = f"{YEAR}/classes/{SENIOR}/lessons/{senior_lesson(dt.date(2026, 9, 7))}/entries"

    number = {"marks": [{"pupil_id": SENIOR_PUPIL, "value": "5", "work_kind_id": "classwork"}]}
    refused = await journal.http.post(lesson, json=number, headers=teacher(journal))
    assert (refused.status_code, refused.json()["reason"]) == (422, "mark_not_on_scale")
    passed = {"marks": [{"pupil_id": SENIOR_PUPIL, "value": "зач", "work_kind_id": "classwork"}]}
    response = await journal.http.post(lesson, json=passed, headers=teacher(journal))
    assert response.status_code == 200, response.text

    # Grade 5 still marks maths on the scale.
    grade_5 = f"{YEAR}/classes/{CLASS_ID}/lessons/{math_lesson_id(dt.date(2026, 9, 7))}/entries"
    wrong = {"marks": [{"pupil_id": "p01", "value": "зач", "work_kind_id": "classwork"}]}
    refused = await journal.http.post(grade_5, json=wrong, headers=teacher(journal))
    assert (refused.status_code, refused.json()["reason"]) == (422, "mark_not_on_scale")

    sheet = f"{YEAR}/classes/{SENIOR}/subjects/math/period-marks"
    quarter = await journal.http.put(
        f"{sheet}/q1/{SENIOR_PUPIL}", json={"value": "зач"}, headers=teacher(journal)
    )
    assert (quarter.status_code, quarter.json()["reason"]) == (404, "period_not_found")

    async def counted():
        response = await journal.http.get(
            sheet, params={"period_id": "h1"}, headers=teacher(journal)
        )
        [line] = [x for x in response.json()["pupils"] if x["pupil_id"] == SENIOR_PUPIL]
        assert line["marks_counted"] == 0  # a pass/fail mark never enters an average
        assert line["average"] is None
        return line

    await eventually(counted)
    half = await journal.http.put(
        f"{sheet}/h1/{SENIOR_PUPIL}", json={"value": "зач"}, headers=teacher(journal)
    )
    assert half.status_code == 200, half.text


async def test_first_graders_get_no_marks_unless_the_school_says_so(journal):
    roster = await _ok(journal, "GET", "/roster", None, admin(journal))
    assert {"subject_id": "math", "grade": 1, "assessment": "unmarked"} in roster["assessments"]


async def test_a_calendar_that_leaves_a_school_day_outside_every_period_is_refused(journal):
    # The small school's year has two quarters only, so a calendar of the autumn vacation
    # leaves 29 December onwards in no period.
    autumn = {
        "name": "Осенние каникулы",
        "kind": "vacation",
        "starts_on": "2026-10-27",
        "ends_on": "2026-11-04",
    }
    response = await journal.http.put(
        f"{YEAR}/config/calendar", json={"days_off": [autumn]}, headers=admin(journal)
    )
    assert (response.status_code, response.json()["reason"]) == (422, "invalid_calendar")
    assert "2026-12-29 is neither a day off nor in a period" in response.json()["detail"]
