"""A lesson as a parent sees it, folded exactly as the journal folds it.

Not exported: the timetabled teacher (only the teacher of record), reasons of substitutions,
cancellations and corrections, evidence of absences, cancelled marks. Pupils are pseudonyms.
Events before the lesson is scheduled are ignored: there is nothing to show yet.

The decisions the journal's fold makes too (is an attachment listed already, what an
observation says of a pupil, is a mark id new: see `fold_lesson_marks`) are the kernel's
(`kernel.lessons`, `kernel.attendance`, `kernel.marks`); this module only maps them onto the
published document.

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
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from kernel.attendance import observe
from kernel.lessons import attachment_is_new
from kernel.letters import journal_letter
from services.exporter.domain.docs import Content
from services.exporter.domain.fold_lesson_marks import (
    cancel_mark,
    correct_mark,
    is_correction,
    record_mark,
    with_marks,
)

Pseudonym = Callable[[str], str]


def fold_lesson(
    content: Content | None, event: Event, _record_id: str, pseudonym: Pseudonym
) -> Content | None:
    """The lesson document after `event`, or None when the event changes nothing exported."""
    if content is None:
        return _scheduled(event) if isinstance(event, LessonScheduled) else None
    step = _STEPS.get(type(event))
    changed = None if step is None else step(content, event, pseudonym)
    if not is_correction(event) or content.get("corrected_after_close", False):
        return changed
    return {**(content if changed is None else changed), "corrected_after_close": True}


def _scheduled(event: LessonScheduled) -> Content:
    """The lesson as first scheduled: as in the journal's fold, a later scheduling changes
    nothing (it reaches no step)."""
    return {
        "status": "scheduled",
        "topic": None,
        "homework": None,
        "homework_due_on": None,
        "files": [],
        "marks": [],
        "absences": [],
        "corrected_after_close": False,
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
    attachment = event.attachment
    listed = (f["attachment_id"] for f in content["files"])
    if not attachment_is_new(attachment.attachment_id, listed):
        return None
    return {**content, "files": [*content["files"], attachment.model_dump(mode="json")]}


def _absences(
    known: list[Content], entries: tuple[AbsenceEntry, ...], p: Pseudonym
) -> list[Content]:
    """The new observation replaces the old one (`kernel.attendance.observe`)."""
    reasons = {a["pupil"]: a["reason"] for a in known}
    result = []
    for entry in entries:
        pupil = p(entry.pupil_id)
        seen = observe(entry, reasons.get(pupil))
        result.append(
            {
                "pupil": pupil,
                "kind": seen.kind,
                "minutes_late": seen.minutes_late,
                "reason": seen.reason,
                "letter": seen.letter,
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
        flagged = is_correction(event)
        result["marks"] = with_marks(content["marks"], event.marks, p, flagged)
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
    MarkRecorded: record_mark,
    MarkCorrected: correct_mark,
    MarkCancelled: cancel_mark,
    AttendanceTaken: _attendance,
    AbsenceReasonSet: _reason,
    LessonEntriesSaved: _entries,
}
