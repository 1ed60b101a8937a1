"""Commands the journal accepts. Internal to the journal service; ids come from the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.journal import (
    AbsenceEntry,
    AbsenceReason,
    Attachment,
    Period,
    ScaleValue,
    TimetableSlot,
    WorkKind,
)


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
    pass


@dataclass(frozen=True, slots=True)
class CancelLesson:
    reason: str


@dataclass(frozen=True, slots=True)
class SetTopic:
    topic: str


@dataclass(frozen=True, slots=True)
class SetHomework:
    text: str
    due_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AddHomeworkAttachment:
    attachment: Attachment


@dataclass(frozen=True, slots=True)
class RecordMark:
    mark: NewMark


@dataclass(frozen=True, slots=True)
class CorrectMark:
    mark_id: str
    value: str
    work_kind_id: str
    reason: str
    comment: str | None = None
    counts: bool = True


@dataclass(frozen=True, slots=True)
class CancelMark:
    mark_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class TakeAttendance:
    absences: tuple[AbsenceEntry, ...]


@dataclass(frozen=True, slots=True)
class SetAbsenceReason:
    pupil_id: str
    reason: AbsenceReason
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class SaveLessonEntries:
    """The whole-class save of the lesson page: one command, one event."""

    held: bool = True
    topic: str | None = None
    homework: SetHomework | None = None
    marks: tuple[NewMark, ...] = ()
    attendance: tuple[AbsenceEntry, ...] | None = None


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
