"""Fold of a lesson's attendance: the teacher's observation, and the reason set apart from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contracts.journal import AbsenceEntry, AbsenceReason, AbsenceReasonSet
from contracts.letters import journal_letter
from services.journal.domain.projection.rows import AbsenceRow, LessonRow

Absences = Mapping[str, AbsenceRow]


def take_attendance(
    lesson: LessonRow, absences: Absences, entries: Iterable[AbsenceEntry], observer: str
) -> Absences:
    """The complete observation: pupils not listed were present, listed ones keep their reason.

    The lesson's row is then marked as having its attendance taken (by the caller).
    """
    taken = {
        entry.pupil_id: _observe(lesson, absences.get(entry.pupil_id), entry, observer)
        for entry in entries
    }
    return absences if taken == absences else taken


def _observe(
    lesson: LessonRow, old: AbsenceRow | None, entry: AbsenceEntry, observer: str
) -> AbsenceRow:
    kind = entry.kind
    minutes = entry.minutes_late if kind == "late" else None
    if old is not None and old.kind == kind and old.minutes_late == minutes:
        return old
    reason: AbsenceReason = "unknown" if old is None else old.reason
    # Positional, in the order of AbsenceRow's fields: a rebuild builds many of these.
    return AbsenceRow(
        lesson.school,
        lesson.year,
        lesson.lesson_id,
        entry.pupil_id,
        lesson.class_id,
        lesson.subject_id,
        lesson.date,
        kind,
        minutes,
        reason,
        None if old is None else old.evidence,
        journal_letter(kind, reason),
        observer,  # observed_by
        None if old is None else old.reason_set_by,
    )


def set_reason(absences: Absences, event: AbsenceReasonSet, actor: str) -> Absences:
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
    if new == old:
        return absences
    return {**absences, event.pupil_id: new}
