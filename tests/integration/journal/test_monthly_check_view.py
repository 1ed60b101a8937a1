"""The monthly check's part of the journal view on a real PostgreSQL: entry times, the lesson
facts a check reads, the checks and remarks tables, redelivery and batch splits."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts import subjects
from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    ClassOpened,
    Finding,
    LessonEntriesSaved,
    LessonScheduled,
    MonthlyCheckOpened,
    RemarkIssued,
    RemarkReopened,
    RemarkResolved,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    TopicSet,
)
from services.common.projector import Projected
from services.journal.adapters.check_view import PgCheckViews
from services.journal.application.read_models import ViewNotFound
from services.journal.domain.findings import CheckRules, find
from tests.support.journal_view import (
    SCHOOL,
    YEAR,
    assert_redelivery_changes_nothing,
    assert_splits_build_the_same_rows,
)
from tests.support.stored_events import projected

pytestmark = pytest.mark.integration

S, Y = SCHOOL, YEAR
TABLES = ("lessons", "checks", "remarks")
DAY = dt.date(2026, 9, 7)
STREAM_TIME = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # the stream's clock: not what counts
FINDING = Finding(
    finding_id="no_topic:l2", kind="no_topic", class_id="c1", teacher_id="t1", date=DAY
)


def at(days: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(2026, 9, 7, hour, tzinfo=dt.UTC) + dt.timedelta(days=days)


def stored(seq: int, subject: str, event: Event, occurred: dt.datetime, actor: str) -> Projected:
    return projected(
        seq, subject, event, actor, school=S, year=Y, occurred_at=occurred, stored_at=STREAM_TIME
    )


def scheduled(lesson_id: str, teacher: str = "t1") -> LessonScheduled:
    return LessonScheduled(
        lesson_id=lesson_id, class_id="c1", subject_id="math", date=DAY, slot=1, teacher_id=teacher
    )


def history() -> list[Projected]:
    lesson = lambda lid: subjects.lesson(Y, S, "c1", lid)  # noqa: E731
    check = subjects.monthly_check(Y, S, "k1")
    items: list[tuple[str, Event, dt.datetime, str]] = [
        (subjects.school_config(Y, S), SchoolYearOpened(
            school_name="Школа", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 5, 31),
            periods=({"period_id": "q1", "name": "1", "starts_on": dt.date(2026, 9, 1),
                      "ends_on": dt.date(2026, 10, 26)},),
        ), at(-10), "adm"),
        (subjects.school_config(Y, S), SubjectDefined(
            subject_id="math", name="Математика"), at(-10), "adm"),
        (subjects.staff_member(Y, S, "t1"), StaffMemberRegistered(
            staff_id="t1", full_name="Иванова А. П.", position="учитель"), at(-10), "adm"),
        (subjects.school_class(Y, S, "c1"), ClassOpened(
            class_id="c1", grade=7, label="7Б", class_teacher_id="t1"), at(-10), "adm"),
        (lesson("l1"), scheduled("l1"), at(-9), "adm"),
        (lesson("l2"), scheduled("l2", "t2"), at(-9), "adm"),
        (lesson("l1"), LessonEntriesSaved(
            topic="Дроби", attendance=(AbsenceEntry(pupil_id="p1", kind="absent"),)), at(0), "t1"),
        (lesson("l2"), LessonEntriesSaved(attendance=()), at(0), "t2"),
        (lesson("l1"), TopicSet(topic="Дроби (исправлено)"), at(3), "t1"),
        (check, MonthlyCheckOpened(check_id="k1", month="2026-09", scope="school",
                                   findings=(FINDING,)), at(30), "dep"),
        (check, RemarkIssued(remark_id="r1", teacher_id="t1", about="lesson", text="Тема?",
                             lesson_id="l1", class_id="c1", subject_id="math"), at(30), "dep"),
        (check, RemarkResolved(remark_id="r1", note="Да"), at(31), "t1"),
        (check, RemarkReopened(remark_id="r1", reason="Нет"), at(32), "dep"),
    ]  # fmt: skip
    return [stored(seq, *item) for seq, item in enumerate(items, 1)]


@pytest.fixture
async def views(project_view) -> PgCheckViews:
    return PgCheckViews(await project_view(history()))


async def test_lesson_facts_carry_the_envelope_times_and_the_findings_follow(views):
    facts = {f.lesson_id: f for f in await views.lesson_facts(S, Y, (DAY, DAY), "school", None)}
    assert facts["l1"].topic_entered_at == at(0)  # the first entry, not the later edit
    assert facts["l1"].attendance_entered_at == at(0)
    assert facts["l1"].grade == 7
    assert [(a.pupil_id, a.reason_known) for a in facts["l1"].absences] == [("p1", False)]
    assert (facts["l2"].has_topic, facts["l2"].status, facts["l2"].teacher_id) == (
        False,
        "held",
        "t2",
    )
    found = find(facts.values(), today=dt.date(2026, 10, 1), rules=CheckRules())
    assert [f.finding_id for f in found] == ["absence_without_reason:l1:p1", "no_topic:l2"]
    by_teacher = await views.lesson_facts(S, Y, (DAY, DAY), "teacher", "t2")
    assert [f.lesson_id for f in by_teacher] == ["l2"]
    by_class = await views.lesson_facts(S, Y, (DAY, DAY), "class", "c9")
    assert by_class == []
    assert [f.lesson_id for f in await views.lessons_by_id(S, Y, ["l2", "zz"])] == ["l2"]


async def test_checks_and_remarks_are_read_with_names(views):
    (check,) = await views.checks(S, Y)
    assert (check.check_id, check.opened_by, check.opened_at, check.findings) == (
        "k1",
        "dep",
        at(30),
        (FINDING,),
    )
    assert await views.check(S, Y, "k1") == check
    with pytest.raises(ViewNotFound):
        await views.check(S, Y, "k9")
    (remark,) = await views.remarks(S, Y, teacher_id="t1")
    assert (remark.status, remark.resolve_note, remark.reopen_reason) == ("reopened", "Да", "Нет")
    assert (remark.teacher_name, remark.class_label, remark.subject_name) == (
        "Иванова А. П.",
        "7Б",
        "Математика",
    )
    assert remark.lesson_date == DAY
    assert await views.remarks(S, Y, check_id="k1", teacher_id="t2") == []
    names = await views.names(S, Y)
    assert (names.school_name, names.classes, names.staff["t1"]) == (
        "Школа",
        {"c1": "7Б"},
        "Иванова А. П.",
    )


async def test_redelivery_and_batch_splits_build_the_same_rows(views, pg_pool, pg_schema):
    await assert_redelivery_changes_nothing(pg_pool, pg_schema, history(), TABLES)
    await assert_splits_build_the_same_rows(pg_pool, pg_schema, history(), TABLES, 2)
