"""Commands of a lesson: scheduling it, and what its teacher enters on the lesson page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Final

from contracts.journal import AbsenceEntry, AbsenceReason, Attachment


class Keep(Enum):
    """A field of a correction that was not sent: the mark keeps what it has (a correction of
    the value alone must not silently clear the comment or make the mark count again)."""

    AS_RECORDED = "as recorded"


KEEP: Final = Keep.AS_RECORDED


@dataclass(frozen=True, slots=True, kw_only=True)
class Correctable:
    """A lesson entry that may correct a closed period: it says why, or it is refused there.
    Keyword-only, so that it comes after each entry's own fields wherever it is given."""

    correction_reason: str | None = None  # set only to correct a closed period


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
class MarkLessonHeld(Correctable):
    pass


@dataclass(frozen=True, slots=True)
class CancelLesson(Correctable):
    reason: str


@dataclass(frozen=True, slots=True)
class SetTopic(Correctable):
    topic: str


@dataclass(frozen=True, slots=True)
class SetHomework(Correctable):
    text: str
    due_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AddHomeworkAttachment(Correctable):
    attachment: Attachment


@dataclass(frozen=True, slots=True)
class RecordMark(Correctable):
    mark: NewMark


@dataclass(frozen=True, slots=True)
class CorrectMark(Correctable):
    mark_id: str
    value: str
    work_kind_id: str
    reason: str
    comment: str | Keep | None = KEEP
    counts: bool | Keep = KEEP


@dataclass(frozen=True, slots=True)
class CancelMark(Correctable):
    mark_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class TakeAttendance(Correctable):
    absences: tuple[AbsenceEntry, ...]


@dataclass(frozen=True, slots=True)
class SetAbsenceReason(Correctable):
    pupil_id: str
    reason: AbsenceReason
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class SaveLessonEntries(Correctable):
    """The whole-class save of the lesson page: one command, one event."""

    held: bool = True
    topic: str | None = None
    homework: SetHomework | None = None
    marks: tuple[NewMark, ...] = ()
    attendance: tuple[AbsenceEntry, ...] | None = None


EntryCommand = (
    MarkLessonHeld
    | SetTopic
    | SetHomework
    | AddHomeworkAttachment
    | RecordMark
    | CorrectMark
    | CancelMark
    | TakeAttendance
    | SaveLessonEntries
)
"""What the teacher of record enters on the lesson page."""
EditCommand = CancelLesson | SetAbsenceReason | EntryCommand
"""Every lesson command but scheduling and substitution: an edit, closed with its period."""
LessonCommand = ScheduleLesson | SubstituteTeacher | EditCommand
