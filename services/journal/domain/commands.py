"""Commands the journal accepts. Internal to the journal service; ids come from the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Final

from contracts.journal import (
    AbsenceEntry,
    AbsenceReason,
    Attachment,
    CheckScope,
    Period,
    PromotionOutcome,
    RemarkAbout,
    RoundingRule,
    ScaleValue,
    TimetableSlot,
    WorkKind,
)


class Keep(Enum):
    """A field of a correction that was not sent: the mark keeps what it has (a correction of
    the value alone must not silently clear the comment or make the mark count again)."""

    AS_RECORDED = "as recorded"


KEEP: Final = Keep.AS_RECORDED


# ---------------------------------------------------------------- school configuration
@dataclass(frozen=True, slots=True)
class OpenSchoolYear:
    school_name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class ConfigureMarkScale:
    scale_id: str
    values: tuple[ScaleValue, ...]


@dataclass(frozen=True, slots=True)
class ConfigureWorkKinds:
    kinds: tuple[WorkKind, ...]


@dataclass(frozen=True, slots=True)
class DefineSubject:
    subject_id: str
    name: str


SchoolCommand = OpenSchoolYear | ConfigureMarkScale | ConfigureWorkKinds | DefineSubject


# ---------------------------------------------------------------- grading rules, closing periods
@dataclass(frozen=True, slots=True)
class SetGradingRules:
    rounding: RoundingRule
    min_marks: int


@dataclass(frozen=True, slots=True)
class ClosePeriod:
    period_id: str


@dataclass(frozen=True, slots=True)
class ReopenPeriod:
    period_id: str
    reason: str


ClosingCommand = SetGradingRules | ClosePeriod | ReopenPeriod


# ---------------------------------------------------------------- period marks
@dataclass(frozen=True, slots=True)
class SetPeriodMark:
    """The mark a teacher sets for a pupil, subject and period (a term, year, exam or final)."""

    pupil_id: str
    subject_id: str
    period_id: str
    value: str
    correction_reason: str | None = None  # set only to correct a closed period


# ---------------------------------------------------------------- people
@dataclass(frozen=True, slots=True)
class RegisterStaffMember:
    staff_id: str
    full_name: str
    position: str


@dataclass(frozen=True, slots=True)
class RegisterPupil:
    pupil_id: str
    full_name: str
    birth_date: dt.date


# ---------------------------------------------------------------- classes
@dataclass(frozen=True, slots=True)
class OpenClass:
    class_id: str
    grade: int
    label: str
    class_teacher_id: str


@dataclass(frozen=True, slots=True)
class AssignClassTeacher:
    class_teacher_id: str


@dataclass(frozen=True, slots=True)
class AddPupilToClass:
    pupil_id: str
    since: dt.date


@dataclass(frozen=True, slots=True)
class RemovePupilFromClass:
    pupil_id: str
    last_day: dt.date
    reason: str
    # The rollover's undo of a move: the membership is withdrawn before it began (its last day
    # is the day before its first), as if the pupil had never belonged to the class.
    withdraw: bool = False


@dataclass(frozen=True, slots=True)
class AssignTeaching:
    teacher_id: str
    subject_id: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class UnassignTeaching:
    teacher_id: str
    subject_id: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class SetTimetable:
    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]


ClassCommand = (
    OpenClass
    | AssignClassTeacher
    | AddPupilToClass
    | RemovePupilFromClass
    | AssignTeaching
    | UnassignTeaching
    | SetTimetable
)


# ---------------------------------------------------------------- lessons
@dataclass(frozen=True, slots=True)
class NewMark:
    """A mark as the teacher enters it; the weight comes from the school's kinds of work."""

    mark_id: str
    pupil_id: str
    value: str
    work_kind_id: str
    comment: str | None = None
    counts: bool = True


@dataclass(frozen=True, slots=True)
class ScheduleLesson:
    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    slot: int
    teacher_id: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class SubstituteTeacher:
    substitute_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class MarkLessonHeld:
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class CancelLesson:
    reason: str
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class SetTopic:
    topic: str
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class SetHomework:
    text: str
    due_on: dt.date | None = None
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class AddHomeworkAttachment:
    attachment: Attachment
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class RecordMark:
    mark: NewMark
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class CorrectMark:
    mark_id: str
    value: str
    work_kind_id: str
    reason: str
    comment: str | Keep | None = KEEP
    counts: bool | Keep = KEEP
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class CancelMark:
    mark_id: str
    reason: str
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class TakeAttendance:
    absences: tuple[AbsenceEntry, ...]
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class SetAbsenceReason:
    pupil_id: str
    reason: AbsenceReason
    evidence: str | None = None
    correction_reason: str | None = None  # set only to correct a closed period


@dataclass(frozen=True, slots=True)
class SaveLessonEntries:
    """The whole-class save of the lesson page: one command, one event."""

    held: bool = True
    topic: str | None = None
    homework: SetHomework | None = None
    marks: tuple[NewMark, ...] = ()
    attendance: tuple[AbsenceEntry, ...] | None = None
    correction_reason: str | None = None  # set only to correct a closed period


LessonCommand = (
    ScheduleLesson
    | SubstituteTeacher
    | MarkLessonHeld
    | CancelLesson
    | SetTopic
    | SetHomework
    | AddHomeworkAttachment
    | RecordMark
    | CorrectMark
    | CancelMark
    | TakeAttendance
    | SetAbsenceReason
    | SaveLessonEntries
)


# ---------------------------------------------------------------- monthly check
@dataclass(frozen=True, slots=True)
class OpenMonthlyCheck:
    """The deputy director opens the check of a month (`YYYY-MM`)."""

    check_id: str
    month: str
    scope: CheckScope
    target_id: str | None = None


@dataclass(frozen=True, slots=True)
class IssueRemark:
    """A remark of the check; teacher, lesson, class and subject default from the finding."""

    remark_id: str
    about: RemarkAbout
    text: str
    teacher_id: str | None = None
    lesson_id: str | None = None
    class_id: str | None = None
    subject_id: str | None = None
    finding_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResolveRemark:
    remark_id: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ConfirmRemark:
    remark_id: str


@dataclass(frozen=True, slots=True)
class ReopenRemark:
    remark_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CloseMonthlyCheck:
    pass


CheckCommand = (
    OpenMonthlyCheck
    | IssueRemark
    | ResolveRemark
    | ConfirmRemark
    | ReopenRemark
    | CloseMonthlyCheck
)


# ---------------------------------------------------------------- school-year rollover
@dataclass(frozen=True, slots=True)
class CloseSchoolYear:
    """Seal the school year (the last step of the rollover into `next_year`)."""

    next_year: int


@dataclass(frozen=True, slots=True)
class RecordPupilOutcome:
    """How the pupil ends the year and the next year's class they join (None: graduates)."""

    pupil_id: str
    outcome: PromotionOutcome
    to_class_id: str | None
    debts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UndoPupilOutcome:
    pupil_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ClearAcademicDebt:
    pupil_id: str
    subject_id: str
    cleared_on: dt.date


OutcomeCommand = RecordPupilOutcome | UndoPupilOutcome | ClearAcademicDebt
