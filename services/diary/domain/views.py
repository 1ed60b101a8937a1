"""The diary's views, assembled from read rows: a pupil's day, week and subject, a class grid.

Rows come in as values (the application reads them through its ports); averages are the
regulation's (`contracts.grading.weighted_average`) over the school's scale. Lessons and marks
changed by a correction after their period closed show `corrected_after_close` (DESIGN.md §5:
such corrections are flagged everywhere); why they were corrected is not known here. A lesson
names its teacher as the school's staff directory does («Иванова А. В.», `teacher_name`), or
not at all when the directory does not list them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from contracts.grading import weighted_average
from services.diary.domain.calendar import MemberRow, PeriodRow
from services.diary.domain.period_marks import PeriodMarkView

T = TypeVar("T")
FileUrl = Callable[[str], str]
"""The download URL of an attachment id."""


# ---------------------------------------------------------------- read rows


@dataclass(frozen=True, slots=True)
class SchoolConfig:
    """The school's year as the views need it."""

    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[PeriodRow, ...] = ()
    scale: Mapping[str, int | None] = field(default_factory=dict)
    work_kinds: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LessonRow:
    """A lesson's own fields."""

    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    slot: int
    group: str | None
    teacher_id: str
    status: str
    topic: str | None
    homework: str | None
    homework_due_on: dt.date | None
    corrected_after_close: bool = False
    teacher_name: str | None = None
    """The teacher of record's short name in the staff directory (None: not listed)."""


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A teacher of the school year: surname and initials, the subjects (ids) they teach."""

    staff_id: str
    short_name: str
    subjects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileRow:
    """A homework file of a lesson."""

    lesson_id: str
    attachment_id: str
    name: str
    size: int
    media_type: str


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A mark in force of a lesson."""

    lesson_id: str
    mark_id: str
    pupil: str
    value: str
    work_kind_id: str
    weight: Decimal
    comment: str | None
    counts: bool
    corrected: bool
    corrected_after_close: bool = False

    @property
    def cancelled(self) -> bool:
        """Cancelled marks are not exported, so never (what averaging asks)."""
        return False


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    """An absence or lateness of a pupil in a lesson."""

    lesson_id: str
    pupil: str
    kind: str
    minutes_late: int | None
    reason: str
    letter: str


@dataclass(frozen=True, slots=True)
class LessonSet:
    """Lessons with their files, marks and absences."""

    lessons: tuple[LessonRow, ...] = ()
    files: tuple[FileRow, ...] = ()
    marks: tuple[MarkRow, ...] = ()
    absences: tuple[AbsenceRow, ...] = ()


# ---------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class FileView:
    """A homework file and where to download it."""

    attachment_id: str
    name: str
    size: int
    media_type: str
    url: str


@dataclass(frozen=True, slots=True)
class MarkView:
    """A mark as the diary shows it."""

    mark_id: str
    value: str
    work_kind_id: str
    work_kind_name: str | None
    weight: Decimal
    comment: str | None
    counts: bool
    corrected: bool
    corrected_after_close: bool = False


@dataclass(frozen=True, slots=True)
class AbsenceView:
    """An absence or lateness as the diary shows it."""

    letter: str
    kind: str
    minutes_late: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class PupilLesson:
    """A lesson in a pupil's diary, with this pupil's marks and absence."""

    lesson_id: str
    class_id: str
    date: dt.date
    slot: int
    subject_id: str
    subject_name: str | None
    teacher_id: str
    status: str
    topic: str | None
    homework: str | None
    homework_due_on: dt.date | None
    files: tuple[FileView, ...]
    marks: tuple[MarkView, ...]
    absence: AbsenceView | None
    corrected_after_close: bool = False
    teacher_name: str | None = None


@dataclass(frozen=True, slots=True)
class PupilDays:
    """A pupil's lessons from `starts_on` to `ends_on` (a day or a week)."""

    pupil: str
    starts_on: dt.date
    ends_on: dt.date
    lessons: tuple[PupilLesson, ...]


@dataclass(frozen=True, slots=True)
class DatedMark:
    """A mark with the lesson it was given in."""

    lesson_id: str
    date: dt.date
    mark: MarkView


