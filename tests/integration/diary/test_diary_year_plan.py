"""The diary over HTTP follows each class's periods, its subjects' assessment and the calendar,
from the school record's plan (`schemes`, `assessments`, `days_off`), on real servers."""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from contracts.diary import PeriodScheme, SubjectAssessment
from contracts.journal import DayOff, Period
from tests.integration.diary.served_app import parent, served
from tests.support.diary import (
    FeedWriter,
    class_record,
    lesson_record,
    mark,
    period_mark,
    period_marks_record,
    school_record,
)
from tests.support.diary_served import (
    ANNA,
    OTHER_PARENT,
    PARENT,
    VERA,
    as_user,
    feed_applied,
    grant_anna_and_5a,
)

pytestmark = pytest.mark.integration

YEAR = "/diary/v1/schools/s1/years/2026"
HALVES = (
    Period(
        period_id="h1",
        name="1 полугодие",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 28),
    ),
    Period(
        period_id="h2",
        name="2 полугодие",
        starts_on=dt.date(2027, 1, 9),
        ends_on=dt.date(2027, 5, 31),
    ),
)
AUTUMN = DayOff(
    name="Осенние каникулы",
    kind="vacation",
    starts_on=dt.date(2026, 10, 26),
    ends_on=dt.date(2026, 11, 4),
)
MONDAY = dt.date(2026, 9, 7)


def planned_school(seq: int = 1):
    return school_record(seq=seq).model_copy(
        update={
            "schemes": (
                PeriodScheme(scheme_id="halves", name="Полугодия", grades=(10, 11), periods=HALVES),
            ),
            "assessments": (
                SubjectAssessment(subject_id="rus", grades=(10,), assessment="pass_fail"),
                SubjectAssessment(subject_id="hist", grades=(10,), assessment="unmarked"),
            ),
            "days_off": (AUTUMN,),
        }
    )


def records(school=None) -> list:
    tenth = class_record("10a", members=[(VERA, dt.date(2026, 9, 1), None)], seq=3)
    return [
        school or planned_school(),
        class_record("5a", members=[(ANNA, dt.date(2026, 9, 1), None)]),
        tenth.model_copy(update={"grade": 10}),
        lesson_record(
            "l-rus",
            MONDAY,
            subject_id="rus",
            class_id="10a",
            marks=[mark(VERA, "зач"), mark(VERA, "незач")],
        ),
        lesson_record(
            "l-hist", MONDAY, subject_id="hist", class_id="10a", slot=2, marks=[mark(VERA, "5")]
        ),
        lesson_record("l-math", MONDAY, marks=[mark(ANNA, "4")], seq=11),
        period_marks_record([period_mark(VERA, "h1", "зач")], class_id="10a", subject_id="rus"),
    ]


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    async def publish(js) -> FeedWriter:
        feed = FeedWriter(js)
        await feed.publish(feed.batch(records()))
        await grant_anna_and_5a(feed, (PARENT, OTHER_PARENT))
        return feed

    async with served(nats_url, database_url, pg_schema, js, publish) as running:
        yield running


async def get(d, path: str, headers: dict[str, str], params: dict | None = None) -> dict:
    answer = await d.http.get(f"{YEAR}{path}", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def veras_parent(d) -> dict[str, str]:
    return as_user(d, OTHER_PARENT, "parent")


async def test_a_tenth_grader_sees_halves_and_a_fifth_grader_quarters(diary):
    d = diary
    vera = await get(d, f"/pupils/{VERA}/subjects/rus", veras_parent(d), {"period": "h1"})
    assert [p["period_id"] for p in vera["periods"]] == ["h1", "h2"]
    assert (vera["period_id"], vera["starts_on"], vera["ends_on"]) == (
        "h1",
        "2026-09-01",
        "2026-12-28",
    )
    anna = await get(d, f"/pupils/{ANNA}/subjects/math", parent(d), {"period": "q1"})
    assert [p["period_id"] for p in anna["periods"]] == ["q1", "q2"]
    assert (anna["assessment"], anna["average"]) == ("scale", "4.00")
    refused = await d.http.get(
        f"{YEAR}/pupils/{ANNA}/subjects/math", headers=parent(d), params={"period": "h1"}
    )
    assert refused.status_code == 404  # not a period of 5a


async def test_pass_fail_marks_and_period_marks_read_as_passed_and_enter_no_average(diary):
    d = diary
    vera = await get(d, f"/pupils/{VERA}/subjects/rus", veras_parent(d), {"period": "h1"})
    assert vera["assessment"] == "pass_fail"
    assert sorted((m["mark"]["value"], m["mark"]["label"]) for m in vera["marks"]) == [
        ("зач", "зачтено"),
        ("незач", "не зачтено"),
    ]
    assert vera["average"] is None
    current = vera["period_mark"]
    assert (current["value"], current["label"], current["name"]) == (
        "зач",
        "зачтено",
        "1 полугодие",
    )


async def test_an_unmarked_subject_shows_no_marks(diary):
    d = diary
    hist = await get(d, f"/pupils/{VERA}/subjects/hist", veras_parent(d), {"period": "h1"})
    assert (hist["assessment"], hist["marks"], hist["average"]) == ("unmarked", [], None)
    day = await get(d, f"/pupils/{VERA}/days/{MONDAY}", veras_parent(d))
    shown = {x["subject_id"]: (x["assessment"], x["marks"]) for x in day["lessons"]}
    assert shown["hist"] == ("unmarked", [])
    assert len(shown["rus"][1]) == 2


async def test_the_week_shows_the_days_off(diary):
    d = diary
    week = await get(d, f"/pupils/{ANNA}/weeks/2026-11-02", parent(d))
    assert [(x["date"], x["name"], x["kind"]) for x in week["days_off"]] == [
        ("2026-11-02", "Осенние каникулы", "vacation"),
        ("2026-11-03", "Осенние каникулы", "vacation"),
        ("2026-11-04", "Осенние каникулы", "vacation"),
    ]
    plain = await get(d, f"/pupils/{ANNA}/weeks/{MONDAY}", parent(d))
    assert plain["days_off"] == []


async def test_each_child_in_the_profile_lists_their_class_periods(diary):
    d = diary
    profile = await get(d, "/me/profile", veras_parent(d))
    (child,) = profile["children"]
    assert [p["name"] for p in child["periods"]] == ["1 полугодие", "2 полугодие"]


async def test_a_full_batch_without_the_plan_takes_it_away(diary, js):
    d = diary
    feed = FeedWriter(js)
    await feed.publish(feed.batch(records(school_record(seq=50)), kind="full", to_seq=60))
    await feed_applied(d, js)
    vera = await get(d, f"/pupils/{VERA}/subjects/rus", veras_parent(d), {"period": "q1"})
    assert ([p["period_id"] for p in vera["periods"]], vera["assessment"]) == (
        ["q1", "q2"],
        "scale",
    )
    week = await get(d, f"/pupils/{ANNA}/weeks/2026-11-02", parent(d))
    assert week["days_off"] == []
