"""The lesson aggregate's state: what was planned, who held it, and what its teacher entered.

`evolve` folds the lesson's events; `lesson_decider.decide` checks a command against the state
it builds.

The fold applies the kernel's rules, so the decider sees the lesson as the journal view, the
audit and the exporter do, and a redelivered or replayed event changes nothing:
- a lesson is scheduled once: events before its scheduling, and a second scheduling, change
  nothing (as in `kernel.lessons.apply_lesson`);
- a mark id keeps its first recording (`kernel.marks.first_recordings`);
- an attachment is listed once (`kernel.lessons.attachment_is_new`);
- an observation counts minutes late only for a lateness and keeps a reason already given
  (`kernel.attendance.observe`).

It calls the kernel's rule functions rather than folding through the kernel's lesson state
(`kernel.lessons.apply_lesson`): that fold reads facts, not bare events — each one's stream
sequence, school year, actor and times, and the school's mark scale — which the aggregate's
fold (`evolve(state, event)`) does not have and no decision reads; and it builds the view's
rows (mark numbers, letters, entry times), work a command would pay for on every event of the
lesson's history without using it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from contracts.base import Event
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
    LessonTextsRedacted,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from kernel.attendance import observe
from kernel.lessons import attachment_is_new, renamed
from kernel.marks import first_recordings

Status = Literal["scheduled", "held", "cancelled"]


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


def evolve(state: LessonState, event: Event) -> LessonState:
    """The lesson after one event; events of other kinds leave it alone."""
    if not state.scheduled:
        return _schedule(event) if isinstance(event, LessonScheduled) else state
    return _evolve_scheduled(state, event)


def _evolve_scheduled(state: LessonState, event: Event) -> LessonState:  # noqa: PLR0911 - a branch per kind
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
        case LessonTextsRedacted():
            return _redact(state, event)
        case _:
            return state


def _schedule(event: LessonScheduled) -> LessonState:
    return LessonState(
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


def _evolve_course(
    state: LessonState, event: LessonScheduled | TeacherSubstituted | LessonHeld | LessonCancelled
) -> LessonState:
    match event:
        case LessonScheduled():
            return state  # scheduled again: the lesson stays as first scheduled
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
        case HomeworkAttachmentAdded(attachment=attachment):
            listed = (a.attachment_id for a in homework.attachments)
            if not attachment_is_new(attachment.attachment_id, listed):
                return state
            homework = replace(homework, attachments=(*homework.attachments, attachment))
    return replace(state, homework=homework)


def _record_marks(state: LessonState, entries: Iterable[MarkEntry]) -> LessonState:
    fresh = first_recordings(entries, state.marks)
    if not fresh:
        return state
    return replace(state, marks={**state.marks, **{e.mark_id: _new_mark(e) for e in fresh}})


def _new_mark(entry: MarkEntry) -> MarkState:
    return MarkState(
        pupil_id=entry.pupil_id,
        value=entry.value,
        work_kind_id=entry.work_kind_id,
        weight=entry.weight,
        comment=entry.comment,
        counts=entry.counts,
    )


def _evolve_marks(
    state: LessonState, event: MarkRecorded | MarkCorrected | MarkCancelled
) -> LessonState:
    """A mark is recorded once, then corrected or cancelled in place; a correction or
    cancellation of an unknown mark changes nothing."""
    if isinstance(event, MarkRecorded):
        return _record_marks(state, (event.mark,))
    current = state.marks.get(event.mark_id)
    if current is None:
        return state
    match event:
        case MarkCorrected():
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
            mark = replace(current, cancelled=True, reason=event.reason)
    return replace(state, marks={**state.marks, event.mark_id: mark})


def _observe(state: LessonState, entries: Iterable[AbsenceEntry]) -> LessonState:
    """The new observation replaces the old one: pupils not listed were present."""
    absences = {e.pupil_id: _absence(state.absences.get(e.pupil_id), e) for e in entries}
    return replace(state, attendance_taken=True, absences=absences)


def _absence(known: AbsenceState | None, entry: AbsenceEntry) -> AbsenceState:
    seen = observe(entry, None if known is None else known.reason)
    evidence = None if known is None else known.evidence
    return AbsenceState(seen.kind, seen.minutes_late, seen.reason, evidence)


def _evolve_attendance(
    state: LessonState, event: AttendanceTaken | AbsenceReasonSet
) -> LessonState:
    match event:
        case AttendanceTaken():
            return _observe(state, event.absences)
        case AbsenceReasonSet():
            # The reason of a recorded absence; one for a pupil not recorded changes nothing.
            current = state.absences.get(event.pupil_id)
            if current is None:
                return state
            absence = replace(current, reason=event.reason, evidence=event.evidence)
            return replace(state, absences={**state.absences, event.pupil_id: absence})


def _evolve_entries(state: LessonState, event: LessonEntriesSaved) -> LessonState:
    if event.held:
        state = replace(state, status="held")
    if event.topic is not None:
        state = replace(state, topic=event.topic)
    if event.homework is not None:
        state = _evolve_notes(state, event.homework)
    state = _record_marks(state, event.marks)
    if event.attendance is not None:
        state = _observe(state, event.attendance)
    return state


def _redact(state: LessonState, event: LessonTextsRedacted) -> LessonState:
    """The texts as an erasure left them (see `kernel.lessons.redact_texts`)."""
    homework = state.homework
    if homework is not None:
        homework = replace(
            homework,
            text=event.homework_text if event.homework_text is not None else homework.text,
            attachments=renamed(homework.attachments, event.attachment_names),
        )
    marks = {
        mark_id: replace(
            mark,
            comment=event.mark_comments.get(mark_id, mark.comment),
            reason=event.mark_reasons.get(mark_id, mark.reason),
        )
        for mark_id, mark in state.marks.items()
    }
    absences = {
        pupil: replace(absence, evidence=event.absence_evidence.get(pupil, absence.evidence))
        for pupil, absence in state.absences.items()
    }
    return replace(
        state,
        topic=event.topic if event.topic is not None else state.topic,
        cancel_reason=event.cancel_reason
        if event.cancel_reason is not None
        else state.cancel_reason,
        homework=homework,
        marks=marks,
        absences=absences,
    )
