"""The view's part for the monthly check: when entries were really made, and the checks."""

from __future__ import annotations

import datetime as dt

from contracts.journal import (
    AbsenceEntry,
    AttendanceTaken,
    LessonEntriesSaved,
    LessonScheduled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    MonthlyCheckClosed,
    MonthlyCheckOpened,
    RemarkConfirmed,
    RemarkIssued,
    RemarkResolved,
    TopicSet,
)
from kernel import Fact, ViewState, project
from services.journal.domain.projection.checks import check_keys, project_checks

SCHOOL, YEAR = "s1", 2026
STREAM_T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)  # when the stream stored them
DAY = dt.date(2026, 9, 7)


def fact(seq, aggregate, event, occurred=None, actor="t1"):
    return Fact(seq, SCHOOL, YEAR, aggregate, actor, STREAM_T0, event, occurred)


def on(day_offset: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 9, 7, hour, tzinfo=dt.UTC) + dt.timedelta(days=day_offset)


def mark(mark_id: str) -> MarkEntry:
    return MarkEntry(mark_id=mark_id, pupil_id="p1", value="5", work_kind_id="oral", weight=1)


SCHEDULED = LessonScheduled(
    lesson_id="l1", class_id="5a", subject_id="math", date=DAY, slot=1, teacher_id="t1"
)


def lesson_row(*facts):
    state = project(ViewState(), [fact(1, "l1", SCHEDULED, on(-5)), *facts])
    return state.lessons[SCHOOL, YEAR, "l1"].row


def test_the_first_topic_and_attendance_and_the_last_new_mark_are_timed_by_the_envelope():
    row = lesson_row(
        fact(2, "l1", TopicSet(topic="Дроби"), on(0)),
        fact(3, "l1", TopicSet(topic="Дроби, часть 2"), on(2)),  # an edit: not a new entry
        fact(4, "l1", AttendanceTaken(absences=()), on(1)),
        fact(
            5, "l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="absent"),)), on(3)
        ),
        fact(6, "l1", MarkRecorded(mark=mark("m1")), on(0)),
        fact(7, "l1", MarkRecorded(mark=mark("m2")), on(4)),
        fact(
            8,
            "l1",
            MarkCorrected(mark_id="m1", value="4", work_kind_id="oral", weight=1, reason="x"),
            on(6),
        ),
    )
    assert row.topic_entered_at == on(0)
    assert row.attendance_entered_at == on(1)
    assert row.last_mark_entered_at == on(4)  # a correction is not a new mark


def test_a_whole_class_save_times_what_it_carries():
    saved = LessonEntriesSaved(topic="Дроби", marks=(mark("m1"),), attendance=())
    row = lesson_row(fact(2, "l1", saved, on(1)))
    assert row.topic_entered_at == row.attendance_entered_at == row.last_mark_entered_at == on(1)
    only_held = lesson_row(fact(2, "l1", LessonEntriesSaved(), on(1)))
    assert only_held.topic_entered_at is None
    assert only_held.attendance_entered_at is None
    assert only_held.last_mark_entered_at is None


def test_facts_without_an_envelope_time_fall_back_to_the_stream_time():
    row = lesson_row(Fact(2, SCHOOL, YEAR, "l1", "t1", STREAM_T0, TopicSet(topic="Дроби")))
    assert row.topic_entered_at == STREAM_T0


OPENED = MonthlyCheckOpened(check_id="c1", month="2026-09", scope="school")
ISSUED = RemarkIssued(remark_id="r1", teacher_id="t1", about="teacher", text="Журнал")
CHECK_FACTS = [
    fact(10, "c1", OPENED, on(30), actor="dep1"),
    fact(11, "c1", ISSUED, on(30), actor="dep1"),
    fact(12, "c1", RemarkResolved(remark_id="r1", note="готово"), on(31)),
    fact(13, "c1", RemarkConfirmed(remark_id="r1"), on(32), actor="dep1"),
    fact(14, "c1", MonthlyCheckClosed(), on(33), actor="dep1"),
]


def test_a_check_and_its_remark_are_folded_step_by_step():
    docs = project_checks({}, CHECK_FACTS)
    doc = docs[SCHOOL, YEAR, "c1"]
    assert (doc.row.opened_by, doc.row.closed, doc.row.closed_by) == ("dep1", True, "dep1")
    remark = doc.remarks["r1"]
    assert (remark.status, remark.resolve_note, remark.issued_by) == ("confirmed", "готово", "dep1")
    assert (remark.resolved_at, remark.confirmed_at) == (on(31), on(32))


def test_the_check_fold_ignores_redelivered_and_unrelated_events():
    once = project_checks({}, CHECK_FACTS)
    assert project_checks(once, CHECK_FACTS) == once
    assert check_keys([fact(1, "l1", SCHEDULED)]) == frozenset()
    assert project_checks({}, [fact(1, "l1", SCHEDULED)]) == {}