@dataclass(frozen=True, slots=True)
class PupilSubject:
    """A pupil's marks in a subject over a period, their weighted average, the period mark of
    the period (the year's when the whole year is shown) and every period mark of the year."""

    pupil: str
    subject_id: str
    subject_name: str | None
    period_id: str | None
    starts_on: dt.date
    ends_on: dt.date
    marks: tuple[DatedMark, ...]
    average: str | None
    period_mark: PeriodMarkView | None = None
    period_marks: tuple[PeriodMarkView, ...] = ()


@dataclass(frozen=True, slots=True)
class PupilMark:
    """A mark of a pupil in a class view."""

    pupil: str
    mark: MarkView


@dataclass(frozen=True, slots=True)
class PupilAbsence:
    """An absence of a pupil in a class view."""

    pupil: str
    absence: AbsenceView


@dataclass(frozen=True, slots=True)
class ClassLesson:
    """A lesson in a staff view: every pupil's marks and absences."""

    lesson_id: str
    date: dt.date
    slot: int
    subject_id: str
    subject_name: str | None
    teacher_id: str
    status: str
    topic: str | None
    homework: str | None
    homework_due_on: dt.date | None
    files: tuple[FileView, ...]
    marks: tuple[PupilMark, ...]
    absences: tuple[PupilAbsence, ...]
    corrected_after_close: bool = False
    teacher_name: str | None = None


@dataclass(frozen=True, slots=True)
class ClassDay:
    """A class's lessons of one day (the subjects the caller sees)."""

    class_id: str
    date: dt.date
    lessons: tuple[ClassLesson, ...]


@dataclass(frozen=True, slots=True)
class GridPupil:
    """One row of the grid: a pupil's marks and absences per lesson, and their average."""

    pupil: str
    marks: tuple[DatedMark, ...]
    absences: tuple[tuple[str, AbsenceView], ...]
    average: str | None


@dataclass(frozen=True, slots=True)
class GridLesson:
    """One column of the grid."""

    lesson_id: str
    date: dt.date
    slot: int
    status: str
    topic: str | None
    corrected_after_close: bool = False


@dataclass(frozen=True, slots=True)
class ClassGrid:
    """A class's page of a subject: pupils × lessons."""

    class_id: str
    subject_id: str
    subject_name: str | None
    period_id: str | None
    starts_on: dt.date
    ends_on: dt.date
    lessons: tuple[GridLesson, ...]
    pupils: tuple[GridPupil, ...]


# ---------------------------------------------------------------- assembly


def teachers_in_order(entries: Iterable[DirectoryEntry]) -> tuple[DirectoryEntry, ...]:
    """The directory as a person reads a list of names: alphabetically (Ё as Е), then by id."""
    return tuple(
        sorted(entries, key=lambda e: (e.short_name.casefold().replace("ё", "е"), e.staff_id))
    )


def average(marks: Iterable[MarkRow], scale: Mapping[str, int | None]) -> str | None:
    """The weighted average with two decimals, or None when no mark enters it."""
    value = weighted_average(marks, scale)
    return None if value is None else f"{value:.2f}"


def mark_view(row: MarkRow, config: SchoolConfig) -> MarkView:
    """A mark with the name of its kind of work."""
    return MarkView(
        mark_id=row.mark_id,
        value=row.value,
        work_kind_id=row.work_kind_id,
        work_kind_name=config.work_kinds.get(row.work_kind_id),
        weight=row.weight,
        comment=row.comment,
        counts=row.counts,
        corrected=row.corrected,
        corrected_after_close=row.corrected_after_close,
    )


def absence_view(row: AbsenceRow) -> AbsenceView:
    """An absence without the pupil."""
    return AbsenceView(
        letter=row.letter, kind=row.kind, minutes_late=row.minutes_late, reason=row.reason
    )


