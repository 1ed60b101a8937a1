"""Fold of a lesson's attendance: the teacher's observation, and the reason set apart from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from contracts.journal import AbsenceEntry, AbsenceKind, AbsenceReason, AbsenceReasonSet
from kernel.letters import journal_letter
from kernel.rows import AbsenceRow, LessonRow

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


class Observation(NamedTuple):
    """A pupil as the teacher observed them, with the reason and the letter that follow."""

    kind: AbsenceKind
    minutes_late: int | None
    reason: AbsenceReason
    letter: str


def observe(entry: AbsenceEntry, known_reason: AbsenceReason | None) -> Observation:
    """What an observation says of a pupil: minutes late count only for a lateness; a reason
    already given (`known_reason`) stays with its pupil, a new absence's is unknown. The
    kernel's fold and the lesson aggregate (`services.journal.domain.lesson`) both decide
    through this."""
    kind = entry.kind
    reason: AbsenceReason = "unknown" if known_reason is None else known_reason
    minutes = entry.minutes_late if kind == "late" else None
    return Observation(kind, minutes, reason, journal_letter(kind, reason))


def _observe(
    lesson: LessonRow, old: AbsenceRow | None, entry: AbsenceEntry, observer: str
) -> AbsenceRow:
    seen = observe(entry, None if old is None else old.reason)
    if old is not None and old.kind == seen.kind and old.minutes_late == seen.minutes_late:
        return old
    # Positional, in the order of AbsenceRow's fields: a rebuild builds many of these.
    return AbsenceRow(
        lesson.school,
        lesson.year,
        lesson.lesson_id,
        entry.pupil_id,
        lesson.class_id,
        lesson.subject_id,
        lesson.date,
        seen.kind,
        seen.minutes_late,
        seen.reason,
        None if old is None else old.evidence,
        seen.letter,
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
