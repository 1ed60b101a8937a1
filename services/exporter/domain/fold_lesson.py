"""A lesson as a parent sees it, folded exactly as the journal folds it.

Not exported: the timetabled teacher (only the teacher of record), reasons of substitutions,
cancellations and corrections, evidence of absences, cancelled marks. Pupils are pseudonyms.
Events before the lesson is scheduled are ignored: there is nothing to show yet.

An event carrying a `correction_reason` (an edit after its period closed, or its year was
sealed) flags the lesson `corrected_after_close`, even when it changes nothing else exported:
the same meaning as a row of the journal view's `lesson_corrections`, so the diary check agrees.
The marks such an event records or corrects are flagged too, for good. The reason is not
exported (free text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts.base import Event
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
from services.exporter.domain.docs import Content

Pseudonym = Callable[[str], str]


def fold_lesson(
    content: Content | None, event: Event, _record_id: str, pseudonym: Pseudonym
) -> Content | None:
    """The lesson document after `event`, or None when the event changes nothing exported."""
    if isinstance(event, LessonScheduled):
        return _scheduled(content, event)
    if content is None:
        return None
    step = _STEPS.get(type(event))
    changed = None if step is None else step(content, event, pseudonym)
    if _correction(event) is None or content.get("corrected_after_close", False):
        return changed
    return {**(content if changed is None else changed), "corrected_after_close": True}


def _correction(event: Event) -> str | None:
    """The event's `correction_reason` (lesson events after close carry one; others do not)."""
    reason: str | None = getattr(event, "correction_reason", None)
    return reason


def _scheduled(content: Content | None, event: LessonScheduled) -> Content:
    base = content or {
        "status": "scheduled",
        "topic": None,
        "homework": None,
        "homework_due_on": None,
        "files": [],
        "marks": [],
        "absences": [],
        "corrected_after_close": False,
    }
    return {
        **base,
        "lesson_id": event.lesson_id,
        "class_id": event.class_id,
        "subject_id": event.subject_id,
        "date": event.date.isoformat(),
        "slot": event.slot,
        "group": event.group,
        "teacher_id": event.teacher_id,
    }


def _substituted(content: Content, event: TeacherSubstituted, _p: Pseudonym) -> Content | None:
    return {**content, "teacher_id": event.substitute_id}


def _held(content: Content, _event: Event, _p: Pseudonym) -> Content | None:
    return {**content, "status": "held"}


def _cancelled(content: Content, _event: Event, _p: Pseudonym) -> Content | None:
    return {**content, "status": "cancelled"}


def _topic(content: Content, event: TopicSet, _p: Pseudonym) -> Content | None:
    return {**content, "topic": event.topic}


def _homework(content: Content, event: HomeworkSet, _p: Pseudonym) -> Content | None:
    due = None if event.due_on is None else event.due_on.isoformat()
    return {**content, "homework": event.text, "homework_due_on": due}


def _attachment(content: Content, event: HomeworkAttachmentAdded, _p: Pseudonym) -> Content | None:
    return {**content, "files": [*content["files"], event.attachment.model_dump(mode="json")]}


def _mark(entry: MarkEntry, pseudonym: Pseudonym, flagged: bool) -> Content:
    return {
        "mark_id": entry.mark_id,
        "pupil": pseudonym(entry.pupil_id),
        "value": entry.value,
        "work_kind_id": entry.work_kind_id,
        "weight": str(entry.weight),
        "comment": entry.comment,
        "counts": entry.counts,
        "corrected": False,
        "corrected_after_close": flagged,
    }


def _with_marks(
    marks: list[Content], entries: tuple[MarkEntry, ...], p: Pseudonym, flagged: bool
) -> list[Content]:
    """Marks recorded; a mark id recorded again replaces its mark in place (as a dict would),
    keeping its flag of a correction after close (once set, it stays)."""
    result = list(marks)
    where = {m["mark_id"]: i for i, m in enumerate(result)}
    for entry in entries:
        at = where.get(entry.mark_id)
        if at is None:
            where[entry.mark_id] = len(result)
            result.append(_mark(entry, p, flagged))
        else:
            kept = flagged or result[at].get("corrected_after_close", False)
            result[at] = _mark(entry, p, kept)
    return result


