"""The roster reads the school's web pages build on: the year's reference data, a class's
pupils and every pupil of the year, with who may read which."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from services.journal.domain.school import DEFAULT_WORK_KINDS
from tests.support.clock import FakeClock
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    RUSSIAN_TEACHER,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

BASE = "/journal/v1/schools/s1/years/2026"
BIOLOGY_TEACHER = "t-bio"  # leads 10a, teaches nothing in 5a
SENIOR = "10a"  # sorts before 5a by id, after it by grade
LONER = "p50"  # registered, in no class
MOVED, RETURNED, GONE = PUPILS[9], PUPILS[8], PUPILS[7]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)


@pytest.fixture
def clock(journal):
    """The app's clock, standing still until the test moves it."""
    fake = FakeClock(at(dt.date(2026, 9, 15)))
    journal.app.state.deps = dataclasses.replace(journal.runtime.deps, clock=fake)
    return fake


@pytest.fixture
async def school(journal, js):
    """The small school plus a second class, a third teacher, a pupil in no class, a pupil
    moved to the other class, one who left and came back and one who left for good."""
    admin = journal.headers(ADMIN.id, "admin")
    steps = [
        ("PUT", "/staff/t-bio", {"full_name": "Сидорова Мария", "position": "учитель биологии"}),
        ("PUT", "/subjects/bio", {"name": "Биология"}),
        ("PUT", f"/classes/{SENIOR}", {"grade": 10, "label": "10А", "class_teacher_id": "t-bio"}),
        (
            "POST",
            f"/classes/{SENIOR}/assignments",
            {"teacher_id": MATH_TEACHER.id, "subject_id": "math", "group": "g1"},
        ),
        ("PUT", f"/pupils/{LONER}", {"full_name": "Новиков Пётр", "birth_date": "2010-01-02"}),
        _leave(MOVED, "2026-09-20"),
        ("POST", f"/classes/{SENIOR}/members", {"pupil_id": MOVED, "since": "2026-09-21"}),
        _leave(RETURNED, "2026-09-11"),
        ("POST", f"/classes/{CLASS_ID}/members", {"pupil_id": RETURNED, "since": "2026-09-25"}),
        _leave(GONE, "2026-09-11"),
    ]
    for method, path, body in steps:
        response = await journal.http.request(method, BASE + path, json=body, headers=admin)
        assert response.is_success, response.text
    last = (await js.stream_info("JOURNAL")).state.last_seq

    def caught_up() -> None:
        assert journal.runtime.projector.status().last_seq >= last

    await eventually(caught_up, timeout=10)
    return journal


def _leave(pupil: str, last_day: str) -> tuple[str, str, dict]:
    body = {"last_day": last_day, "reason": "перевод"}
    return ("POST", f"/classes/{CLASS_ID}/members/{pupil}/leave", body)


async def _get(journal, path: str, user: str, *roles: str, status: int = 200) -> dict:
    response = await journal.http.get(BASE + path, headers=journal.headers(user, *roles))
    assert response.status_code == status, response.text
    return response.json()


async def test_the_roster_lists_the_years_reference_data_in_a_fixed_order(school):
    roster = await _get(school, "/roster", MATH_TEACHER.id, "teacher")

    assert (roster["school"], roster["year"], roster["school_name"]) == ("s1", 2026, "Школа № 1")
    assert (roster["starts_on"], roster["ends_on"]) == ("2026-09-01", "2027-05-31")
    assert roster["periods"] == [
        {
            "period_id": "q1",
            "name": "1 четверть",
            "starts_on": "2026-09-01",
            "ends_on": "2026-10-26",
            "closed": False,
            "grades": list(range(1, 12)),
        },
        {
            "period_id": "q2",
            "name": "2 четверть",
            "starts_on": "2026-11-05",
            "ends_on": "2026-12-28",
            "closed": False,
            "grades": list(range(1, 12)),
        },
    ]
    assert (roster["schemes"], roster["days_off"]) == ([], [])
    # The first grade is not marked unless the school says otherwise.
    assert roster["assessments"] == [
        {"subject_id": s, "grade": 1, "assessment": "unmarked"} for s in ("bio", "math", "russian")
    ]
    assert roster["scale_id"] == "five"
    assert [(s["value"], s["numeric"]) for s in roster["scale"]] == [
        *((str(n), n) for n in range(1, 6)),
        ("н/а", None),
        ("осв", None),
    ]
    kinds = [(k["work_kind_id"], k["name"], Decimal(k["weight"])) for k in roster["work_kinds"]]
    assert kinds == sorted((k.work_kind_id, k.name, k.weight) for k in DEFAULT_WORK_KINDS)
    assert [s["subject_id"] for s in roster["subjects"]] == ["bio", "math", "russian"]
    assert roster["subjects"][0] == {"subject_id": "bio", "name": "Биология"}
    assert [s["staff_id"] for s in roster["staff"]] == [BIOLOGY_TEACHER, "t-math", "t-rus"]
    assert roster["staff"][0] == {
        "staff_id": BIOLOGY_TEACHER,
        "full_name": "Сидорова Мария",
        "position": "учитель биологии",
    }
    assert roster["classes"] == [
        {"class_id": CLASS_ID, "grade": 5, "label": "5А", "class_teacher_id": RUSSIAN_TEACHER.id},
        {"class_id": SENIOR, "grade": 10, "label": "10А", "class_teacher_id": BIOLOGY_TEACHER},
    ]
    assert roster["assignments"] == [
        {"class_id": SENIOR, "subject_id": "math", "teacher_id": "t-math", "group": "g1"},
        {"class_id": CLASS_ID, "subject_id": "math", "teacher_id": "t-math", "group": None},
        {"class_id": CLASS_ID, "subject_id": "russian", "teacher_id": "t-rus", "group": None},
    ]
    assert set(roster) == {  # and no pupils
        *("school", "year", "school_name", "starts_on", "ends_on", "periods", "scale_id"),
        *("sealed", "scale", "work_kinds", "subjects", "staff", "classes", "assignments"),
        *("schemes", "assessments", "days_off"),
    }


