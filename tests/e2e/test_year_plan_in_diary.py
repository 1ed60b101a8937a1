"""The year's plan per grade from the journal to the parents' diary: a grade 10 pupil sees the
halves of their class while a grade 5 pupil sees quarters, and a pass/fail subject's marks and
period mark reach the diary as «зачтено»; the week shows the days off.

Must show: the journal's plan (a scheme of halves for grades 10-11, maths pass/fail in grade
10, the calendar) crosses the exporter in the school record, and the diary answers each pupil
with their own class's periods and assessment.
"""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from tests.support.journal import ADMIN, MATH_TEACHER, PUPILS
from tests.support.platform import DIARY_YEAR, Platform, running_platform
from tests.support.waiting import eventually
from tests.support.year_plan import HALVES, SENIOR, SENIOR_PUPIL, senior_class_steps

pytestmark = pytest.mark.e2e

YEAR = "/journal/v1/schools/s1/years/2026"
SEPTEMBER_MONDAY = dt.date(2026, 9, 7)
QUARTERS = {
    "name": "Четверти",
    "grades": list(range(1, 10)),
    "periods": [
        {"period_id": pid, "name": name, "starts_on": starts, "ends_on": ends}
        for pid, name, starts, ends in (
            ("q1", "1 четверть", "2026-09-01", "2026-10-26"),
            ("q2", "2 четверть", "2026-11-05", "2026-12-28"),
            ("q3", "3 четверть", "2027-01-12", "2027-03-22"),
            ("q4", "4 четверть", "2027-04-01", "2027-05-31"),
        )
    ],
}
CALENDAR = {
    "days_off": [
        {"name": name, "kind": "vacation", "starts_on": starts, "ends_on": ends}
        for name, starts, ends in (
            ("Осенние каникулы", "2026-10-27", "2026-11-04"),
            ("Зимние каникулы", "2026-12-29", "2027-01-11"),
            ("Весенние каникулы", "2027-03-23", "2027-03-31"),
        )
    ]
}
PARENT_5, PARENT_10 = 100001, 100002


@pytest_asyncio.fixture(loop_scope="session")
async def platform(nats_url, database_url, pg_schema, js):
    async with running_platform(nats_url, database_url, pg_schema, js) as running:
        yield running


async def _ok(platform: Platform, method: str, path: str, body: object, who: str = "admin"):
    actor = ADMIN.id if who == "admin" else MATH_TEACHER.id
    headers = platform.journal.headers(actor, who)
    response = await platform.journal.http.request(method, YEAR + path, json=body, headers=headers)
    assert response.is_success, response.text
    return response.json()


async def _plan_and_senior_class(platform: Platform) -> None:
    """Grades 1-9 in quarters, 10-11 in halves, the calendar; maths pass/fail in grade 10;
    a grade 10 class with one pupil and a September maths lesson marked «зач», and the
    pupil's first half set «зач»; the grade 5 class is the small school's 5a."""
    steps = [
        ("PUT", "/config/period-schemes/quarters", QUARTERS),
        ("PUT", "/config/period-schemes/halves", HALVES),
        ("PUT", "/config/calendar", CALENDAR),
        ("PUT", "/subjects/math/assessment", {"grades": [10], "assessment": "pass_fail"}),
        *senior_class_steps(scheduled_to="2026-09-30"),
    ]
    for method, path, body in steps:
        await _ok(platform, method, path, body)
    lesson = f"{SENIOR}-{SEPTEMBER_MONDAY:%Y%m%d}-3"
    passed = {"marks": [{"pupil_id": SENIOR_PUPIL, "value": "зач", "work_kind_id": "classwork"}]}
    await _ok(
        platform, "POST", f"/classes/{SENIOR}/lessons/{lesson}/entries", passed, who="teacher"
    )
    sheet = f"/classes/{SENIOR}/subjects/math/period-marks/h1/{SENIOR_PUPIL}"
    await _ok(platform, "PUT", sheet, {"value": "зач"}, who="teacher")


async def _get(platform: Platform, uid: int, path: str, params: dict | None = None) -> dict:
    headers = platform.diary.headers(f"parent-{uid}", "parent", uid=uid)

    async def answered() -> dict:
        response = await platform.diary.http.get(
            f"{DIARY_YEAR}{path}", headers=headers, params=params
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    return await eventually(answered)


async def test_each_pupil_sees_their_classs_periods_and_a_pass_fail_period_mark(platform):
    await _plan_and_senior_class(platform)
    await platform.export()
    await platform.enrollment.link(PUPILS[0], PARENT_5, application="a5")
    await platform.enrollment.link(SENIOR_PUPIL, PARENT_10, application="a10")
    junior, senior = platform.pseudonym(PUPILS[0]), platform.pseudonym(SENIOR_PUPIL)

    tenth = await _get(platform, PARENT_10, f"/pupils/{senior}/subjects/math", {"period": "h1"})
    assert [p["name"] for p in tenth["periods"]] == ["1 полугодие", "2 полугодие"]
    assert (tenth["assessment"], tenth["average"]) == ("pass_fail", None)
    assert [m["mark"]["label"] for m in tenth["marks"]] == ["зачтено"]
    assert (tenth["period_mark"]["value"], tenth["period_mark"]["label"]) == ("зач", "зачтено")
    assert tenth["period_mark"]["name"] == "1 полугодие"

    fifth = await _get(platform, PARENT_5, f"/pupils/{junior}/subjects/math", {"period": "q2"})
    assert [p["period_id"] for p in fifth["periods"]] == ["q1", "q2", "q3", "q4"]
    assert fifth["assessment"] == "scale"

    week = await _get(platform, PARENT_5, f"/pupils/{junior}/weeks/2026-11-02")
    assert {d["name"] for d in week["days_off"]} == {"Осенние каникулы"}
    assert [d["date"] for d in week["days_off"]] == ["2026-11-02", "2026-11-03", "2026-11-04"]