def _recorded(content: Content, event: MarkRecorded, p: Pseudonym) -> Content | None:
    flagged = _correction(event) is not None
    return {**content, "marks": _with_marks(content["marks"], (event.mark,), p, flagged)}


def _corrected(content: Content, event: MarkCorrected, _p: Pseudonym) -> Content | None:
    marks = content["marks"]
    at = next((i for i, m in enumerate(marks) if m["mark_id"] == event.mark_id), None)
    if at is None:  # unknown or cancelled: cancelled marks stay out of the diary
        return None
    fixed = {
        **marks[at],
        "value": event.value,
        "work_kind_id": event.work_kind_id,
        "weight": str(event.weight),
        "comment": event.comment,
        "counts": event.counts,
        "corrected": True,
        "corrected_after_close": (
            _correction(event) is not None or marks[at].get("corrected_after_close", False)
        ),
    }
    return {**content, "marks": [*marks[:at], fixed, *marks[at + 1 :]]}


def _mark_cancelled(content: Content, event: MarkCancelled, _p: Pseudonym) -> Content | None:
    marks = [m for m in content["marks"] if m["mark_id"] != event.mark_id]
    if len(marks) == len(content["marks"]):
        return None
    return {**content, "marks": marks}


def _absences(
    known: list[Content], entries: tuple[AbsenceEntry, ...], p: Pseudonym
) -> list[Content]:
    """The new observation replaces the old one; a reason already given stays with its pupil."""
    reasons = {a["pupil"]: a["reason"] for a in known}
    result = []
    for entry in entries:
        pupil = p(entry.pupil_id)
        reason = reasons.get(pupil, "unknown")
        result.append(
            {
                "pupil": pupil,
                "kind": entry.kind,
                "minutes_late": entry.minutes_late,
                "reason": reason,
                "letter": journal_letter(entry.kind, reason),
            }
        )
    return result


def _attendance(content: Content, event: AttendanceTaken, p: Pseudonym) -> Content | None:
    return {**content, "absences": _absences(content["absences"], event.absences, p)}


def _reason(content: Content, event: AbsenceReasonSet, p: Pseudonym) -> Content | None:
    pupil = p(event.pupil_id)
    absences = content["absences"]
    if not any(a["pupil"] == pupil for a in absences):
        return None
    return {
        **content,
        "absences": [
            {**a, "reason": event.reason, "letter": journal_letter(a["kind"], event.reason)}
            if a["pupil"] == pupil
            else a
            for a in absences
        ],
    }


def _entries(content: Content, event: LessonEntriesSaved, p: Pseudonym) -> Content | None:
    result = dict(content)
    if event.held:
        result["status"] = "held"
    if event.topic is not None:
        result["topic"] = event.topic
    if event.homework is not None:
        result["homework"] = event.homework.text
        due = event.homework.due_on
        result["homework_due_on"] = None if due is None else due.isoformat()
    if event.marks:
        flagged = _correction(event) is not None
        result["marks"] = _with_marks(content["marks"], event.marks, p, flagged)
    if event.attendance is not None:
        result["absences"] = _absences(content["absences"], event.attendance, p)
    return result


# Each step takes the event type it is registered for.
_Step = Callable[[Content, Any, Pseudonym], Content | None]
_STEPS: dict[type[Event], _Step] = {
    TeacherSubstituted: _substituted,
    LessonHeld: _held,
    LessonCancelled: _cancelled,
    TopicSet: _topic,
    HomeworkSet: _homework,
    HomeworkAttachmentAdded: _attachment,
    MarkRecorded: _recorded,
    MarkCorrected: _corrected,
    MarkCancelled: _mark_cancelled,
    AttendanceTaken: _attendance,
    AbsenceReasonSet: _reason,
    LessonEntriesSaved: _entries,
}
