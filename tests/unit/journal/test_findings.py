"""The monthly check's automated findings against lessons with known gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from services.journal.domain.findings import (
    MOSCOW,
    AbsenceFact,
    CheckRules,
    LessonFacts,
    find,
    finding_id,
    lesson_findings,
)

DAY = dt.date(2026, 9, 7)
RULES = CheckRules()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of a day, Moscow time (stored in UTC as the envelope has it)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MOSCOW).astimezone(dt.UTC)


COMPLETE = LessonFacts(
    lesson_id="5a-20260907-1",
    class_id="5a",
    subject_id="math",
    teacher_id="t-math",
    date=DAY,
    status="held",
    has_topic=True,
    has_homework=True,
    attendance_taken=True,
    topic_entered_at=at(DAY, 10),
    attendance_entered_at=at(DAY, 9),
    last_mark_entered_at=at(DAY, 23, 59),
)


def kinds(lesson: LessonFacts, today: dt.date, rules: CheckRules = RULES) -> list[str]:
    return [f.kind for f in lesson_findings(lesson, today=today, rules=rules)]


def test_a_lesson_entered_in_full_on_its_day_has_no_findings():
    assert kinds(COMPLETE, DAY + dt.timedelta(days=30)) == []


def test_a_lesson_of_today_or_later_is_not_checked_yet():
    gaps = LessonFacts("l1", "5a", "math", "t1", DAY)
    assert kinds(gaps, DAY) == []
    assert kinds(gaps, DAY + dt.timedelta(days=1)) == [
        "not_marked_held",
        "no_topic",
        "no_attendance",
    ]


def test_a_past_lesson_without_a_topic():
    found = lesson_findings(
        replace(COMPLETE, has_topic=False, topic_entered_at=None),
        today=DAY + dt.timedelta(1),
        rules=RULES,
    )
    assert [(f.kind, f.finding_id, f.teacher_id) for f in found] == [
        ("no_topic", "no_topic:5a-20260907-1", "t-math")
    ]


def test_a_past_lesson_neither_held_nor_cancelled():
    assert kinds(replace(COMPLETE, status="scheduled"), DAY + dt.timedelta(1)) == [
        "not_marked_held"
    ]


def test_a_past_lesson_without_attendance():
    lesson = replace(COMPLETE, attendance_taken=False, attendance_entered_at=None)
    assert kinds(lesson, DAY + dt.timedelta(1)) == ["no_attendance"]


def test_a_cancelled_lesson_needs_no_topic_attendance_or_held_mark():
    cancelled = LessonFacts("l1", "5a", "math", "t1", DAY, status="cancelled")
    assert kinds(cancelled, DAY + dt.timedelta(10), CheckRules(homework_from_grade=1)) == []


def test_homework_is_required_only_where_the_school_says_so():
    lesson = replace(COMPLETE, has_homework=False, grade=5)
    later = DAY + dt.timedelta(1)
    assert kinds(lesson, later) == []  # by default homework is never required
    assert kinds(lesson, later, CheckRules(homework_from_grade=5)) == ["no_homework"]
    assert kinds(lesson, later, CheckRules(homework_from_grade=6)) == []


class TestAbsenceWithoutReason:
    LESSON = replace(
        COMPLETE,
        absences=(AbsenceFact("p02", reason_known=False), AbsenceFact("p01", reason_known=True)),
    )

    def test_is_found_only_after_the_allowed_delay(self):
        assert kinds(self.LESSON, DAY + dt.timedelta(days=3)) == []
        found = lesson_findings(self.LESSON, today=DAY + dt.timedelta(days=4), rules=RULES)
        assert [(f.kind, f.pupil_id, f.finding_id) for f in found] == [
            ("absence_without_reason", "p02", "absence_without_reason:5a-20260907-1:p02")
        ]

    def test_the_delay_is_a_school_setting(self):
        rules = CheckRules(absence_reason_days=1)
        assert kinds(self.LESSON, DAY + dt.timedelta(days=2), rules) == ["absence_without_reason"]

    def test_the_delay_runs_from_when_the_absence_was_recorded(self):
        # The attendance was entered two days late: the class teacher had no chance before.
        lesson = replace(self.LESSON, attendance_entered_at=at(DAY + dt.timedelta(days=2), 12))
        assert "absence_without_reason" not in kinds(lesson, DAY + dt.timedelta(days=5))
        assert "absence_without_reason" in kinds(lesson, DAY + dt.timedelta(days=6))


class TestLateEntry:
    def test_a_topic_first_entered_the_next_day_is_late(self):
        lesson = replace(COMPLETE, topic_entered_at=at(DAY + dt.timedelta(days=1), 8))
        (found,) = lesson_findings(lesson, today=DAY + dt.timedelta(days=2), rules=RULES)
        assert found.kind == "late_entry"
        assert found.finding_id == "late_entry:5a-20260907-1"
        assert found.detail == "тема: 08.09.2026"

    def test_the_local_day_counts_not_the_utc_day(self):
        # 23:30 in Moscow is 20:30 UTC the same day; 00:30 in Moscow is still the 7th in UTC.
        on_the_day = replace(COMPLETE, attendance_entered_at=at(DAY, 23, 30))
        past_midnight = replace(COMPLETE, attendance_entered_at=at(DAY + dt.timedelta(1), 0, 30))
        assert past_midnight.attendance_entered_at.date() == DAY  # in UTC
        assert kinds(on_the_day, DAY + dt.timedelta(5)) == []
        assert kinds(past_midnight, DAY + dt.timedelta(5)) == ["late_entry"]

    def test_marks_and_attendance_entered_late_are_named(self):
        later = DAY + dt.timedelta(days=3)
        lesson = replace(
            COMPLETE, attendance_entered_at=at(later, 9), last_mark_entered_at=at(later, 9)
        )
        (found,) = lesson_findings(lesson, today=later + dt.timedelta(1), rules=RULES)
        assert found.detail == "посещаемость: 10.09.2026; отметки: 10.09.2026"

    def test_a_cancelled_lesson_with_a_late_entry_is_still_late(self):
        lesson = replace(
            COMPLETE, status="cancelled", topic_entered_at=at(DAY + dt.timedelta(1), 9)
        )
        assert kinds(lesson, DAY + dt.timedelta(5)) == ["late_entry"]


def test_a_month_of_lessons_with_known_gaps():
    lessons = [
        COMPLETE,
        replace(COMPLETE, lesson_id="l2", date=DAY + dt.timedelta(2), has_topic=False),
        replace(COMPLETE, lesson_id="l3", date=DAY + dt.timedelta(7), status="scheduled"),
        replace(COMPLETE, lesson_id="l4", date=DAY + dt.timedelta(20)),  # after today
    ]
    found = find(lessons, today=DAY + dt.timedelta(10), rules=RULES)
    assert [f.finding_id for f in found] == ["no_topic:l2", "not_marked_held:l3"]


def test_finding_ids_are_stable():
    assert finding_id("no_topic", "l1") == "no_topic:l1"
    assert finding_id("absence_without_reason", "l1", "p1") == "absence_without_reason:l1:p1"


@given(
    minutes=st.lists(st.integers(min_value=0, max_value=24 * 60 - 1), min_size=3, max_size=3),
    later=st.integers(min_value=1, max_value=60),
    absent=st.integers(min_value=0, max_value=5),
)
def test_everything_entered_on_the_day_with_reasons_given_has_no_findings(minutes, later, absent):
    moments = [at(DAY, 0) + dt.timedelta(minutes=m) for m in minutes]
    lesson = replace(
        COMPLETE,
        topic_entered_at=moments[0],
        attendance_entered_at=moments[1],
        last_mark_entered_at=moments[2],
        absences=tuple(AbsenceFact(f"p{i}", reason_known=True) for i in range(absent)),
    )
    rules = CheckRules(homework_from_grade=1)
    assert lesson_findings(lesson, today=DAY + dt.timedelta(days=later), rules=rules) == []
