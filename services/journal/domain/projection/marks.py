"""Fold of a lesson's marks: recorded once, corrected and cancelled in place, never removed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contracts.journal import MarkCancelled, MarkCorrected, MarkEntry, MarkRecorded
from services.journal.domain.projection.rows import Fact, LessonDoc, LessonRow, MarkRow

Marks = Mapping[str, MarkRow]


def numeric_value(value: str, scale: Mapping[str, int | None]) -> int | None:
    """The number a mark stands for on the school's scale; a bare integer when off the scale."""
    if value in scale:
        return scale[value]
    return int(value) if value.isascii() and value.isdigit() else None


def apply_mark(doc: LessonDoc, fact: Fact, scale: Mapping[str, int | None]) -> Marks:
    """The lesson's marks after MarkRecorded, MarkCorrected or MarkCancelled."""
    match fact.event:
        case MarkRecorded(mark=entry):
            return record_marks(doc, (entry,), fact, scale)
        case MarkCorrected() as corrected:
            mark = doc.marks.get(corrected.mark_id)
            return doc.marks if mark is None else _put(doc.marks, _correct(mark, corrected, scale))
        case MarkCancelled(mark_id=mark_id, reason=reason):
            mark = doc.marks.get(mark_id)
            if mark is None:
                return doc.marks
            return _put(doc.marks, mark._replace(cancelled=True, last_reason=reason))
        case _:
            return doc.marks


def record_marks(
    doc: LessonDoc, entries: Iterable[MarkEntry], fact: Fact, scale: Mapping[str, int | None]
) -> Marks:
    """The lesson's marks with those not recorded yet (a mark id already known keeps its row)."""
    marks = doc.marks
    fresh = {
        entry.mark_id: _new_mark(doc.row, entry, fact, scale)
        for entry in entries
        if entry.mark_id not in marks
    }
    return {**marks, **fresh} if fresh else marks


def _new_mark(
    lesson: LessonRow, entry: MarkEntry, fact: Fact, scale: Mapping[str, int | None]
) -> MarkRow:
    # Positional, in the order of MarkRow's fields: a rebuild builds tens of thousands of these.
    value = entry.value
    return MarkRow(
        lesson.school,
        lesson.year,
        entry.mark_id,
        lesson.lesson_id,
        lesson.class_id,
        lesson.subject_id,
        lesson.date,
        entry.pupil_id,
        value,
        numeric_value(value, scale),
        entry.work_kind_id,
        entry.weight,
        entry.comment,
        entry.counts,
        fact.actor_id,  # recorded_by
        fact.recorded_at,
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


def _put(marks: Marks, mark: MarkRow) -> Marks:
    if marks.get(mark.mark_id) == mark:
        return marks
    return {**marks, mark.mark_id: mark}
