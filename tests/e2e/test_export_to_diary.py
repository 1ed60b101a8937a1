"""The journal, the exporter and the diary together: what a teacher records reaches a parent,
depersonalised, and the diary check finds every place where the two sides disagree."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest
import pytest_asyncio

from services.exporter.application.exporting import export
from tests.support.journal import CLASS_ID, FIRST_MONDAY, MATH_TEACHER, PUPILS, math_lesson_id
from tests.support.platform import (
    DIARY_YEAR,
    SCHOOL,
    YEAR,
    Platform,
    batch_decided,
    running_platform,
    system,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

LESSON = math_lesson_id(FIRST_MONDAY)
JOURNAL_BASE = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
PARENT_UID = 100001
WITHDRAWAL_BUDGET = 2.0  # seconds from the enrollment's withdrawal to the diary's refusal
logger = logging.getLogger(__name__)


@pytest_asyncio.fixture(loop_scope="session")
async def platform(nats_url, database_url, pg_schema, js):
    async with running_platform(nats_url, database_url, pg_schema, js) as running:
        yield running


def teacher(platform: Platform) -> dict[str, str]:
    return platform.journal.headers(MATH_TEACHER.id, "teacher")


async def _record_lesson(platform: Platform) -> list[str]:
    body = {
        "topic": "Сложение дробей",
        "homework": {"text": "§12, упр. 3-5", "due_on": "2026-09-09"},
        "marks": [
            {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "test"},
            {"pupil_id": PUPILS[0], "value": "3", "work_kind_id": "classwork"},
            {"pupil_id": PUPILS[1], "value": "4", "work_kind_id": "oral"},
        ],
        "attendance": [{"pupil_id": PUPILS[2], "kind": "absent"}],
    }
    response = await platform.journal.http.post(
        f"{JOURNAL_BASE}/entries", json=body, headers=teacher(platform)
    )
    assert response.status_code == 200, response.text
    mark_ids: list[str] = response.json()["mark_ids"]
    return mark_ids


async def test_a_parent_sees_what_the_teacher_recorded_and_the_check_agrees(platform):
    await _record_lesson(platform)
    await platform.export()
    child = platform.pseudonym(PUPILS[0])
    await platform.enrollment.link(PUPILS[0], PARENT_UID)  # the exporter grants it
    parent = platform.diary.headers("parent-1", "parent", uid=PARENT_UID)

    async def day_is_visible():
        response = await platform.diary.http.get(
            f"{DIARY_YEAR}/pupils/{child}/days/{FIRST_MONDAY}", headers=parent
        )
        assert response.status_code == 200, response.text
        return response.json()

    day = await eventually(day_is_visible)
    text = str(day)
    assert "Сложение дробей" in text
    assert "§12, упр. 3-5" in text
    subject = await platform.diary.http.get(
        f"{DIARY_YEAR}/pupils/{child}/subjects/math", params={"period": "q1"}, headers=parent
    )
    assert subject.status_code == 200, subject.text
    assert subject.json()["average"] == "4.33"  # (5·2 + 3·1) / 3, as the journal computes it
    other = platform.pseudonym(PUPILS[1])
    refused = await platform.diary.http.get(
        f"{DIARY_YEAR}/pupils/{other}/days/{FIRST_MONDAY}", headers=parent
    )
    assert refused.status_code == 403

    report = await platform.run_check()
    assert report.agrees, report.differences
    assert report.journal_records == report.diary_records > 1


async def test_a_withdrawn_link_is_refused_by_the_diary_within_two_seconds(platform):
    await _record_lesson(platform)
    await platform.export()
    child = platform.pseudonym(PUPILS[0])
    await platform.enrollment.link(PUPILS[0], PARENT_UID, application="a1")
    parent = platform.diary.headers("parent-1", "parent", uid=PARENT_UID)
    day = f"{DIARY_YEAR}/pupils/{child}/days/{FIRST_MONDAY}"

    async def visible():
        response = await platform.diary.http.get(day, headers=parent)
        assert response.status_code == 200, response.text

    await eventually(visible, timeout=10)
    started = time.perf_counter()
    await platform.enrollment.withdraw(PUPILS[0], PARENT_UID, application="a1")

    async def refused():
        response = await platform.diary.http.get(day, headers=parent)
        assert response.status_code == 403, response.text
        assert response.json()["reason"] == "no_grant"

    await eventually(refused, timeout=WITHDRAWAL_BUDGET, interval=0.01)
    elapsed = time.perf_counter() - started
    logger.info("withdrawal refused by the diary after %.3f s", elapsed)
    assert elapsed < WITHDRAWAL_BUDGET


async def test_the_check_names_what_the_diary_has_not_received_yet(platform):
    mark_ids = await _record_lesson(platform)
    await platform.export()
    correction = {"value": "4", "work_kind_id": "test", "reason": "пересчитано"}
    response = await platform.journal.http.post(
        f"{JOURNAL_BASE}/marks/{mark_ids[0]}/correct", json=correction, headers=teacher(platform)
    )
    assert response.status_code == 200, response.text
    reason = {"reason": "illness"}
    response = await platform.journal.http.put(
        f"{JOURNAL_BASE}/absences/{PUPILS[2]}/reason",
        json=reason,
        headers=platform.journal.headers("t-rus", "teacher"),
    )
    assert response.status_code == 200, response.text

    report = await platform.run_check()
    found = {(d.record_id, d.problem, d.where, d.journal, d.diary) for d in report.differences}
    child, absent = platform.pseudonym(PUPILS[0]), platform.pseudonym(PUPILS[2])
    assert (LESSON, "different", f"marks[{mark_ids[0]}].value", "4", "5") in found
    assert (LESSON, "different", f"marks[{mark_ids[0]}].corrected", True, False) in found
    assert (LESSON, "different", f"absences[{absent}].reason", "illness", "unknown") in found
    assert (LESSON, "different", f"absences[{absent}].letter", "Б", "Н") in found
    assert report.total_differences == len(found) == 4
    assert child not in {d.record_id for d in report.differences}

    await platform.export()
    assert (await platform.run_check()).agrees


async def test_a_teacher_uid_sees_the_class_subject_grid(platform):
    await _record_lesson(platform)
    await platform.export()
    # The maths teacher's UID: the exporter grants the subject they teach in the class.
    await platform.enrollment.staff_uid(MATH_TEACHER.id, 200001)
    teacher = platform.diary.headers(MATH_TEACHER.id, "teacher", uid=200001)

    async def grid():
        response = await platform.diary.http.get(
            f"{DIARY_YEAR}/classes/{CLASS_ID}/subjects/math", headers=teacher
        )
        assert response.status_code == 200, response.text
        return response.json()

    body = await eventually(grid)
    assert platform.pseudonym(PUPILS[0]) in str(body)
    russian = await platform.diary.http.get(
        f"{DIARY_YEAR}/classes/{CLASS_ID}/subjects/russian", headers=teacher
    )
    assert russian.status_code == 403


class CorruptingPublisher:
    """The exporter's publisher, with one lesson record garbled on the way to the feed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.garbled = 0

    async def publish(self, subject, body, headers):
        if ".lesson." in subject and not self.garbled:
            self.garbled += 1
            body = body.replace(b'"status":', b'"status":"nonsense","x":', 1)
        await self.inner.publish(subject, body, headers)


