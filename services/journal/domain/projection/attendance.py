"""Fold of a lesson's attendance: the teacher's observation, and the reason set apart from it."""

from __future__ import annotations

from contracts.journal import AbsenceEntry, AbsenceReason, AbsenceReasonSet, AttendanceTaken
from services.journal.domain.letters import journal_letter
from services.journal.domain.projection.rows import AbsenceRow, Fact, LessonDoc, LessonRow


def apply_attendance(doc: LessonDoc, fact: Fact) -> LessonDoc:
    """Fold AttendanceTaken or AbsenceReasonSet into the lesson's absences."""
    match fact.event:
        case AttendanceTaken(absences=entries):
            return take_attendance(doc, entries, fact.actor_id)
        case AbsenceReasonSet() as reason_set:
            return _set_reason(doc, reason_set, fact.actor_id)
        case _:
            return doc


def take_attendance(doc: LessonDoc, entries: tuple[AbsenceEntry, ...], observer: str) -> LessonDoc:
    """The complete observation: pupils not listed were present, listed ones keep their reason."""
    absences = {
        entry.pupil_id: _observe(doc.row, doc.absences.get(entry.pupil_id), entry, observer)
        for entry in entries
    }
    row = doc.row if doc.row.attendance_taken else doc.row._replace(attendance_taken=True)
    if row is doc.row and absences == doc.absences:
        return doc
    return doc._replace(row=row, absences=absences)


def _observe(
    lesson: LessonRow, old: AbsenceRow | None, entry: AbsenceEntry, observer: str
) -> AbsenceRow:
    minutes = entry.minutes_late if entry.kind == "late" else None
    if old is not None and (old.kind, old.minutes_late) == (entry.kind, minutes):
        return old
    reason: AbsenceReason = "unknown" if old is None else old.reason
    return AbsenceRow(
        school=lesson.school,
        year=lesson.year,
        lesson_id=lesson.lesson_id,
        pupil_id=entry.pupil_id,
        class_id=lesson.class_id,
        subject_id=lesson.subject_id,
        date=lesson.date,
        kind=entry.kind,
        minutes_late=minutes,
        reason=reason,
        evidence=None if old is None else old.evidence,
        letter=journal_letter(entry.kind, reason),
        observed_by=observer,
        reason_set_by=None if old is None else old.reason_set_by,
    )


def _set_reason(doc: LessonDoc, event: AbsenceReasonSet, actor: str) -> LessonDoc:
    """The reason of a recorded absence; who observed it stays as it was."""
    old = doc.absences.get(event.pupil_id)
    if old is None:
        return doc
    new = old._replace(
        reason=event.reason,
        evidence=event.evidence,
        letter=journal_letter(old.kind, event.reason),
        reason_set_by=actor,
    )
    if new == old:
        return doc
    return doc._replace(absences={**doc.absences, event.pupil_id: new})
