"""A pupil's diary as of a moment: the lessons of their class, with their own marks and absence.

A lesson belongs to the pupil's diary when it is a lesson of a class the pupil belonged to on
the lesson's date (a pupil who moved class has the lessons of each class while in it). The
marks shown are the pupil's marks in force (not cancelled), in recording order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from contracts.journal import AbsenceKind, AbsenceReason
from kernel import LessonDoc
from kernel.answers import LessonHeading
from kernel.rows import LessonStatus
from services.audit.domain.asof.grid import marks_in_order, weight
from services.audit.domain.asof.state import JournalState


@dataclass(frozen=True, slots=True)
class DiaryMark:
    """One of the pupil's marks in force."""

    mark_id: str
    value: str
    work_kind_id: str
    weight: Decimal
    comment: str | None
    corrected: bool
    corrected_after_close: bool = False


@dataclass(frozen=True, slots=True)
class DiaryAbsence:
    """The pupil's absence or lateness at the lesson, with its letter."""

    kind: AbsenceKind
    minutes_late: int | None
    reason: AbsenceReason
    letter: str


@dataclass(frozen=True, slots=True)
class DiaryLesson(LessonHeading):
    """One lesson of the pupil's diary."""

    status: LessonStatus
    topic: str | None
    homework_text: str | None
    homework_due: dt.date | None
    teacher_id: str
    teacher_name: str | None
    marks: tuple[DiaryMark, ...]
    absence: DiaryAbsence | None


@dataclass(frozen=True, slots=True)
class PupilDiary:
    """A pupil's lessons over a range of dates, as recorded by `at`."""

    school: str
    year: int
    at: dt.datetime
    last_seq: int
    pupil_id: str
    full_name: str | None
    date_from: dt.date
    date_to: dt.date
    lessons: tuple[DiaryLesson, ...]


class DiaryQuery(NamedTuple):
    """Whose diary and over which dates (both included)."""

    pupil_id: str
    date_from: dt.date
    date_to: dt.date


def classes_of(state: JournalState, query: DiaryQuery) -> list[str]:
    """The classes the pupil belonged to at some day of the range, by id."""
    return sorted(
        klass.row.class_id
        for klass in state.classes()
        if any(
            m.pupil_id == query.pupil_id and m.overlaps(query.date_from, query.date_to)
            for m in klass.memberships
        )
    )


def pupil_diary(state: JournalState, query: DiaryQuery, at: dt.datetime) -> PupilDiary | None:
    """The diary as the state holds it; None when the pupil is not registered yet and belongs
    to no class in the range."""
    classes = classes_of(state, query)
    full_name = state.pupil_name(query.pupil_id)
    if not classes and full_name is None:
        return None
    lessons = [
        lesson
        for lesson in state.lessons()
        if _in_diary(state, query, lesson.row.date, lesson.row.class_id)
    ]
    lessons.sort(key=lambda lesson: (lesson.row.date, lesson.row.slot, lesson.row.lesson_id))
    return PupilDiary(
        school=state.school,
        year=state.year,
        at=at,
        last_seq=state.last_seq,
        pupil_id=query.pupil_id,
        full_name=full_name,
        date_from=query.date_from,
        date_to=query.date_to,
        lessons=tuple(_entry(state, query.pupil_id, lesson) for lesson in lessons),
    )


def _in_diary(state: JournalState, query: DiaryQuery, day: dt.date, class_id: str) -> bool:
    if not query.date_from <= day <= query.date_to:
        return False
    klass = state.klass(class_id)
    return klass is not None and any(
        m.pupil_id == query.pupil_id and m.covers(day) for m in klass.memberships
    )


def _entry(state: JournalState, pupil_id: str, doc: LessonDoc) -> DiaryLesson:
    lesson = doc.row
    marks = marks_in_order(
        m for m in doc.marks.values() if m.pupil_id == pupil_id and not m.cancelled
    )
    corrected = {m for c in state.corrections_of(lesson.lesson_id) for m in c.mark_ids}
    absence = doc.absences.get(pupil_id)
    return DiaryLesson(
        lesson_id=lesson.lesson_id,
        class_id=lesson.class_id,
        date=lesson.date,
        slot=lesson.slot,
        subject_id=lesson.subject_id,
        subject_name=state.subject_name(lesson.subject_id),
        status=lesson.status,
        topic=lesson.topic,
        homework_text=lesson.homework_text,
        homework_due=lesson.homework_due,
        teacher_id=lesson.teacher_id,
        teacher_name=state.staff_name(lesson.teacher_id),
        marks=tuple(
            DiaryMark(
                m.mark_id,
                m.value,
                m.work_kind_id,
                weight(m),
                m.comment,
                m.corrected,
                m.mark_id in corrected,
            )
            for m in marks
        ),
        absence=None
        if absence is None
        else DiaryAbsence(absence.kind, absence.minutes_late, absence.reason, absence.letter),
    )
