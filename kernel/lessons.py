"""Fold of a lesson: its row (teacher, status, topic, homework) with its marks and absences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from contracts.base import Event
from contracts.journal import (
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
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from kernel.attendance import Absences, set_reason, take_attendance
from kernel.marks import Marks, apply_mark, record_marks
from kernel.rows import Fact, LessonDoc, LessonRow

EntryEvent = (
    LessonHeld
    | TopicSet
    | HomeworkSet
    | HomeworkAttachmentAdded
    | MarkRecorded
    | MarkCorrected
    | MarkCancelled
    | AttendanceTaken
    | LessonEntriesSaved
)
"""Events that are journal entries of the lesson: their recording time is tracked.

Scheduling, substitution and cancellation are not entries, nor is an absence reason, which the
class teacher may legitimately add days later.
"""
ENTRY_EVENTS: frozenset[type[Event]] = frozenset(get_args(EntryEvent))


def apply_lesson(
    doc: LessonDoc | None, fact: Fact, scale: Mapping[str, int | None]
) -> LessonDoc | None:
    """Fold a lesson event; `scale` is the school's mark scale at the time of the event."""
    event = fact.event
    if doc is None:
        return _schedule(fact, event) if type(event) is LessonScheduled else None
    row = doc.row
    if fact.seq <= row.last_event_seq:
        return doc
    marks, absences = doc.marks, doc.absences
    changed: dict[str, Any] = {}
    # The most frequent events first: every case passed over costs an isinstance check.
    match event:
        case AbsenceReasonSet():
            absences = set_reason(absences, event, fact.actor_id)
        case LessonEntriesSaved():
            changed, marks, absences = _save_entries(doc, event, fact, scale)
        case AttendanceTaken(absences=entries):
            absences = take_attendance(row, absences, entries, fact.actor_id)
            changed["attendance_taken"] = True
        case MarkRecorded() | MarkCorrected() | MarkCancelled():
            marks = apply_mark(doc, fact, scale)
        case LessonTextsRedacted():
            row, marks, absences = redact_texts(doc, event)
        case _:
            row = apply_lesson_row(row, fact)
    if type(event) in _TIMED_ENTRIES:
        _entered(row, fact, changed, new_marks=marks is not doc.marks)
    return LessonDoc(_advance(row, fact, changed), marks, absences)


_TIMED_ENTRIES: frozenset[type[Event]] = frozenset(
    {TopicSet, AttendanceTaken, MarkRecorded, LessonEntriesSaved}
)
"""Entries whose recording time the monthly check compares with the lesson's day."""


def _entered(row: LessonRow, fact: Fact, changed: dict[str, Any], *, new_marks: bool) -> None:
    """Add to `changed` when the topic and the attendance were first entered and a mark last
    recorded (by the envelope's time: when the server accepted the command)."""
    at = fact.occurred_at or fact.recorded_at
    event = fact.event
    topic = isinstance(event, TopicSet) or (
        isinstance(event, LessonEntriesSaved) and event.topic is not None
    )
    attendance = isinstance(event, AttendanceTaken) or (
        isinstance(event, LessonEntriesSaved) and event.attendance is not None
    )
    if topic and row.topic_entered_at is None:
        changed["topic_entered_at"] = at
    if attendance and row.attendance_entered_at is None:
        changed["attendance_entered_at"] = at
    if new_marks:
        changed["last_mark_entered_at"] = at


def _schedule(fact: Fact, event: LessonScheduled) -> LessonDoc:
    return LessonDoc(
        LessonRow(
            school=fact.school,
            year=fact.year,
            lesson_id=fact.aggregate_id,
            class_id=event.class_id,
            subject_id=event.subject_id,
            date=event.date,
            slot=event.slot,
            grp=event.group,
            timetabled_teacher_id=event.teacher_id,
            teacher_id=event.teacher_id,
            last_event_seq=fact.seq,
        )
    )


def apply_lesson_row(row: LessonRow, fact: Fact) -> LessonRow:
    """Fold an event about the lesson itself (not its marks or attendance)."""
    match fact.event:
        case TeacherSubstituted(substitute_id=substitute):
            substituted = substitute != row.timetabled_teacher_id
            return row._replace(teacher_id=substitute, substituted=substituted)
        case LessonHeld():
            return row._replace(status="held")
        case LessonCancelled(reason=reason):
            return row._replace(status="cancelled", cancel_reason=reason)
        case _:
            return _apply_content(row, fact)


