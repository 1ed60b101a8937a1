"""The diary's read rows: what the application reads through its ports (PostgreSQL in
production) and the views are assembled from (`services.diary.domain.assembly`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kernel.year_plan import YearPlan
from services.diary.domain.calendar import PeriodRow


@dataclass(frozen=True, slots=True)
class SchoolConfig:
    """The school's year as the views need it: `periods` are the year's own; `plan` (the
    kernel's) says which periods each grade works in, how subjects are assessed and the days
    off, asked by class through `grades` (`services.diary.domain.year_plan`)."""

    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[PeriodRow, ...] = ()
    scale: Mapping[str, int | None] = field(default_factory=dict)
    work_kinds: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)
    plan: YearPlan = field(default_factory=YearPlan)
    grades: Mapping[str, int] = field(default_factory=dict)
    """The grade of each class of the year."""


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
