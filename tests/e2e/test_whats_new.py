"""«Что нового» end to end: what a teacher records in the journal, exported as deltas, reaches the
parent's feed as new marks, corrections (old → new), homework and absences whose reason came
later; the year's first export is not news; another parent's child is refused."""

from __future__ import annotations

import pytest
import pytest_asyncio

from contracts.streams import ENROLLMENT
from services.common.eventstore_jetstream import JetStreamEventStore
from services.exporter.application.exporting import export
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    math_lesson_id,
    seed_small_school,
)
from tests.support.running import running_diary, running_exporter, running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
LESSON = math_lesson_id(FIRST_MONDAY)
JOURNAL_LESSON = f"/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
DIARY = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
CHILD, OTHER_CHILD = PUPILS[0], PUPILS[1]
PARENT_UID, OTHER_PARENT_UID = 100001, 100002


class Platform:
    """The journal, the diary and the exporter of one test."""

    def __init__(self, journal, diary, exporter) -> None:
        self.journal, self.diary, self.exporter = journal, diary, exporter
        self.pseudonym = exporter.runtime.pseudonymiser.of

    async def teacher(self, method: str, path: str, body: dict) -> dict:
        response = await self.journal.http.request(
            method,
            f"{JOURNAL_LESSON}{path}",
            json=body,
            headers=self.journal.headers(MATH_TEACHER.id, "teacher"),
        )
        assert response.status_code == 200, response.text
        result: dict = response.json()
        return result

    async def export(self, kind: str = "delta") -> None:
        """Run an export and wait until the diary has applied its batch."""
        await self.journal.runtime.projector.drain()
        outcome = await export(self.exporter.runtime.deps, SCHOOL, YEAR, kind, "api")
        batch_id = outcome.run.batch_id
        system = self.diary.headers("exporter", "system")

        async def applied() -> None:
            response = await self.diary.http.get(f"{DIARY}/batches", headers=system)
            batch = {b["batch_id"]: b for b in response.json()}.get(batch_id)
            assert batch is not None
            assert batch["status"] == "applied", batch

        await eventually(applied)

    async def changes(self, pupil: str, uid: int, after: int = 0):
        """The diary's answer to the parent `uid` for `pupil`'s changes after `after`."""
        return await self.diary.http.get(
            f"{DIARY}/pupils/{self.pseudonym(pupil)}/changes",
            params={"after": after},
            headers=self.diary.headers(f"parent-{uid}", "parent", uid=uid),
        )

    async def news(self, after: int = 0) -> dict:
        """The parent's feed of their child after `after` (once their grant has arrived)."""

        async def answered() -> dict:
            response = await self.changes(CHILD, PARENT_UID, after)
            assert response.status_code == 200, response.text
            body: dict = response.json()
            return body

        result: dict = await eventually(answered)
        return result


@pytest_asyncio.fixture(loop_scope="session")
async def platform(nats_url, database_url, pg_schema, js):
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        await seed_small_school(journal.runtime.deps)
        enrollment = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
        await enrollment.link(CHILD, PARENT_UID)
        await enrollment.link(OTHER_CHILD, OTHER_PARENT_UID, application="a2")
        yield Platform(journal, diary, exporter)


def seen(body: dict) -> list[tuple]:
    return [(c["kind"], c["lesson_id"], c["old"], c["new"]) for c in body["changes"]]


async def test_a_parent_sees_new_marks_corrections_homework_and_reasons_set_later(platform):
    await platform.export("full")  # the year's first batch: nothing in it is news
    first = await platform.news()
    assert (first["changes"], first["latest"]) == ([], 0)

    saved = await platform.teacher(
        "POST",
        "/entries",
        {
            "topic": "Сложение дробей",
            "homework": {"text": "§12, упр. 3-5", "due_on": "2026-09-09"},
            "marks": [
                {"pupil_id": CHILD, "value": "5", "work_kind_id": "test"},
                {"pupil_id": OTHER_CHILD, "value": "4", "work_kind_id": "oral"},
            ],
            "attendance": [{"pupil_id": CHILD, "kind": "absent"}],
        },
    )
    await platform.export()
    recorded = await platform.news()
    assert sorted(seen(recorded)) == sorted(
        [
            ("mark_added", LESSON, None, "5"),  # the child's mark, not the classmate's
            ("absence_added", LESSON, None, "Н"),
            ("homework_set", LESSON, None, "§12, упр. 3-5"),
        ]
    )
    mark = next(c for c in recorded["changes"] if c["kind"] == "mark_added")
    assert (mark["date"], mark["subject_id"], mark["class_id"]) == (
        FIRST_MONDAY.isoformat(),
        "math",
        CLASS_ID,
    )
    assert mark["subject_name"] is not None
    assert mark["work_kind_name"] is not None
    assert mark["weight"] is not None
    homework = next(c for c in recorded["changes"] if c["kind"] == "homework_set")
    assert homework["due_on"] == "2026-09-09"
    seen_up_to = recorded["latest"]
    assert seen_up_to == max(c["change_id"] for c in recorded["changes"])

    correction = {"value": "4", "work_kind_id": "test", "reason": "пересчитано"}
    await platform.teacher("POST", f"/marks/{saved['mark_ids'][0]}/correct", correction)
    await platform.teacher("PUT", f"/absences/{CHILD}/reason", {"reason": "illness"})
    await platform.export()
    later = await platform.news(after=seen_up_to)
    assert sorted(seen(later)) == [
        ("absence_changed", LESSON, "Н", "Б"),
        ("mark_corrected", LESSON, "5", "4"),
    ]
    assert min(c["change_id"] for c in later["changes"]) > seen_up_to
    everything = await platform.news()
    assert len(everything["changes"]) == 5
    assert everything["latest"] == later["latest"]
    for body in (str(recorded), str(later)):
        assert f"'{CHILD}'" not in body  # pseudonyms only on the portal side
        assert "пересчитано" not in body

    other = await platform.changes(OTHER_CHILD, PARENT_UID)
    assert other.status_code == 403, other.text
    assert other.json()["reason"] == "no_grant"
