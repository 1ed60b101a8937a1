"""The lesson: what was planned, who held it, and what its teacher entered.

`evolve` folds the lesson's events; `decide` checks a command against the lesson, the class
(who belonged to it on the day, who teaches what) and the school's configuration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal, get_args

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    AbsenceEntry,
    AbsenceKind,
    AbsenceReason,
    AbsenceReasonSet,
    Attachment,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonHeld,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from services.journal.domain import closing
from services.journal.domain import lesson_rules as rules
from services.journal.domain.commands import (
    AddHomeworkAttachment,
    CancelLesson,
    CancelMark,
    CorrectMark,
    LessonCommand,
    MarkLessonHeld,
    RecordMark,
    SaveLessonEntries,
    ScheduleLesson,
    SetAbsenceReason,
    SetHomework,
    SetTopic,
    SubstituteTeacher,
    TakeAttendance,
)
from services.journal.domain.errors import LessonNotFound
from services.journal.domain.klass import ClassState
from services.journal.domain.lesson_entries import Context
from services.journal.domain.school import SchoolConfig

Status = Literal["scheduled", "held", "cancelled"]
EditCommand = (
    CancelLesson
    | SetAbsenceReason
    | MarkLessonHeld
    | SetTopic
    | SetHomework
    | AddHomeworkAttachment
    | RecordMark
    | CorrectMark
    | CancelMark
    | TakeAttendance
    | SaveLessonEntries
)
"""Every lesson command but scheduling and substitution: an edit, closed with its period."""
EDITS: tuple[type[EditCommand], ...] = get_args(EditCommand)
Edited = LessonCancelled | AbsenceReasonSet | rules.Entered
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


@dataclass(frozen=True, slots=True)
class MarkState:
    """A mark as it stands now; `reason` is that of the last correction or the cancellation."""

    pupil_id: str
    value: str
    work_kind_id: str
    weight: Decimal
    comment: str | None = None
    counts: bool = True
    cancelled: bool = False
    corrected: bool = False
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AbsenceState:
    """The teacher's observation of one pupil, and the reason given for it (kept apart)."""

    kind: AbsenceKind
    minutes_late: int | None = None
    reason: AbsenceReason = "unknown"
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Homework:
    """The homework set at the lesson; the text may still be empty when only files are there."""

    text: str = ""
    due_on: dt.date | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class LessonState:
    """A lesson as its events built it; `scheduled` is False until it is scheduled."""

    scheduled: bool = False
    lesson_id: str = ""
    class_id: str = ""
    subject_id: str = ""
    date: dt.date = dt.date.min
    slot: int = 0
    group: str | None = None
    timetabled_teacher_id: str = ""
    teacher_of_record_id: str = ""
    status: Status = "scheduled"
    cancel_reason: str | None = None
    topic: str | None = None
    homework: Homework | None = None
    marks: Mapping[str, MarkState] = field(default_factory=dict)
    attendance_taken: bool = False
    absences: Mapping[str, AbsenceState] = field(default_factory=dict)


INITIAL = LessonState()


def decide(
    cmd: LessonCommand,
    state: LessonState,
    *,
    actor: Actor,
    today: dt.date,
    school: SchoolConfig,
    klass: ClassState,
) -> list[Event]:
    """Decide a lesson command: exactly one event, or a DomainError saying why not.

    A lesson of a closed period (or a sealed year) is not scheduled or substituted any more,
    and its edits are refused unless they are corrections (`closing.correction`), which the
    event then carries.
    """
    ctx = Context(actor=actor, today=today, school=school, klass=klass)
    match cmd:
        case ScheduleLesson():
            _require_unlocked(school, cmd.date)
            return [rules.schedule(cmd, state, ctx)]
        case SubstituteTeacher():
            _require_unlocked(school, _existing(state).date)
            return [rules.substitute(cmd, state, actor)]
        case _ if isinstance(cmd, EDITS):
            existing = _existing(state)
            what = f"lesson '{existing.lesson_id}' of {existing.date}"
            lock = closing.lesson_lock(school, existing.date)
            reason = closing.correction(lock, actor, cmd.correction_reason, what)
            event = _edit(cmd, existing, replace(ctx, correction=reason))
            return [closing.flagged(event, reason)]
        case _:
            raise TypeError(f"not a lesson command: {cmd!r}")


def _edit(cmd: EditCommand, state: LessonState, ctx: Context) -> Edited:
    match cmd:
        case CancelLesson():
            return rules.cancel(cmd, state, ctx.actor)
        case SetAbsenceReason():
            return rules.absence_reason(cmd, state, ctx)
        case (
            MarkLessonHeld()
            | SetTopic()
            | SetHomework()
            | AddHomeworkAttachment()
            | RecordMark()
            | CorrectMark()
            | CancelMark()
            | TakeAttendance()
            | SaveLessonEntries()
        ):
            return rules.enter(cmd, state, ctx)
        case _:
            raise TypeError(f"not a lesson command: {cmd!r}")


