"""What changed on a page between two moments: the diff of two folded states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    AttendanceTaken,
    ClassOpened,
    LessonCancelled,
    LessonEntriesSaved,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    TeacherSubstituted,
    TopicSet,
)
from services.audit.domain.asof import Change, GridQuery, JournalState, Recorded, diff, fold

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
MON = dt.date(2026, 9, 7)
PAGE = GridQuery("5a", "math", dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def lesson(lesson_id: str, day: dt.date = MON) -> tuple[str, Event]:
    return lesson_id, LessonScheduled(
        lesson_id=lesson_id, class_id="5a", subject_id="math", date=day, slot=1, teacher_id="t1"
    )


def mark(mark_id: str, value: str) -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id="p1", value=value, work_kind_id="oral", weight=Decimal(1)
    )


BASE: list[tuple[str, Event]] = [
    ("p1", PupilRegistered(pupil_id="p1", full_name="Борисов", birth_date=dt.date(2015, 1, 1))),
    ("5a", ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t1")),
    ("5a", PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1))),
    lesson("l1"),
    ("l1", MarkRecorded(mark=mark("m1", "3"))),
    ("l1", MarkRecorded(mark=mark("m2", "4"))),
    ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p2", kind="absent"),))),
]


def between(*items: tuple[str, Event]) -> list[Change]:
    """The diff from the base history to the base history and `items`."""
    events = [
        Recorded(i, T0 + dt.timedelta(minutes=i), agg, "t1", event)
        for i, (agg, event) in enumerate([*BASE, *items], 1)
    ]
    before = fold(JournalState("s1", 2026), events[: len(BASE)])
    return diff(before, fold(before, events[len(BASE) :]), PAGE)


def test_marks_corrected_and_cancelled_show_old_and_new():
    changes = between(
        ("l1", MarkCorrected(mark_id="m1", value="5", work_kind_id="oral", weight=1, reason="r")),
        ("l1", MarkCancelled(mark_id="m2", reason="ошибка")),
    )
    assert [(c.kind, c.mark_id, c.before, c.after) for c in changes] == [
        ("mark_changed", "m1", "3 (oral x1)", "5 (oral x1)"),
        ("mark_cancelled", "m2", "4 (oral x1)", "ошибка"),
    ]
    assert all(c.lesson_id == "l1" and c.date == MON and c.pupil_id == "p1" for c in changes)


def test_a_lesson_entered_in_between_shows_everything_entered():
    changes = between(
        lesson("l2", dt.date(2026, 9, 9)),
        ("l2", LessonEntriesSaved(topic="Дроби", marks=(mark("m3", "5"),), attendance=())),
    )
    assert [(c.kind, c.lesson_id, c.before, c.after) for c in changes] == [
        ("lesson_added", "l2", None, "2026-09-09 slot 1"),
        ("lesson_held", "l2", "scheduled", "held"),
        ("topic_changed", "l2", None, "Дроби"),
        ("mark_added", "l2", None, "5 (oral x1)"),
    ]


def test_cancellation_substitution_and_topic_are_listed():
    changes = between(
        ("l1", TopicSet(topic="Дроби")),
        ("l1", TeacherSubstituted(substitute_id="t2", reason="болезнь")),
        ("l1", LessonCancelled(reason="карантин")),
    )
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("lesson_cancelled", "scheduled", "cancelled: карантин"),
        ("teacher_changed", "t1", "t2"),
        ("topic_changed", None, "Дроби"),
    ]


def test_absences_added_changed_and_removed():
    changes = between(
        ("l1", AttendanceTaken(absences=(AbsenceEntry(pupil_id="p1", kind="absent"),))),
        ("l1", AbsenceReasonSet(pupil_id="p1", reason="illness")),
    )
    assert [(c.kind, c.pupil_id, c.before, c.after) for c in changes] == [
        ("absence_added", "p1", None, "Б (absent, illness)"),
        ("absence_removed", "p2", "Н (absent, unknown)", None),
    ]


def test_pupils_joining_and_leaving_the_page():
    changes = between(
        (
            "p2",
            PupilRegistered(pupil_id="p2", full_name="Антонова", birth_date=dt.date(2015, 1, 1)),
        ),
        ("5a", PupilJoinedClass(pupil_id="p2", since=dt.date(2026, 9, 14))),
        ("5a", PupilLeftClass(pupil_id="p1", last_day=dt.date(2026, 9, 20), reason="переезд")),
        (
            "p1",
            PupilRegistered(pupil_id="p1", full_name="Борисова", birth_date=dt.date(2015, 1, 1)),
        ),
    )
    assert [(c.kind, c.pupil_id, c.before, c.after) for c in changes] == [
        ("pupil_joined", "p2", None, "2026-09-14"),
        ("pupil_left", "p1", "2026-09-01..", "2026-09-01..2026-09-20"),
        ("pupil_renamed", "p1", "Борисов", "Борисова"),
    ]


def test_a_mark_recorded_and_cancelled_in_between_is_listed_twice():
    changes = between(
        ("l1", MarkRecorded(mark=mark("m9", "2"))),
        ("l1", MarkCancelled(mark_id="m9", reason="не тот ученик")),
    )
    assert [(c.kind, c.mark_id) for c in changes] == [
        ("mark_added", "m9"),
        ("mark_cancelled", "m9"),
    ]


def test_changes_outside_the_page_are_not_listed():
    changes = between(
        lesson("l3", dt.date(2026, 10, 5)),  # after the range
        ("l3", TopicSet(topic="x")),
        ("l1", TopicSet(topic="y")),
    )
    assert [(c.kind, c.lesson_id) for c in changes] == [("topic_changed", "l1")]


def test_a_correction_after_closing_is_listed_after_what_it_changed():
    changes = between(
        ("l1", TopicSet(topic="Дроби", correction_reason="после закрытия четверти")),
    )
    assert [(c.kind, c.after) for c in changes] == [
        ("topic_changed", "Дроби"),
        ("corrected_after_close", "journal.TopicSet: после закрытия четверти"),
    ]