def _by_lesson(rows: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _files(rows: Sequence[FileRow], url: FileUrl) -> tuple[FileView, ...]:
    return tuple(
        FileView(f.attachment_id, f.name, f.size, f.media_type, url(f.attachment_id)) for f in rows
    )


def _shown(
    lesson: LessonRow, config: SchoolConfig, files: Sequence[FileRow], url: FileUrl
) -> dict[str, Any]:
    """What every view shows of a lesson, whoever's marks it shows beside."""
    return {
        "lesson_id": lesson.lesson_id,
        "date": lesson.date,
        "slot": lesson.slot,
        "subject_id": lesson.subject_id,
        "subject_name": config.subjects.get(lesson.subject_id),
        "teacher_id": lesson.teacher_id,
        "teacher_name": lesson.teacher_name,
        "status": lesson.status,
        "topic": lesson.topic,
        "homework": lesson.homework,
        "homework_due_on": lesson.homework_due_on,
        "files": _files(files, url),
        "corrected_after_close": lesson.corrected_after_close,
    }


def _ordered(lessons: Iterable[LessonRow]) -> list[LessonRow]:
    return sorted(lessons, key=lambda row: (row.date, row.slot, row.subject_id, row.lesson_id))


def pupil_lessons(
    pupil: str, found: LessonSet, config: SchoolConfig, url: FileUrl
) -> tuple[PupilLesson, ...]:
    """The lessons of `found` as `pupil` sees them (only their own marks and absence)."""
    files = _by_lesson(found.files, lambda r: r.lesson_id)
    marks = _by_lesson((m for m in found.marks if m.pupil == pupil), lambda r: r.lesson_id)
    absences = {a.lesson_id: a for a in found.absences if a.pupil == pupil}
    return tuple(
        PupilLesson(
            **_shown(lesson, config, files.get(lesson.lesson_id, []), url),
            class_id=lesson.class_id,
            marks=tuple(mark_view(m, config) for m in marks.get(lesson.lesson_id, [])),
            absence=(
                absence_view(absences[lesson.lesson_id]) if lesson.lesson_id in absences else None
            ),
        )
        for lesson in _ordered(found.lessons)
    )


def pupil_marks(
    pupil: str, found: LessonSet, config: SchoolConfig
) -> tuple[tuple[DatedMark, ...], str | None]:
    """A pupil's marks over `found`'s lessons in date order, and their weighted average."""
    lessons = {lesson.lesson_id: lesson for lesson in found.lessons}
    own = [m for m in found.marks if m.pupil == pupil and m.lesson_id in lessons]
    own.sort(key=lambda m: (lessons[m.lesson_id].date, lessons[m.lesson_id].slot, m.mark_id))
    dated = tuple(
        DatedMark(m.lesson_id, lessons[m.lesson_id].date, mark_view(m, config)) for m in own
    )
    return dated, average(own, config.scale)


def class_lessons(found: LessonSet, config: SchoolConfig, url: FileUrl) -> tuple[ClassLesson, ...]:
    """Lessons with every pupil's marks and absences, in date and slot order."""
    files = _by_lesson(found.files, lambda r: r.lesson_id)
    marks = _by_lesson(found.marks, lambda r: r.lesson_id)
    absences = _by_lesson(found.absences, lambda r: r.lesson_id)
    return tuple(
        ClassLesson(
            **_shown(lesson, config, files.get(lesson.lesson_id, []), url),
            marks=tuple(
                PupilMark(m.pupil, mark_view(m, config)) for m in marks.get(lesson.lesson_id, [])
            ),
            absences=tuple(
                PupilAbsence(a.pupil, absence_view(a)) for a in absences.get(lesson.lesson_id, [])
            ),
        )
        for lesson in _ordered(found.lessons)
    )


def grid_rows(
    members: Iterable[MemberRow], found: LessonSet, config: SchoolConfig
) -> tuple[GridPupil, ...]:
    """One row per pupil of `members` (by pseudonym), with their marks, absences and average."""
    lessons = {lesson.lesson_id: lesson for lesson in found.lessons}
    rows = []
    for pupil in sorted({m.pupil for m in members}):
        dated, avg = pupil_marks(pupil, found, config)
        own = [a for a in found.absences if a.pupil == pupil and a.lesson_id in lessons]
        own.sort(key=lambda a: (lessons[a.lesson_id].date, lessons[a.lesson_id].slot))
        absences = tuple((a.lesson_id, absence_view(a)) for a in own)
        rows.append(GridPupil(pupil, dated, absences, avg))
    return tuple(rows)


def grid_lessons(found: LessonSet) -> tuple[GridLesson, ...]:
    """The grid's columns in date and slot order."""
    return tuple(
        GridLesson(
            lesson.lesson_id,
            lesson.date,
            lesson.slot,
            lesson.status,
            lesson.topic,
            lesson.corrected_after_close,
        )
        for lesson in _ordered(found.lessons)
    )