def _require_unlocked(school: SchoolConfig, date: dt.date) -> None:
    """Scheduling and substitution have no correction path: their events carry no reason."""
    lock = closing.lesson_lock(school, date)
    if lock is not None:
        raise lock.refusal(f"the lessons of {date}")


def evolve(state: LessonState, event: Event) -> LessonState:
    """The lesson after one event; events of other kinds leave it alone."""
    match event:
        case LessonScheduled() | TeacherSubstituted() | LessonHeld() | LessonCancelled():
            return _evolve_course(state, event)
        case TopicSet() | HomeworkSet() | HomeworkAttachmentAdded():
            return _evolve_notes(state, event)
        case MarkRecorded() | MarkCorrected() | MarkCancelled():
            return _evolve_marks(state, event)
        case AttendanceTaken() | AbsenceReasonSet():
            return _evolve_attendance(state, event)
        case LessonEntriesSaved():
            return _evolve_entries(state, event)
        case _:
            return state


def _existing(state: LessonState) -> LessonState:
    if not state.scheduled:
        msg = "no such lesson: it has not been scheduled"
        raise LessonNotFound(msg)
    return state


def _evolve_course(
    state: LessonState, event: LessonScheduled | TeacherSubstituted | LessonHeld | LessonCancelled
) -> LessonState:
    match event:
        case LessonScheduled():
            return replace(
                state,
                scheduled=True,
                lesson_id=event.lesson_id,
                class_id=event.class_id,
                subject_id=event.subject_id,
                date=event.date,
                slot=event.slot,
                group=event.group,
                timetabled_teacher_id=event.teacher_id,
                teacher_of_record_id=event.teacher_id,
            )
        case TeacherSubstituted():
            return replace(state, teacher_of_record_id=event.substitute_id)
        case LessonHeld():
            return replace(state, status="held")
        case LessonCancelled():
            return replace(state, status="cancelled", cancel_reason=event.reason)


def _evolve_notes(
    state: LessonState, event: TopicSet | HomeworkSet | HomeworkAttachmentAdded
) -> LessonState:
    homework = state.homework or Homework()
    match event:
        case TopicSet():
            return replace(state, topic=event.topic)
        case HomeworkSet():
            homework = replace(homework, text=event.text, due_on=event.due_on)
        case HomeworkAttachmentAdded():
            homework = replace(homework, attachments=(*homework.attachments, event.attachment))
    return replace(state, homework=homework)


def _evolve_marks(
    state: LessonState, event: MarkRecorded | MarkCorrected | MarkCancelled
) -> LessonState:
    match event:
        case MarkRecorded():
            return _with_mark(state, event.mark)
        case MarkCorrected():
            current = state.marks.get(event.mark_id)
            if current is None:
                return state
            mark = replace(
                current,
                value=event.value,
                work_kind_id=event.work_kind_id,
                weight=event.weight,
                comment=event.comment,
                counts=event.counts,
                corrected=True,
                reason=event.reason,
            )
        case MarkCancelled():
            current = state.marks.get(event.mark_id)
            if current is None:
                return state
            mark = replace(current, cancelled=True, reason=event.reason)
    return replace(state, marks={**state.marks, event.mark_id: mark})


def _with_mark(state: LessonState, entry: MarkEntry) -> LessonState:
    mark = MarkState(
        pupil_id=entry.pupil_id,
        value=entry.value,
        work_kind_id=entry.work_kind_id,
        weight=entry.weight,
        comment=entry.comment,
        counts=entry.counts,
    )
    return replace(state, marks={**state.marks, entry.mark_id: mark})


def _evolve_attendance(
    state: LessonState, event: AttendanceTaken | AbsenceReasonSet
) -> LessonState:
    match event:
        case AttendanceTaken():
            return _with_attendance(state, event.absences)
        case AbsenceReasonSet():
            current = state.absences.get(event.pupil_id)
            if current is None:
                return state
            absence = replace(current, reason=event.reason, evidence=event.evidence)
            return replace(state, absences={**state.absences, event.pupil_id: absence})


def _with_attendance(state: LessonState, entries: tuple[AbsenceEntry, ...]) -> LessonState:
    """The new observation replaces the old one; a reason already given stays with its pupil."""
    absences: dict[str, AbsenceState] = {}
    for entry in entries:
        known = state.absences.get(entry.pupil_id, AbsenceState(kind=entry.kind))
        absences[entry.pupil_id] = replace(known, kind=entry.kind, minutes_late=entry.minutes_late)
    return replace(state, attendance_taken=True, absences=absences)


def _evolve_entries(state: LessonState, event: LessonEntriesSaved) -> LessonState:
    if event.held:
        state = replace(state, status="held")
    if event.topic is not None:
        state = replace(state, topic=event.topic)
    if event.homework is not None:
        state = _evolve_notes(state, event.homework)
    for entry in event.marks:
        state = _with_mark(state, entry)
    if event.attendance is not None:
        state = _with_attendance(state, event.attendance)
    return state
