"""The diary's views, as the portal receives them: a pupil's day, week and subject, a class's
day and grid.

Each class works in its own periods (its grade's scheme) and assesses each subject as its grade
does (`services.diary.domain.year_plan`): a pass/fail mark reads «зачтено»/«не зачтено»
(`label`) and enters no average; a subject that is not marked shows no marks and no average.
Days off (holidays, vacations) come with the days they fall on.

Lessons and marks changed by a correction after their period closed show
`corrected_after_close` (DESIGN.md §5: such corrections are flagged everywhere); why they were
corrected is not known here. A lesson names its teacher as the school's staff directory does
(«Иванова А. В.», `teacher_name`), or not at all when the directory does not list them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kernel.answers import LessonHeading
from services.diary.domain.calendar import PeriodRow
from services.diary.domain.period_marks import PeriodMarkView
from services.diary.domain.year_plan import DayOffView

FileUrl = Callable[[str], str]
"""The download URL of an attachment id."""


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
    """A mark as the diary shows it; `label` is how its value reads («зачтено» for «зач»)."""

    mark_id: str
    value: str
    work_kind_id: str
    work_kind_name: str | None
    weight: Decimal
    comment: str | None
    counts: bool
    corrected: bool
    corrected_after_close: bool = False
    label: str | None = None


@dataclass(frozen=True, slots=True)
class AbsenceView:
    """An absence or lateness as the diary shows it."""

    letter: str
    kind: str
    minutes_late: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class PupilLesson(LessonHeading):
    """A lesson in a pupil's diary, with this pupil's marks and absence."""

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
    assessment: str = "scale"
    """How the subject is assessed in the lesson's class: `scale`, `pass_fail`, `unmarked`."""


@dataclass(frozen=True, slots=True)
class PupilDays:
    """A pupil's lessons from `starts_on` to `ends_on` (a day or a week), and the days off
    among those days."""

    pupil: str
    starts_on: dt.date
    ends_on: dt.date
    lessons: tuple[PupilLesson, ...]
    days_off: tuple[DayOffView, ...] = ()


@dataclass(frozen=True, slots=True)
class DatedMark:
    """A mark with the lesson it was given in."""

    lesson_id: str
    date: dt.date
    mark: MarkView


@dataclass(frozen=True, slots=True)
class PupilSubject:
    """A pupil's marks in a subject over a period, their weighted average, the period mark of
    the period (the year's when the whole year is shown) and every period mark of the year;
    the periods of the pupil's class and how the subject is assessed in it (no average but on
    the scale, no marks at all for a subject that is not marked)."""

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
    assessment: str = "scale"
    periods: tuple[PeriodRow, ...] = ()


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
    assessment: str = "scale"


@dataclass(frozen=True, slots=True)
class ClassDay:
    """A class's lessons of one day (the subjects the caller sees), and the holiday or
    vacation the day falls in."""

    class_id: str
    date: dt.date
    lessons: tuple[ClassLesson, ...]
    day_off: DayOffView | None = None


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
    """A class's page of a subject: pupils × lessons; the class's periods and how the subject
    is assessed in its grade."""

    class_id: str
    subject_id: str
    subject_name: str | None
    period_id: str | None
    starts_on: dt.date
    ends_on: dt.date
    lessons: tuple[GridLesson, ...]
    pupils: tuple[GridPupil, ...]
    assessment: str = "scale"
    periods: tuple[PeriodRow, ...] = ()