def _apply_content(row: LessonRow, fact: Fact) -> LessonRow:
    match fact.event:
        case TopicSet(topic=topic):
            return row._replace(topic=topic)
        case HomeworkSet() as homework:
            return _homework(row, homework)
        case HomeworkAttachmentAdded(attachment=attachment):
            listed = (a.attachment_id for a in row.attachments)
            if not attachment_is_new(attachment.attachment_id, listed):
                return row
            return row._replace(attachments=(*row.attachments, attachment))
        case _:
            return row  # LessonScheduled again: the lesson stays as first scheduled


def attachment_is_new(attachment_id: str, listed: Iterable[str]) -> bool:
    """Whether adding an attachment lists it: one already listed (by id) is not listed twice.

    The kernel's fold and the lesson aggregate and decider (`services.journal.domain`) all
    decide through this."""
    return all(known != attachment_id for known in listed)


def _homework(row: LessonRow, homework: HomeworkSet) -> LessonRow:
    return row._replace(homework_text=homework.text, homework_due=homework.due_on)


def _save_entries(
    doc: LessonDoc, saved: LessonEntriesSaved, fact: Fact, scale: Mapping[str, int | None]
) -> tuple[dict[str, Any], Marks, Absences]:
    """A whole-class save: held, topic, homework, new marks and the attendance at once.

    Returns the changed columns of the lesson's row, and its marks and absences.
    """
    changed: dict[str, Any] = {}
    if saved.held:
        changed["status"] = "held"
    if saved.topic is not None:
        changed["topic"] = saved.topic
    if saved.homework is not None:
        changed["homework_text"] = saved.homework.text
        changed["homework_due"] = saved.homework.due_on
    marks = record_marks(doc, saved.marks, fact, scale) if saved.marks else doc.marks
    absences = doc.absences
    if saved.attendance is not None:
        absences = take_attendance(doc.row, absences, saved.attendance, fact.actor_id)
        changed["attendance_taken"] = True
    return changed, marks, absences


def redact_texts(doc: LessonDoc, event: LessonTextsRedacted) -> LessonDoc:
    """The lesson with the texts an erasure redacted (`LessonTextsRedacted`) as they read now;
    a mark, file or absence the event names and the lesson does not have is passed over."""
    row = doc.row._replace(
        **{
            column: text
            for column in ("topic", "homework_text", "cancel_reason")
            if (text := getattr(event, column)) is not None
        },
        attachments=renamed(doc.row.attachments, event.attachment_names),
    )
    marks = {
        **doc.marks,
        **{
            mark_id: mark._replace(
                comment=event.mark_comments.get(mark_id, mark.comment),
                last_reason=event.mark_reasons.get(mark_id, mark.last_reason),
            )
            for mark_id, mark in doc.marks.items()
            if mark_id in event.mark_comments or mark_id in event.mark_reasons
        },
    }
    absences = {
        **doc.absences,
        **{
            pupil: absence._replace(evidence=event.absence_evidence[pupil])
            for pupil, absence in doc.absences.items()
            if pupil in event.absence_evidence
        },
    }
    return LessonDoc(row, marks, absences)


def renamed(
    attachments: tuple[Attachment, ...], names: Mapping[str, str]
) -> tuple[Attachment, ...]:
    """The attachments with the new names `names` gives by attachment id (the kernel's fold and
    the lesson aggregate both rename through this)."""
    return tuple(
        a.model_copy(update={"name": names[a.attachment_id]}) if a.attachment_id in names else a
        for a in attachments
    )


def _advance(row: LessonRow, fact: Fact, changed: dict[str, Any]) -> LessonRow:
    """The row with `changed` columns and its sequence moved on, in one copy; an entry also
    moves its first/last entry times."""
    if type(fact.event) not in ENTRY_EVENTS:
        return row._replace(last_event_seq=fact.seq, **changed)
    at = fact.recorded_at
    first = at if row.first_entry_at is None else min(row.first_entry_at, at)
    last = at if row.last_entry_at is None else max(row.last_entry_at, at)
    return row._replace(
        last_event_seq=fact.seq, first_entry_at=first, last_entry_at=last, **changed
    )
