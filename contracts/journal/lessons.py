"""The lesson's aggregate: a lesson on the timetable, who holds it, its topic and homework, the
marks recorded at it and the attendance observed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.base import (
    ClassId,
    Contract,
    Event,
    LessonId,
    MarkId,
    PupilId,
    StaffId,
    SubjectId,
    Token,
)
from contracts.journal.fields import CorrectionReason, MarkValue, Slot, Weight
from contracts.text import Comment, FileName, Text, TextRules

MediaType = Annotated[str, TextRules(max_length=100, min_length=3, words=False)]
AbsenceKind = Literal["absent", "late"]
AbsenceReason = Literal["illness", "valid", "unexcused", "unknown"]


class Attachment(Contract):
    """A homework file: the bytes live in the Object Store under `attachment_id`."""

    attachment_id: Token
    name: FileName
    size: int = Field(ge=0)
    media_type: MediaType
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class MarkEntry(Contract):
    """One mark as the teacher records it; the weight is that of its kind of work at the time."""

    mark_id: MarkId
    pupil_id: PupilId
    value: MarkValue
    work_kind_id: Token
    weight: Weight
    comment: Comment | None = None
    counts: bool = True


class AbsenceEntry(Contract):
    """The teacher's observation of one pupil at the lesson."""

    pupil_id: PupilId
    kind: AbsenceKind
    minutes_late: int | None = Field(default=None, ge=1, le=90)


class LessonScheduled(Event):
    """A lesson is on the timetable (or added by the administrator)."""

    event_type = "journal.LessonScheduled"
    lesson_id: LessonId
    class_id: ClassId
    subject_id: SubjectId
    date: dt.date
    slot: Slot
    teacher_id: StaffId
    group: Token | None = None


class TeacherSubstituted(Event):
    """Another teacher holds the lesson and becomes its teacher of record."""

    event_type = "journal.TeacherSubstituted"
    substitute_id: StaffId
    reason: Text


class LessonHeld(Event):
    """The teacher of record confirms the lesson took place."""

    event_type = "journal.LessonHeld"
    correction_reason: CorrectionReason | None = None


class LessonCancelled(Event):
    """The lesson did not take place."""

    event_type = "journal.LessonCancelled"
    reason: Text
    correction_reason: CorrectionReason | None = None


class TopicSet(Event):
    """The lesson's topic (a later event supersedes it, the old one stays in history)."""

    event_type = "journal.TopicSet"
    topic: Text
    correction_reason: CorrectionReason | None = None


class HomeworkSet(Event):
    """The homework text and due date."""

    event_type = "journal.HomeworkSet"
    text: Text
    due_on: dt.date | None = None
    correction_reason: CorrectionReason | None = None


class HomeworkAttachmentAdded(Event):
    """A file attached to the homework."""

    event_type = "journal.HomeworkAttachmentAdded"
    attachment: Attachment
    correction_reason: CorrectionReason | None = None


class MarkRecorded(Event):
    """A mark is recorded."""

    event_type = "journal.MarkRecorded"
    mark: MarkEntry
    correction_reason: CorrectionReason | None = None


class MarkCorrected(Event):
    """A recorded mark is corrected; the old value stays in history."""

    event_type = "journal.MarkCorrected"
    mark_id: MarkId
    value: MarkValue
    work_kind_id: Token
    weight: Weight
    comment: Comment | None = None
    counts: bool = True
    reason: Text
    correction_reason: CorrectionReason | None = None


class MarkCancelled(Event):
    """A recorded mark no longer counts; it stays in history."""

    event_type = "journal.MarkCancelled"
    mark_id: MarkId
    reason: Text
    correction_reason: CorrectionReason | None = None


class AttendanceTaken(Event):
    """The complete observation of the lesson: everyone not listed was present."""

    event_type = "journal.AttendanceTaken"
    absences: tuple[AbsenceEntry, ...]
    correction_reason: CorrectionReason | None = None


class AbsenceReasonSet(Event):
    """The reason of an absence or lateness, kept apart from who observed it."""

    event_type = "journal.AbsenceReasonSet"
    pupil_id: PupilId
    reason: AbsenceReason
    evidence: Comment | None = None
    correction_reason: CorrectionReason | None = None


class LessonEntriesSaved(Event):
    """A whole-class save: what the teacher entered on the lesson page, as one fact."""

    event_type = "journal.LessonEntriesSaved"
    held: bool = True
    topic: Text | None = None
    homework: HomeworkSet | None = None
    marks: tuple[MarkEntry, ...] = ()
    attendance: tuple[AbsenceEntry, ...] | None = None
    correction_reason: CorrectionReason | None = None


class LessonTextsRedacted(Event):
    """Free texts of the lesson that named a pupil whose personal data was erased, as they read
    from now on: each mention of the pupil replaced by «[ученик]» (`services.common.name_guard`).

    Recorded by the erasure (its actor, its command) just before the pupil's key is destroyed,
    while the name is still known: after that nothing could tell the name in a text apart
    from any other words, and a later export would send it. Only the texts that changed are
    listed (by the mark's, the file's or the absent pupil's id); the earlier events keep the
    texts as typed, in the stream's history. `person` is the erased pupil's id."""

    event_type = "journal.LessonTextsRedacted"
    person: PupilId
    topic: Text | None = None
    homework_text: Text | None = None
    cancel_reason: Text | None = None
    attachment_names: dict[Token, FileName] = Field(default_factory=dict)
    mark_comments: dict[MarkId, Comment] = Field(default_factory=dict)
    mark_reasons: dict[MarkId, Text] = Field(default_factory=dict)
    absence_evidence: dict[PupilId, Comment] = Field(default_factory=dict)


LessonEvent = (
    LessonScheduled
    | TeacherSubstituted
    | LessonHeld
    | LessonCancelled
    | TopicSet
    | HomeworkSet
    | HomeworkAttachmentAdded
    | MarkRecorded
    | MarkCorrected
    | MarkCancelled
    | AttendanceTaken
    | AbsenceReasonSet
    | LessonEntriesSaved
    | LessonTextsRedacted
)
