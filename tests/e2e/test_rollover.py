"""The school-year rollover across the platform: the administrator closes the year over HTTP,
admitting a new first grade from a list; each continuing class gets its timetable proposed,
which the administrator confirms; the exporter notices and sends a final full export of the
closed year and a first full export of the new one, and the diary applies both; the old year's
journal stays readable."""

from __future__ import annotations

import pytest

from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    math_lesson_id,
    seed_small_school,
)
from tests.support.running import running_diary, running_exporter, running_journal
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

SCHOOL, YEAR, NEXT = "s1", 2026, 2027
LESSON = math_lesson_id(FIRST_MONDAY)


async def test_a_rollover_reaches_the_diary_as_two_full_exports(
    nats_url, database_url, pg_schema, js
):
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
    ):
        await seed_small_school(journal.runtime.deps)
        teacher = journal.headers(MATH_TEACHER.id, "teacher")
        base = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
        saved = await journal.http.post(
            f"{base}/classes/{CLASS_ID}/lessons/{LESSON}/entries",
            json={
                "topic": "Дроби",
                "marks": [{"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"}],
            },
            headers=teacher,
        )
        assert saved.status_code == 200, saved.text
        admin = journal.headers("adm1", "admin")

        async def roster_in_view():
            ids = await journal.runtime.deps.views.roster_ids(SCHOOL, YEAR)
            assert ids.classes == [CLASS_ID]

        await eventually(roster_in_view, timeout=30)
        body = {
            "outcomes": {PUPILS[1]: {"outcome": "repeating"}},
            "first_grade": [FIRST_GRADE],
        }
        response = await journal.http.post(f"{base}/rollover", json=body, headers=admin)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["closed"]
        assert [k["class_id"] for k in result["classes"]] == ["1a", "5a", "6a"]
        first, _, sixth = result["classes"]
        assert (first["grade"], first["admitted"], first["timetable_slots"]) == (1, 1, 0)
        assert (sixth["source"], sixth["timetable_slots"]) == (CLASS_ID, 3)
        assert result["outcomes"] == {"promoted": len(PUPILS), "repeating": 1}
        assert NEWCOMER in {m["pupil_id"] for m in result["moves"]}
        await _confirm_the_proposed_timetable(journal, admin)
        await _first_grader_joined(journal, admin)

        exporter_admin = exporter.headers("adm1", "admin")
        system = diary.headers("exporter", "system", school=SCHOOL)

        async def both_years_exported_and_applied():
            for year in (YEAR, NEXT):
                runs = await exporter.http.get(
                    f"/exporter/v1/schools/{SCHOOL}/years/{year}/runs", headers=exporter_admin
                )
                assert runs.status_code == 200, runs.text
                rollover_runs = [r for r in runs.json() if r["trigger"] == "rollover"]
                assert [(r["kind"], r["status"]) for r in rollover_runs] == [("full", "published")]
                batches = await diary.http.get(
                    f"/diary/v1/schools/{SCHOOL}/years/{year}/batches", headers=system
                )
                assert batches.status_code == 200, batches.text
                assert rollover_runs[0]["batch_id"] in {
                    b["batch_id"] for b in batches.json() if b["status"] == "applied"
                }

        await eventually(both_years_exported_and_applied, timeout=90)

        lesson = await journal.http.get(
            f"{base}/classes/{CLASS_ID}/lessons/{LESSON}", headers=admin
        )
        assert lesson.status_code == 200, lesson.text
        assert lesson.json()["topic"] == "Дроби"


FIRST_GRADE = {
    "class_id": "1a",
    "label": "1А",
    "class_teacher_id": "t-rus",
    "pupils": [{"pupil_id": "p70", "full_name": "Смирнова Ева", "birth_date": "2019-03-01"}],
}
NEXT_BASE = f"/journal/v1/schools/{SCHOOL}/years/{NEXT}"


async def _confirm_the_proposed_timetable(journal, admin) -> None:
    draft = await journal.http.get(f"{NEXT_BASE}/classes/6a/timetable/draft", headers=admin)
    assert draft.status_code == 200, draft.text
    proposed = draft.json()
    assert (proposed["source"], proposed["effective_from"]) == (CLASS_ID, "2027-09-01")
    assert {(s["weekday"], s["slot"], s["subject_id"]) for s in proposed["slots"]} == {
        (1, 1, "math"),
        (1, 2, "russian"),
        (3, 2, "math"),
    }
    confirm = f"{NEXT_BASE}/classes/6a/timetable/draft/confirm"
    confirmed = await journal.http.post(confirm, headers=admin)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["event_type"] == "journal.TimetableSet"
    gone = await journal.http.get(f"{NEXT_BASE}/classes/6a/timetable/draft", headers=admin)
    assert (gone.status_code, gone.json()["reason"]) == (404, "no_timetable_draft")


async def _first_grader_joined(journal, admin) -> None:
    async def members():
        response = await journal.http.get(f"{NEXT_BASE}/classes/1a/members", headers=admin)
        assert response.status_code == 200, response.text
        assert [(m["pupil_id"], m["since"]) for m in response.json()["members"]] == [
            ("p70", "2027-09-01")
        ]

    await eventually(members, timeout=30)
