"""Fold of one lesson: teacher, status, topic, homework, marks and absences.

Rule for rule the journal view's lesson fold, so the audit's replay and the journal agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
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
from contracts.letters import journal_letter
from services.audit.domain.asof.state import (
    AbsenceState,
    Correction,
    LessonState,
    MarkState,
    Recorded,
)

Scale = Mapping[str, int | None]

ENTRY_EVENTS = frozenset(
    {
        LessonHeld,
        TopicSet,
        HomeworkSet,
        HomeworkAttachmentAdded,
        MarkRecorded,
        MarkCorrected,
        MarkCancelled,
        AttendanceTaken,
        LessonEntriesSaved,
    }
)
"""Journal entries of the lesson, whose recording times the lesson keeps (first and last).

Scheduling, substitution and cancellation are not entries, nor is an absence reason.
"""


def schedule(lesson_id: str, event: LessonScheduled) -> LessonState:
    """A lesson as first scheduled."""
    return LessonState(
        lesson_id=lesson_id,
        class_id=event.class_id,
        subject_id=event.subject_id,
        date=event.date,
        slot=event.slot,
        group=event.group,
        timetabled_teacher_id=event.teacher_id,
        teacher_id=event.teacher_id,
    )


def numeric_value(value: str, scale: Scale) -> int | None:
    """The number a mark stands for on the school's scale; a bare integer when off the scale."""
    if value in scale:
        return scale[value]
    return int(value) if value.isascii() and value.isdigit() else None


def evolve_lesson(lesson: LessonState, recorded: Recorded, scale: Scale) -> LessonState:
    """The lesson after one of its events; `scale` is the school's scale at that moment."""
    event = recorded.event
    changed: dict[str, Any]
    match event:
        case LessonEntriesSaved():
            changed = _save_entries(lesson, event, recorded, scale)
        case AttendanceTaken(absences=entries):
            absences = _take_attendance(lesson, entries, recorded.actor_id)
            changed = {"absences": absences, "attendance_taken": True}
        case AbsenceReasonSet():
            changed = {"absences": _set_reason(lesson.absences, event, recorded.actor_id)}
        case MarkRecorded(mark=entry):
            changed = {"marks": _record(lesson.marks, (entry,), recorded, scale)}
        case MarkCorrected() | MarkCancelled():
            changed = {"marks": _amend(lesson.marks, event, scale)}
        case _:
            changed = _row(lesson, event)
    if type(event) in ENTRY_EVENTS:
        at = recorded.recorded_at
        first, last = lesson.first_entry_at, lesson.last_entry_at
        changed["first_entry_at"] = at if first is None else min(first, at)
        changed["last_entry_at"] = at if last is None else max(last, at)
    correction = _correction(recorded)
    if correction is not None:
        changed["corrections"] = (*lesson.corrections, correction)
    return lesson._replace(**changed) if changed else lesson


def _correction(recorded: Recorded) -> Correction | None:
    """The correction an event records, when it carries a `correction_reason` (the journal lists
    it even when the edit itself changed nothing)."""
    event = recorded.event
    reason: str | None = getattr(event, "correction_reason", None)
    if reason is None:
        return None
    marks, pupils = _touched_by(event)
    return Correction(
        recorded.seq,
        event.event_type,
        reason,
        recorded.actor_id,
        recorded.recorded_at,
        marks,
        pupils,
    )


