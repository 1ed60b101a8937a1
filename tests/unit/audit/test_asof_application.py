"""The as-of use cases over an in-memory event log: what is read, up to when, and what is found."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from contracts.base import Event
from contracts.journal import (
    ClassOpened,
    LessonEntriesSaved,
    LessonScheduled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    MarkScaleConfigured,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    ScaleValue,
    TeachingAssigned,
    TopicSet,
)
from contracts.subjects import lesson, pupil, school_class, school_config
from services.audit.application.asof import AsOfJournal, AsOfNotFound
from services.audit.domain.asof import DiaryQuery, GridQuery
from services.audit.domain.log import LoggedEvent
from tests.unit.audit.log_rows import event_row

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
MON = dt.date(2026, 9, 7)
PAGE = GridQuery("5a", "math", dt.date(2026, 9, 1), dt.date(2026, 9, 30))


class InMemoryEventLog:
    """The `EventLog` port over a list, with SQL LIKE on subjects and the JetStream time."""

    def __init__(self) -> None:
        self.rows: list[LoggedEvent] = []
        self.patterns: list[str | None] = []

    def add(self, subject: str, event: Event, at: dt.datetime, occurred: dt.datetime | None = None):
        self.rows.append(
            event_row(
                event,
                seq=len(self.rows) + 1,
                subject=subject,
                occurred_at=occurred or at,
                recorded_at=at,
            )
        )

    async def events(self, school, *, streams, until=None, subjects_like=None, **_):
        self.patterns.append(subjects_like)
        like = re.compile(
            "".join(
                ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
                for ch in subjects_like or "%"
            )
        )
        for row in self.rows:
            if (
                row.school == school
                and row.stream in streams
                and (until is None or row.recorded_at <= until)
                and like.fullmatch(row.subject)
            ):
                yield row


def mark(mark_id: str, pupil_id: str, value: str) -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil_id, value=value, work_kind_id="oral", weight=Decimal(1)
    )


@pytest.fixture
def log() -> InMemoryEventLog:
    return small_school()


def small_school() -> InMemoryEventLog:
    """5a with p1 and p2 (p2 until 20 September), 6b with p2 from 21 September, a maths lesson
    in each, recorded a minute apart from T0."""
    log = InMemoryEventLog()
    at = T0
    scale = MarkScaleConfigured(
        scale_id="five",
        values=tuple(ScaleValue(value=str(n), numeric=n, label="x") for n in range(1, 6)),
    )
    items: list[tuple[str, Event]] = [
        (school_config(2026, "s1"), scale),
        *(
            (
                pupil(2026, "s1", p),
                PupilRegistered(pupil_id=p, full_name=p.upper(), birth_date=dt.date(2015, 1, 1)),
            )
            for p in ("p1", "p2")
        ),
    ]
    for class_id in ("5a", "6b"):
        subject = school_class(2026, "s1", class_id)
        items += [
            (
                subject,
                ClassOpened(class_id=class_id, grade=5, label=class_id, class_teacher_id="t1"),
            ),
            (subject, TeachingAssigned(teacher_id="t1", subject_id="math")),
        ]
    items += [
        (
            school_class(2026, "s1", "5a"),
            PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1)),
        ),
        (
            school_class(2026, "s1", "5a"),
            PupilJoinedClass(pupil_id="p2", since=dt.date(2026, 9, 1)),
        ),
        (
            school_class(2026, "s1", "5a"),
            PupilLeftClass(pupil_id="p2", last_day=dt.date(2026, 9, 20), reason="x"),
        ),
        (
            school_class(2026, "s1", "6b"),
            PupilJoinedClass(pupil_id="p2", since=dt.date(2026, 9, 21)),
        ),
    ]
    for class_id, lesson_id, day in (("5a", "a1", MON), ("6b", "b1", dt.date(2026, 9, 28))):
        items.append(
            (
                lesson(2026, "s1", class_id, lesson_id),
                LessonScheduled(
                    lesson_id=lesson_id,
                    class_id=class_id,
                    subject_id="math",
                    date=day,
                    slot=1,
                    teacher_id="t1",
                ),
            )
        )
    for subject, event in items:
        at += dt.timedelta(minutes=1)
        log.add(subject, event, at)
    return log


MOMENT_1 = T0 + dt.timedelta(days=7)
MOMENT_2 = T0 + dt.timedelta(days=14)


async def test_a_late_entry_is_shown_from_when_it_was_recorded_not_from_when_it_claims():
    log = small_school()
    journal = AsOfJournal(log)
    entry = LessonEntriesSaved(topic="Дроби", marks=(mark("m1", "p1", "5"),))
    log.add(lesson(2026, "s1", "5a", "a1"), entry, MOMENT_2, occurred=MOMENT_1)
    earlier = await journal.class_grid("s1", 2026, PAGE, MOMENT_2 - dt.timedelta(seconds=1))
    later = await journal.class_grid("s1", 2026, PAGE, MOMENT_2)
    assert earlier.lessons[0].topic is None
    assert later.lessons[0].topic == "Дроби"
    assert later.rows[0].cells[0].marks[0].value == "5"
    assert later.last_seq > earlier.last_seq


async def test_a_page_reads_only_the_school_wide_subjects_and_the_classs(log):
    grid = await AsOfJournal(log).class_grid("s1", 2026, PAGE, MOMENT_1)
    assert [r.pupil_id for r in grid.rows] == ["p1", "p2"]
    assert [lesson.lesson_id for lesson in grid.lessons] == ["a1"]
    assert log.patterns == ["jrn.2026.s1.school.%", "jrn.2026.s1.5a.%"]


async def test_a_lesson_as_of_a_moment_shows_its_corrections_made_by_then(log):
    subject = lesson(2026, "s1", "5a", "a1")
    log.add(subject, MarkRecorded(mark=mark("m1", "p1", "3")), MOMENT_1)
    log.add(
        subject,
        MarkCorrected(mark_id="m1", value="4", work_kind_id="oral", weight=1, reason="r"),
        MOMENT_2,
    )
    journal = AsOfJournal(log)
    first = await journal.lesson("s1", 2026, "5a", "a1", MOMENT_1)
    second = await journal.lesson("s1", 2026, "5a", "a1", MOMENT_2)
    assert [(m.value, m.corrected) for m in first.marks] == [("3", False)]
    assert [(m.value, m.corrected) for m in second.marks] == [("4", True)]


async def test_unknown_or_not_yet_recorded_keys_are_not_found(log):
    journal = AsOfJournal(log)
    with pytest.raises(AsOfNotFound, match="lesson"):
        await journal.lesson("s1", 2026, "6b", "a1", MOMENT_1)  # a1 is a lesson of 5a
    with pytest.raises(AsOfNotFound, match="class"):
        await journal.class_grid("s1", 2026, PAGE, T0)  # before the class was opened
    with pytest.raises(AsOfNotFound, match="pupil"):
        await journal.diary("s1", 2026, DiaryQuery("p9", PAGE.date_from, PAGE.date_to), MOMENT_1)


async def test_the_diary_of_a_pupil_who_moved_class_has_each_classs_lessons(log):
    log.add(lesson(2026, "s1", "6b", "b1"), TopicSet(topic="Проценты"), MOMENT_1)
    diary = await AsOfJournal(log).diary(
        "s1", 2026, DiaryQuery("p2", PAGE.date_from, PAGE.date_to), MOMENT_1
    )
    assert [(entry.class_id, entry.lesson_id, entry.topic) for entry in diary.lessons] == [
        ("5a", "a1", None),
        ("6b", "b1", "Проценты"),
    ]


async def test_changes_between_two_moments(log):
    subject = lesson(2026, "s1", "5a", "a1")
    log.add(subject, MarkRecorded(mark=mark("m1", "p1", "3")), MOMENT_1)
    log.add(subject, TopicSet(topic="Дроби"), MOMENT_2)
    found = await AsOfJournal(log).changes("s1", 2026, PAGE, MOMENT_1, MOMENT_2)
    assert [(c.kind, c.after) for c in found.changes] == [("topic_changed", "Дроби")]
    assert found.until_seq == found.since_seq + 1


async def test_changes_stay_exact_when_the_server_clock_stepped_back(log):
    subject = lesson(2026, "s1", "5a", "a1")
    log.add(subject, TopicSet(topic="после"), MOMENT_2)
    log.add(subject, MarkRecorded(mark=mark("m1", "p1", "3")), MOMENT_1)  # later seq, earlier time
    found = await AsOfJournal(log).changes(
        "s1", 2026, PAGE, MOMENT_1, MOMENT_2 + dt.timedelta(hours=1)
    )
    assert [c.kind for c in found.changes] == ["topic_changed"]
