"""The staff directory end to end: the journal's staff and teaching assignments, exported, show
on the portal as «Иванова А. П.» beside each lesson and in the school's list of teachers;
a member of staff who teaches nothing never shows, and no full name ever does."""

from __future__ import annotations

import pytest
import pytest_asyncio

from contracts.streams import ENROLLMENT
from services.common.eventstore_jetstream import JetStreamEventStore
from services.exporter.application.exporting import export
from services.journal.application import roster
from services.journal.domain import commands as c
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    meta,
    seed_small_school,
)
from tests.support.running import running_diary, running_exporter, running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
BASE = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
PARENT_UID, TEACHER_UID = 100001, 200001
FULL_NAMES = ("Иванова Анна", "Анна Петровна", "Петров Олег", "Кузнецова Мария", "Мария Степановна")


@pytest_asyncio.fixture(loop_scope="session")
async def sides(nats_url, database_url, pg_schema, js):
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        await seed_small_school(journal.runtime.deps)
        yield journal, diary, exporter


async def exported(diary, exporter) -> None:
    """A delta export, applied by the diary."""
    run = (await export(exporter.runtime.deps, SCHOOL, YEAR, "delta", "api")).run
    system = diary.headers("exporter", "system")

    async def applied():
        batches = (await diary.http.get(f"{BASE}/batches", headers=system)).json()
        assert {b["batch_id"]: b["status"] for b in batches}.get(run.batch_id) == "applied"

    if run.batch_id is not None:
        await eventually(applied)


async def test_lessons_and_the_list_of_teachers_show_surname_and_initials(sides, js):
    _, diary, exporter = sides
    await exported(diary, exporter)
    writer = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
    await writer.link(PUPILS[0], PARENT_UID)
    await writer.staff_uid(MATH_TEACHER.id, TEACHER_UID)
    parent = diary.headers("parent-1", "parent", uid=PARENT_UID)
    teacher = diary.headers(MATH_TEACHER.id, "teacher", uid=TEACHER_UID)
    child = exporter.runtime.pseudonymiser.of(PUPILS[0])
    answers: list[str] = []

    async def week():
        response = await diary.http.get(
            f"{BASE}/pupils/{child}/weeks/{FIRST_MONDAY}", headers=parent
        )
        assert response.status_code == 200, response.text
        answers.append(response.text)
        return response.json()["lessons"]

    monday = [x for x in await eventually(week) if x["date"] == str(FIRST_MONDAY)]
    assert [(x["subject_id"], x["teacher_id"], x["teacher_name"]) for x in monday] == [
        ("math", "t-math", "Иванова А. П."),
        ("russian", "t-rus", "Петров О."),
    ]

    async def class_day():
        response = await diary.http.get(
            f"{BASE}/classes/{CLASS_ID}/days/{FIRST_MONDAY}", headers=teacher
        )
        assert response.status_code == 200, response.text
        answers.append(response.text)
        return response.json()["lessons"]

    assert [x["teacher_name"] for x in await eventually(class_day)] == ["Иванова А. П."]

    listed = await diary.http.get(f"{BASE}/teachers", headers=parent)
    assert listed.status_code == 200, listed.text
    answers.append(listed.text)
    assert listed.json() == [
        {"staff_id": "t-math", "short_name": "Иванова А. П.", "subjects": ["math"]},
        {"staff_id": "t-rus", "short_name": "Петров О.", "subjects": ["russian"]},
    ]
    for text in answers:
        for name in FULL_NAMES:
            assert name not in text


async def test_who_teaches_nothing_never_shows_until_they_teach(sides):
    journal, diary, exporter = sides
    deps = journal.runtime.deps
    system = diary.headers("exporter", "system")
    new = c.RegisterStaffMember("t-new", "Кузнецова Мария Степановна", "учитель")
    await roster.register_staff(deps, meta(ADMIN), new)
    await exported(diary, exporter)
    listed = (await diary.http.get(f"{BASE}/teachers", headers=system)).json()
    assert [t["staff_id"] for t in listed] == ["t-math", "t-rus"]

    await roster.run_class(deps, meta(ADMIN), CLASS_ID, c.AssignTeaching("t-new", "math", "g2"))
    await exported(diary, exporter)
    listed = (await diary.http.get(f"{BASE}/teachers", headers=system)).json()
    assert listed[1] == {"staff_id": "t-new", "short_name": "Кузнецова М. С.", "subjects": ["math"]}
    assert "Мария" not in str(listed)

    await roster.run_class(deps, meta(ADMIN), CLASS_ID, c.UnassignTeaching("t-new", "math", "g2"))
    await exported(diary, exporter)
    listed = (await diary.http.get(f"{BASE}/teachers", headers=system)).json()
    assert [t["staff_id"] for t in listed] == ["t-math", "t-rus"]


async def test_the_list_of_teachers_refuses_other_schools_and_roles(sides):
    _, diary, _ = sides
    for headers, reason in (
        (diary.headers("parent-9", "parent", uid=100009, school="s2"), "wrong_school"),
        (diary.headers("deputy-1", "deputy", school=SCHOOL), "wrong_role"),
        (diary.headers("parent-9", "parent", school=SCHOOL), "no_uid"),
    ):
        response = await diary.http.get(f"{BASE}/teachers", headers=headers)
        assert response.status_code == 403, response.text
        assert response.json()["reason"] == reason
