"""The diary's views assembled from read rows (`services.diary.domain.rows`): whose marks and
absences a view shows, in which order, and the averages, the regulation's
(`kernel.grading.weighted_average`) over the school's scale.

A lesson's marks follow how its subject is assessed in its class
(`services.diary.domain.year_plan`): a subject that is not marked shows none, and only a subject
marked on the scale has an average (pass/fail marks have no number)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from contracts.journal import Assessment
from kernel.grading import weighted_average
from kernel.year_plan import value_label
from services.diary.domain.calendar import MemberRow
from services.diary.domain.rows import (
    AbsenceRow,
    DirectoryEntry,
    FileRow,
    LessonRow,
    LessonSet,
    MarkRow,
    SchoolConfig,
)
from services.diary.domain.views import (
    AbsenceView,
    ClassLesson,
    DatedMark,
    FileUrl,
    FileView,
    GridLesson,
    GridPupil,
    MarkView,
    PupilAbsence,
    PupilLesson,
    PupilMark,
)
from services.diary.domain.year_plan import class_assessment, shows_average, shows_marks

T = TypeVar("T")


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
        label=value_label(row.value),
    )


def _assessed(lesson: LessonRow, config: SchoolConfig) -> Assessment:
    """How the lesson's subject is assessed in its class."""
    return class_assessment(config, lesson.subject_id, lesson.class_id)


def _marked(found: LessonSet, config: SchoolConfig) -> LessonSet:
    """`found` without the marks of lessons whose subject is not marked in their class."""
    unmarked = {
        lesson.lesson_id for lesson in found.lessons if not shows_marks(_assessed(lesson, config))
    }
    if not unmarked:
        return found
    marks = tuple(m for m in found.marks if m.lesson_id not in unmarked)
    return LessonSet(found.lessons, found.files, marks, found.absences)


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
        "assessment": _assessed(lesson, config),
    }


def _ordered(lessons: Iterable[LessonRow]) -> list[LessonRow]:
    return sorted(lessons, key=lambda row: (row.date, row.slot, row.subject_id, row.lesson_id))


def pupil_lessons(
    pupil: str, found: LessonSet, config: SchoolConfig, url: FileUrl
) -> tuple[PupilLesson, ...]:
    """The lessons of `found` as `pupil` sees them (only their own marks and absence)."""
    found = _marked(found, config)
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
    """A pupil's marks over `found`'s lessons in date order, and their weighted average (over
    the marks of lessons whose subject is marked on the scale in their class)."""
    found = _marked(found, config)
    lessons = {lesson.lesson_id: lesson for lesson in found.lessons}
    own = [m for m in found.marks if m.pupil == pupil and m.lesson_id in lessons]
    own.sort(key=lambda m: (lessons[m.lesson_id].date, lessons[m.lesson_id].slot, m.mark_id))
    dated = tuple(
        DatedMark(m.lesson_id, lessons[m.lesson_id].date, mark_view(m, config)) for m in own
    )
    averaged = [m for m in own if shows_average(_assessed(lessons[m.lesson_id], config))]
    return dated, average(averaged, config.scale)


def class_lessons(found: LessonSet, config: SchoolConfig, url: FileUrl) -> tuple[ClassLesson, ...]:
    """Lessons with every pupil's marks and absences, in date and slot order."""
    found = _marked(found, config)
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
