"""Corrections after close and period marks, from the journal through the exporter to the diary.

A teacher records a lesson and sets a period mark; the administrator closes the period; the
deputy director corrects the topic and the period mark, and the administrator adds a mark, each
as a correction with a reason. A delta export carries it all: the parent sees the lesson and the
new mark flagged `corrected_after_close` and the period mark in the subject view, never the
reason; the diary check finds no difference; a full export afterwards finds nothing to repair.
"""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from contracts.streams import ENROLLMENT
from services.common.eventstore_jetstream import JetStreamEventStore
from services.exporter.adapters.record_feeds import (
    DIARY_RECORDS_PATH,
    JOURNAL_FACTS_PATH,
    HttpRecordFeed,
)
from services.exporter.application.agreement import DiaryCheck
from services.exporter.application.exporting import export
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
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
YEAR_PATH = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
BASE = f"{YEAR_PATH}/classes/{CLASS_ID}"
LESSON = math_lesson_id(FIRST_MONDAY)
DIARY = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
PUPIL = PUPILS[0]
PARENT_UID = 100001
REASON = "исправление по служебной записке № 12"


class Platform:
    """The journal, the diary and the exporter of one test, and the diary check."""

    def __init__(self, journal, diary, exporter) -> None:
        self.journal, self.diary, self.exporter = journal, diary, exporter
        self.pseudonym = exporter.runtime.pseudonymiser.of

        def tokens(service):
            return lambda school: service.issuer.mint("exporter", ["system"], school)

        self.check = DiaryCheck(
            journal=HttpRecordFeed(
                journal.http, "http://journal", JOURNAL_FACTS_PATH, tokens(journal)
            ),
            diary=HttpRecordFeed(diary.http, "http://diary", DIARY_RECORDS_PATH, tokens(diary)),
            pseudonym=self.pseudonym,
        )

    def staff(self, who, role: str) -> dict[str, str]:
        return self.journal.headers(who.id, role)

    async def journal_call(self, method: str, path: str, who, role: str, body=None) -> dict:
        response = await self.journal.http.request(
            method, path, json=body, headers=self.staff(who, role)
        )
        assert response.status_code in (200, 201), response.text
        result: dict = response.json()
        return result

    async def export(self, kind: str = "delta") -> dict:
        """Run an export; the diary's row of its batch once applied."""
        await self.journal.runtime.projector.drain()
        outcome = await export(self.exporter.runtime.deps, SCHOOL, YEAR, kind, "api")
        batch_id = outcome.run.batch_id
        assert batch_id is not None
        system = self.diary.headers("exporter", "system")

        async def applied():
            response = await self.diary.http.get(f"{DIARY}/batches", headers=system)
            batch = {b["batch_id"]: b for b in response.json()}.get(batch_id)
            assert batch is not None
            assert batch["status"] == "applied", batch
            return batch

        batch: dict = await eventually(applied)
        return batch


@pytest_asyncio.fixture(loop_scope="session")
async def platform(nats_url, database_url, pg_schema, js):
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        await seed_small_school(journal.runtime.deps)
        enrollment = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
        await enrollment.link(PUPIL, PARENT_UID)
        yield Platform(journal, diary, exporter)


async def _teachers_week(platform: Platform) -> str:
    """The teacher records the lesson and sets the period mark; the id of the first mark."""
    saved = await platform.journal_call(
        "POST",
        f"{BASE}/lessons/{LESSON}/entries",
        MATH_TEACHER,
        "teacher",
        {
            "topic": "Сложение дробей",
            "marks": [
                {"pupil_id": PUPIL, "value": "5", "work_kind_id": "test"},
                {"pupil_id": PUPIL, "value": "4", "work_kind_id": "oral"},
            ],
        },
    )
    await platform.journal.runtime.projector.drain()  # the period mark averages the view's marks
    await platform.journal_call(
        "PUT",
        f"{BASE}/subjects/math/period-marks/q1/{PUPIL}",
        MATH_TEACHER,
        "teacher",
        {"value": "5"},
    )
    first: str = saved["mark_ids"][0]
    return first


