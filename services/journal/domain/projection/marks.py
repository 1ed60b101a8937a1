"""Fold of a lesson's marks: recorded once, corrected and cancelled in place, never removed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contracts.journal import MarkCancelled, MarkCorrected, MarkEntry, MarkRecorded
from services.journal.domain.projection.rows import Fact, LessonDoc, LessonRow, MarkRow


def numeric_value(value: str, scale: Mapping[str, int | None]) -> int | None:
    """The number a mark stands for on the school's scale; a bare integer when off the scale."""
    if value in scale:
        return scale[value]
    return int(value) if value.isascii() and value.isdigit() else None


def apply_mark(doc: LessonDoc, fact: Fact, scale: Mapping[str, int | None]) -> LessonDoc:
    """Fold MarkRecorded, MarkCorrected or MarkCancelled into the lesson's marks."""
    match fact.event:
        case MarkRecorded(mark=entry):
            return record_marks(doc, (entry,), fact, scale)
        case MarkCorrected() as corrected:
            mark = doc.marks.get(corrected.mark_id)
            return doc if mark is None else _put(doc, _correct(mark, corrected, scale))
        case MarkCancelled(mark_id=mark_id, reason=reason):
            mark = doc.marks.get(mark_id)
            if mark is None:
                return doc
            return _put(doc, mark._replace(cancelled=True, last_reason=reason))
        case _:
            return doc


def record_marks(
    doc: LessonDoc, entries: Iterable[MarkEntry], fact: Fact, scale: Mapping[str, int | None]
) -> LessonDoc:
    """Add marks not recorded yet (a mark id already known keeps its row)."""
    fresh = {
        entry.mark_id: _new_mark(doc.row, entry, fact, scale)
        for entry in entries
        if entry.mark_id not in doc.marks
    }
    return doc._replace(marks={**doc.marks, **fresh}) if fresh else doc


def _new_mark(
    lesson: LessonRow, entry: MarkEntry, fact: Fact, scale: Mapping[str, int | None]
) -> MarkRow:
    return MarkRow(
        school=lesson.school,
        year=lesson.year,
        mark_id=entry.mark_id,
        lesson_id=lesson.lesson_id,
        class_id=lesson.class_id,
        subject_id=lesson.subject_id,
        date=lesson.date,
        pupil_id=entry.pupil_id,
        value=entry.value,
        numeric=numeric_value(entry.value, scale),
        work_kind_id=entry.work_kind_id,
        weight=entry.weight,
        comment=entry.comment,
        counts=entry.counts,
        recorded_by=fact.actor_id,
        recorded_at=fact.recorded_at,
    )


def _correct(mark: MarkRow, event: MarkCorrected, scale: Mapping[str, int | None]) -> MarkRow:
    return mark._replace(
        value=event.value,
        numeric=numeric_value(event.value, scale),
        work_kind_id=event.work_kind_id,
        weight=event.weight,
        comment=event.comment,
        counts=event.counts,
        corrected=True,
        last_reason=event.reason,
    )


def _put(doc: LessonDoc, mark: MarkRow) -> LessonDoc:
    if doc.marks.get(mark.mark_id) == mark:
        return doc
    return doc._replace(marks={**doc.marks, mark.mark_id: mark})