async def test_a_rejected_batch_is_repaired_by_a_forced_full_reconciliation(platform):
    await _record_lesson(platform)
    deps = platform.exporter.runtime.deps
    corrupting = dataclasses.replace(deps, publisher=CorruptingPublisher(deps.publisher))
    await platform.journal.runtime.projector.drain()
    full = (await export(corrupting, SCHOOL, YEAR, "full", "api")).run

    rejected = await batch_decided(platform.diary, full.batch_id, "rejected")
    assert rejected["reason"].startswith("missing_records")
    status = await platform.diary.http.get(f"{DIARY_YEAR}/status", headers=system(platform.diary))
    assert status.json()["feed"]["dead_letters"] >= 1
    assert not (await platform.run_check()).agrees

    again = await export(deps, SCHOOL, YEAR, "full", "api")
    assert again.already  # the same range: nothing new without force
    forced = await export(deps, SCHOOL, YEAR, "full", "api", force=True)
    assert not forced.already
    assert forced.run.batch_id != full.batch_id

    await batch_decided(platform.diary, forced.run.batch_id)
    assert (await platform.run_check()).agrees


async def test_metrics_count_appends_projections_and_export_runs(platform):
    await _record_lesson(platform)
    await platform.export()
    journal = (await platform.journal.http.get("/metrics")).text
    assert (
        'events_appended_total{event_type="journal.LessonEntriesSaved",stream="JOURNAL"}' in journal
    )
    diary = (await platform.diary.http.get("/metrics")).text
    assert 'projection_applied_total{projection="diary_v1"}' in diary
    assert 'projection_lag_events{projection="diary_v1"}' in diary
    exporter = (await platform.exporter.http.get("/metrics")).text
    assert 'export_runs_total{kind="delta",outcome="published"}' in exporter
    assert 'export_duration_seconds_count{kind="delta"}' in exporter