async def test_every_member_of_staff_reads_the_roster_and_no_one_else(school):
    for user, role in (("adm1", "admin"), ("h1", "head"), ("d1", "deputy"), ("t-x", "teacher")):
        await _get(school, "/roster", user, role)
    for role in ("parent", "pupil", "auditor"):
        refused = await _get(school, "/roster", "u1", role, status=403)
        assert refused["reason"] == "role_not_allowed"
    response = await school.http.get(f"{BASE}/roster")
    assert response.status_code == 401
    unknown = await school.http.get(
        "/journal/v1/schools/s1/years/2030/roster", headers=school.headers("adm1", "admin")
    )
    assert unknown.status_code == 404, unknown.text


async def test_class_members_list_each_interval_with_its_dates(school):
    body = await _get(school, f"/classes/{CLASS_ID}/members", MATH_TEACHER.id, "teacher")

    assert (body["school"], body["year"], body["class_id"]) == ("s1", 2026, CLASS_ID)
    members = [(m["pupil_id"], m["since"], m["last_day"]) for m in body["members"]]
    first = "2026-09-01"
    assert members == [
        *((p, first, None) for p in PUPILS[:7]),
        (GONE, first, "2026-09-11"),
        (RETURNED, first, "2026-09-11"),
        (RETURNED, "2026-09-25", None),
        (MOVED, first, "2026-09-20"),
        (NEWCOMER, "2026-09-14", None),
    ]
    assert body["members"][0]["full_name"] == "Ученик Номер 0"
    senior = await _get(school, f"/classes/{SENIOR}/members", "adm1", "admin")
    assert senior["members"] == [
        {"pupil_id": MOVED, "full_name": "Ученик Номер 9", "since": "2026-09-21", "last_day": None}
    ]


async def test_class_members_are_for_those_who_lead_or_teach_the_class(school):
    members = f"/classes/{CLASS_ID}/members"
    await _get(school, members, RUSSIAN_TEACHER.id, "teacher")  # class teacher (and Russian)
    await _get(school, members, MATH_TEACHER.id, "teacher")  # assigned maths
    await _get(school, f"/classes/{SENIOR}/members", BIOLOGY_TEACHER, "teacher")  # class teacher
    for role in ("admin", "head", "deputy"):
        await _get(school, members, "boss", role)
    refused = await _get(school, members, BIOLOGY_TEACHER, "teacher", status=403)
    assert refused["reason"] == "not_your_class"
    parent = await _get(school, members, "parent-1", "parent", status=403)
    assert parent["reason"] == "role_not_allowed"
    assert (await school.http.get(BASE + members)).status_code == 401
    for user, role in (("adm1", "admin"), (MATH_TEACHER.id, "teacher")):
        unknown = await _get(school, "/classes/9z/members", user, role, status=404)
        assert unknown["reason"] == "view_not_found"


async def test_the_pupils_list_gives_each_pupil_their_class_of_the_day(school, clock):
    body = await _get(school, "/pupils", "adm1", "admin")

    assert (body["school"], body["year"], body["as_of"]) == ("s1", 2026, "2026-09-15")
    ids = [p["pupil_id"] for p in body["pupils"]]
    assert ids == sorted([*PUPILS, NEWCOMER, LONER])
    loner = next(p for p in body["pupils"] if p["pupil_id"] == LONER)
    assert loner == {
        "pupil_id": LONER,
        "full_name": "Новиков Пётр",
        "birth_date": "2010-01-02",
        "class_id": None,
    }
    classes = {p["pupil_id"]: p["class_id"] for p in body["pupils"]}
    assert classes[PUPILS[0]] == classes[NEWCOMER] == CLASS_ID
    assert classes[RETURNED] == CLASS_ID  # away on the day, back from the 25th
    assert (classes[GONE], classes[MOVED]) == (None, CLASS_ID)
    clock.moment = at(dt.date(2026, 10, 1))
    later = await _get(school, "/pupils", "h1", "head")
    assert {p["pupil_id"]: p["class_id"] for p in later["pupils"]}[MOVED] == SENIOR


async def test_only_the_administration_reads_every_pupil(school):
    for role in ("admin", "head", "deputy"):
        await _get(school, "/pupils", "boss", role)
    for user, role in ((RUSSIAN_TEACHER.id, "teacher"), ("parent-1", "parent")):
        refused = await _get(school, "/pupils", user, role, status=403)
        assert refused["reason"] == "role_not_allowed"
    assert (await school.http.get(f"{BASE}/pupils")).status_code == 401


async def test_the_roster_says_which_periods_are_closed_as_the_schools_events_stand(school):
    admin = school.headers(ADMIN.id, "admin")
    closed = await school.http.post(f"{BASE}/periods/q1/close", headers=admin)
    assert closed.status_code == 200, closed.text

    roster = await _get(school, "/roster", MATH_TEACHER.id, "teacher")

    assert [(p["period_id"], p["closed"]) for p in roster["periods"]] == [
        ("q1", True),
        ("q2", False),
    ]
    assert roster["sealed"] is False