async def _corrections_after_close(platform: Platform) -> str:
    """Close q1, then correct the topic, add a mark and correct the period mark; the new mark."""
    await platform.journal_call("POST", f"{YEAR_PATH}/periods/q1/close", ADMIN, "admin")
    await platform.journal_call(
        "PUT",
        f"{BASE}/lessons/{LESSON}/topic",
        DEPUTY,
        "deputy",
        {"topic": "Сложение и вычитание дробей", "correction_reason": REASON},
    )
    added = await platform.journal_call(
        "POST",
        f"{BASE}/lessons/{LESSON}/marks",
        ADMIN,
        "admin",
        {"pupil_id": PUPIL, "value": "3", "work_kind_id": "oral", "correction_reason": REASON},
    )
    await platform.journal_call(
        "PUT",
        f"{BASE}/subjects/math/period-marks/q1/{PUPIL}",
        DEPUTY,
        "deputy",
        {"value": "4", "correction_reason": REASON},
    )
    mark_id: str = added["mark_id"]
    return mark_id


async def test_a_correction_after_close_reaches_the_parent_flagged_and_the_check_agrees(
    platform,
):
    first = await _teachers_week(platform)
    await platform.export()
    child = platform.pseudonym(PUPIL)
    parent = platform.diary.headers("parent-1", "parent", uid=PARENT_UID)

    async def subject_view() -> dict:
        response = await platform.diary.http.get(
            f"{DIARY}/pupils/{child}/subjects/math", params={"period": "q1"}, headers=parent
        )
        assert response.status_code == 200, response.text
        body: dict = response.json()
        return body

    before = await eventually(subject_view)  # the parent's grant follows the link
    assert before["period_mark"]["value"] == "5"
    assert before["period_mark"]["corrected_after_close"] is False
    assert not any(m["mark"]["corrected_after_close"] for m in before["marks"])

    added = await _corrections_after_close(platform)
    await platform.export()

    day = await platform.diary.http.get(
        f"{DIARY}/pupils/{child}/days/{FIRST_MONDAY}", headers=parent
    )
    assert day.status_code == 200, day.text
    lesson = next(x for x in day.json()["lessons"] if x["lesson_id"] == LESSON)
    assert lesson["corrected_after_close"] is True
    assert lesson["topic"] == "Сложение и вычитание дробей"
    flags = {m["mark_id"]: m["corrected_after_close"] for m in lesson["marks"]}
    assert flags[added] is True
    assert flags[first] is False
    week = await platform.diary.http.get(
        f"{DIARY}/pupils/{child}/weeks/{FIRST_MONDAY + dt.timedelta(days=2)}", headers=parent
    )
    assert next(x for x in week.json()["lessons"] if x["lesson_id"] == LESSON)[
        "corrected_after_close"
    ]

    after = await subject_view()
    mark = after["period_mark"]
    assert (mark["period_id"], mark["value"], mark["corrected_after_close"]) == ("q1", "4", True)
    assert mark["average"] is not None
    assert [m["period_id"] for m in after["period_marks"]] == ["q1"]
    assert {m["mark"]["mark_id"]: m["mark"]["corrected_after_close"] for m in after["marks"]}[added]
    for body in (day.text, week.text, str(after)):
        assert REASON not in body
        assert PUPIL not in body

    report = await platform.check.run(SCHOOL, YEAR, dt.datetime.now(dt.UTC))
    assert report.agrees, report.differences
    assert report.journal_records == report.diary_records > 2  # class, lessons, period marks

    full = await platform.export("full")
    assert (full["drift_missing"], full["drift_extra"], full["drift_different"]) == (0, 0, 0)


async def test_the_check_names_a_correction_the_diary_has_not_received_yet(platform):
    await _teachers_week(platform)
    await platform.export()
    added = await _corrections_after_close(platform)
    await platform.journal.runtime.projector.drain()

    report = await platform.check.run(SCHOOL, YEAR, dt.datetime.now(dt.UTC))
    found = {(d.kind, d.record_id, d.problem, d.where) for d in report.differences}
    assert ("lesson", LESSON, "different", "corrected_after_close") in found
    assert ("lesson", LESSON, "missing_in_diary", f"marks[{added}]") in found
    child = platform.pseudonym(PUPIL)
    assert (
        "period-marks",
        f"{CLASS_ID}--math",
        "different",
        f"marks[q1/{child}].value",
    ) in found

    await platform.export()
    assert (await platform.check.run(SCHOOL, YEAR, dt.datetime.now(dt.UTC))).agrees
