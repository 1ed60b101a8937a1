"""The feed's records: each the complete state of one journal aggregate (the school's year, a
class, a lesson, a class's period marks in a subject) as of journal sequence `seq`, pupils by
pseudonym. A lesson or a mark changed by a correction after its period closed (or its year was
sealed) is flagged `corrected_after_close`; the correction's reason, free text, stays on the
school side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints

from contracts.base import ClassId, Contract, Event, LessonId, MarkId, StaffId, SubjectId, Token
from contracts.journal import (
    AbsenceKind,
    AbsenceReason,
    Assessment,
    Attachment,
    ClassLabel,
    DayOff,
    Grade,
    MarkValue,
    Period,
    ScaleValue,
    Slot,
    WorkKind,
)
from contracts.text import PRINTABLE, Comment, Name, TextRules

# A pupil as the feed names them: a keyed HMAC of the pupil id, computed on the school side.
Pseudonym = Annotated[str, StringConstraints(pattern=r"^p[0-9a-f]{32}$")]
LessonText = Annotated[str, TextRules(max_length=2000)]
LessonStatus = Literal["scheduled", "held", "cancelled"]
RecordKind = Literal["school", "class", "lesson", "period-marks", "staff"]

# Fields of a record that say where it travelled, not what it says.
TRANSPORT_FIELDS = frozenset({"batch_id", "index", "seq"})


class Record(Event):
    """One aggregate's complete exported state, as the `index`-th record of batch `batch_id`."""

    batch_id: Token
    index: int = Field(ge=0)
    seq: int = Field(ge=1, description="journal stream sequence of the last event folded in")

    record_kind: ClassVar[RecordKind]

    @property
    def record_id(self) -> str:
        """The aggregate's id within its kind."""
        raise NotImplementedError

    def content(self) -> dict[str, Any]:
        """What the record says, without where it travelled (batch, index, seq)."""
        return self.model_dump(mode="json", exclude=set(TRANSPORT_FIELDS))


class DiarySubject(Contract):
    """A subject the school teaches."""

    subject_id: SubjectId
    name: Annotated[str, TextRules(max_length=200, min_length=1)]


class PeriodScheme(Contract):
    """The periods the classes of `grades` work in (quarters, halves, trimesters): the grades
    this scheme governs now, so a grade is named by one scheme at most."""

    scheme_id: Token
    name: Name
    grades: tuple[Grade, ...] = Field(min_length=1)
    periods: tuple[Period, ...] = Field(min_length=1)


class SubjectAssessment(Contract):
    """How a subject is assessed in `grades`, where the school said so; elsewhere the rule of
    `kernel.year_plan.YearPlan.assessment` (the scale, and no marks in the first grade)."""

    subject_id: SubjectId
    grades: tuple[Grade, ...] = Field(min_length=1)
    assessment: Assessment


class SchoolRecord(Record):
    """The school's year: calendar, periods, scale, kinds of work, subjects; the schemes of
    periods of some grades (`periods` are those of every other grade), how subjects are
    assessed in some grades, and the days off (holidays and vacations).

    The last three came later: a record stored before them has none, which reads as the year's
    periods for every grade, the default assessments and no day off."""

    event_type = "diary.SchoolRecord"
    record_kind: ClassVar[RecordKind] = "school"
    school_id: Token
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[Period, ...] = ()
    scale: tuple[ScaleValue, ...] = ()
    work_kinds: tuple[WorkKind, ...] = ()
    subjects: tuple[DiarySubject, ...] = ()
    schemes: tuple[PeriodScheme, ...] = ()
    assessments: tuple[SubjectAssessment, ...] = ()
    days_off: tuple[DayOff, ...] = ()

    @property
    def record_id(self) -> str:
        """The school id."""
        return self.school_id


class Membership(Contract):
    """A pupil's time in a class: from `since` to `last_day` (None while still in it)."""

    pupil: Pseudonym
    since: dt.date
    last_day: dt.date | None = None


class Teaching(Contract):
    """A teacher teaches a subject to the class (or one of its groups)."""

    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class ClassRecord(Record):
    """A class: its label, class teacher, members (by pseudonym) and teaching assignments."""

    event_type = "diary.ClassRecord"
    record_kind: ClassVar[RecordKind] = "class"
    class_id: ClassId
    grade: int = Field(ge=1, le=11)
    label: ClassLabel
    class_teacher_id: StaffId
    members: tuple[Membership, ...] = ()
    teaching: tuple[Teaching, ...] = ()

    @property
    def record_id(self) -> str:
        """The class id."""
        return self.class_id


class DiaryMark(Contract):
    """A mark in force (cancelled marks are not exported); `corrected` once it was corrected,
    `corrected_after_close` once it was recorded or corrected by a correction after close."""

    mark_id: MarkId
    pupil: Pseudonym
    value: MarkValue
    work_kind_id: Token
    weight: Annotated[Decimal, Field(gt=0, le=10, max_digits=4, decimal_places=2)]
    comment: Comment | None = None
    counts: bool = True
    corrected: bool = False
    corrected_after_close: bool = False


class DiaryAbsence(Contract):
    """An absence or lateness with its reason and the school's letter (Н, Б, У, П, ОП)."""

    pupil: Pseudonym
    kind: AbsenceKind
    minutes_late: int | None = Field(default=None, ge=1, le=90)
    reason: AbsenceReason
    letter: Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=4)]


class LessonRecord(Record):
    """A lesson as a parent sees it: when, what, who taught it, homework, marks, absences."""

    event_type = "diary.LessonRecord"
    record_kind: ClassVar[RecordKind] = "lesson"
    lesson_id: LessonId
    class_id: ClassId
    subject_id: SubjectId
    date: dt.date
    slot: Slot
    group: Token | None = None
    teacher_id: StaffId = Field(description="the teacher of record (the substitute, if any)")
    status: LessonStatus
    topic: LessonText | None = None
    homework: LessonText | None = None
    homework_due_on: dt.date | None = None
    files: tuple[Attachment, ...] = ()
    marks: tuple[DiaryMark, ...] = ()
    absences: tuple[DiaryAbsence, ...] = ()
    corrected_after_close: bool = Field(
        default=False, description="some edit of the lesson was a correction after close"
    )

    @property
    def record_id(self) -> str:
        """The lesson id."""
        return self.lesson_id


class DiaryPeriodMark(Contract):
    """A pupil's mark for a period (a term, or year, exam, final) and the average beside it.

    Not exported: the marks that went into the average, the grading rules, who set it and the
    reason of a correction after close (free text).
    """

    pupil: Pseudonym
    period_id: Token
    value: MarkValue
    average: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)] | None = None
    corrected_after_close: bool = False


def period_marks_record_id(class_id: str, subject_id: str) -> str:
    """The record id of a class's period marks in a subject (a subject id alone is not unique
    across classes)."""
    return f"{class_id}--{subject_id}"


class PeriodMarksRecord(Record):
    """The period marks of one class in one subject: the mark last set for each pupil and period,
    ordered by period and pupil."""

    event_type = "diary.PeriodMarksRecord"
    record_kind: ClassVar[RecordKind] = "period-marks"
    class_id: ClassId
    subject_id: SubjectId
    marks: tuple[DiaryPeriodMark, ...] = ()

    @property
    def record_id(self) -> str:
        """`<class_id>--<subject_id>`."""
        return period_marks_record_id(self.class_id, self.subject_id)