def _touched_by(event: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The marks, and the pupils whose attendance, a lesson event changes."""
    match event:
        case MarkRecorded(mark=mark):
            return (mark.mark_id,), ()
        case MarkCorrected(mark_id=mark_id) | MarkCancelled(mark_id=mark_id):
            return (mark_id,), ()
        case AttendanceTaken(absences=absences):
            return (), tuple(a.pupil_id for a in absences)
        case AbsenceReasonSet(pupil_id=pupil_id):
            return (), (pupil_id,)
        case LessonEntriesSaved(marks=marks, attendance=attendance):
            return tuple(m.mark_id for m in marks), tuple(a.pupil_id for a in attendance or ())
        case _:
            return (), ()


def _row(lesson: LessonState, event: object) -> dict[str, Any]:
    """The changed fields after an event about the lesson itself."""
    match event:
        case TeacherSubstituted(substitute_id=substitute):
            return {
                "teacher_id": substitute,
                "substituted": substitute != lesson.timetabled_teacher_id,
            }
        case LessonHeld():
            return {"status": "held"}
        case LessonCancelled(reason=reason):
            return {"status": "cancelled", "cancel_reason": reason}
        case _:
            return _content(lesson, event)


def _content(lesson: LessonState, event: object) -> dict[str, Any]:
    """The changed fields after a topic, homework or attachment."""
    match event:
        case TopicSet(topic=topic):
            return {"topic": topic}
        case HomeworkSet(text=text, due_on=due_on):
            return {"homework_text": text, "homework_due": due_on}
        case HomeworkAttachmentAdded(attachment=attachment):
            if any(a.attachment_id == attachment.attachment_id for a in lesson.attachments):
                return {}
            return {"attachments": (*lesson.attachments, attachment)}
        case _:
            return {}  # LessonScheduled again: the lesson stays as first scheduled


def _save_entries(
    lesson: LessonState, saved: LessonEntriesSaved, recorded: Recorded, scale: Scale
) -> dict[str, Any]:
    """A whole-class save: held, topic, homework, new marks and the attendance at once."""
    changed: dict[str, Any] = {}
    if saved.held:
        changed["status"] = "held"
    if saved.topic is not None:
        changed["topic"] = saved.topic
    if saved.homework is not None:
        changed["homework_text"] = saved.homework.text
        changed["homework_due"] = saved.homework.due_on
    if saved.marks:
        changed["marks"] = _record(lesson.marks, saved.marks, recorded, scale)
    if saved.attendance is not None:
        changed["absences"] = _take_attendance(lesson, saved.attendance, recorded.actor_id)
        changed["attendance_taken"] = True
    return changed


def _record(
    marks: Mapping[str, MarkState],
    entries: Iterable[MarkEntry],
    recorded: Recorded,
    scale: Scale,
) -> Mapping[str, MarkState]:
    """The marks with those not recorded yet (a mark id already known keeps its mark)."""
    fresh = {
        entry.mark_id: MarkState(
            mark_id=entry.mark_id,
            pupil_id=entry.pupil_id,
            value=entry.value,
            numeric=numeric_value(entry.value, scale),
            work_kind_id=entry.work_kind_id,
            weight=entry.weight,
            comment=entry.comment,
            counts=entry.counts,
            recorded_by=recorded.actor_id,
            recorded_at=recorded.recorded_at,
        )
        for entry in entries
        if entry.mark_id not in marks
    }
    return {**marks, **fresh} if fresh else marks


def _amend(
    marks: Mapping[str, MarkState], event: MarkCorrected | MarkCancelled, scale: Scale
) -> Mapping[str, MarkState]:
    """A mark corrected or cancelled in place; an unknown mark id changes nothing."""
    mark = marks.get(event.mark_id)
    if mark is None:
        return marks
    if isinstance(event, MarkCancelled):
        return {**marks, mark.mark_id: mark._replace(cancelled=True, last_reason=event.reason)}
    corrected = mark._replace(
        value=event.value,
        numeric=numeric_value(event.value, scale),
        work_kind_id=event.work_kind_id,
        weight=event.weight,
        comment=event.comment,
        counts=event.counts,
        corrected=True,
        last_reason=event.reason,
    )
    return {**marks, mark.mark_id: corrected}


def _take_attendance(
    lesson: LessonState, entries: Iterable[AbsenceEntry], observer: str
) -> Mapping[str, AbsenceState]:
    """The complete observation: pupils not listed were present, listed ones keep their reason
    (and their observer, when the observation itself is unchanged)."""
    return {
        entry.pupil_id: _observe(lesson.absences.get(entry.pupil_id), entry, observer)
        for entry in entries
    }


def _observe(old: AbsenceState | None, entry: AbsenceEntry, observer: str) -> AbsenceState:
    minutes = entry.minutes_late if entry.kind == "late" else None
    if old is not None and old.kind == entry.kind and old.minutes_late == minutes:
        return old
    reason = "unknown" if old is None else old.reason
    return AbsenceState(
        pupil_id=entry.pupil_id,
        kind=entry.kind,
        minutes_late=minutes,
        reason=reason,
        evidence=None if old is None else old.evidence,
        letter=journal_letter(entry.kind, reason),
        observed_by=observer,
        reason_set_by=None if old is None else old.reason_set_by,
    )


def _set_reason(
    absences: Mapping[str, AbsenceState], event: AbsenceReasonSet, actor: str
) -> Mapping[str, AbsenceState]:
    """The reason of a recorded absence; who observed it stays as it was."""
    old = absences.get(event.pupil_id)
    if old is None:
        return absences
    new = old._replace(
        reason=event.reason,
        evidence=event.evidence,
        letter=journal_letter(old.kind, event.reason),
        reason_set_by=actor,
    )
    return {**absences, event.pupil_id: new}
