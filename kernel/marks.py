"""Fold of a lesson's marks: recorded once, corrected and cancelled in place, never removed.

A mark id seen twice (a second `MarkRecorded`, or a save listing it again, even within the same
save): the first recording stands and the later one changes nothing. The lesson's decider
refuses a duplicate mark id when a command is decided, so on the stream a repeated id can only be
a redelivery or a replay, and folding it again must change nothing (idempotence). Every reader
of the journal (the view, the audit's as-of view and history, the exporter's documents) sees
marks through this rule.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from contracts.journal import MarkCancelled, MarkCorrected, MarkEntry, MarkRecorded
from kernel.rows import Fact, LessonDoc, LessonRow, MarkRow

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
    """The lesson's marks with those not recorded yet (see `first_recordings`)."""
    fresh = first_recordings(entries, doc.marks)
    if not fresh:
        return doc.marks
    row = doc.row
    return {**doc.marks, **{e.mark_id: _new_mark(row, e, fact, scale) for e in fresh}}


def first_recordings(entries: Iterable[MarkEntry], known: Container[str]) -> list[MarkEntry]:
    """The entries that record a mark: a mark id `known` already, or listed earlier among the
    entries, keeps its first recording (see the module's docstring). The kernel's fold and
    the lesson aggregate (`services.journal.domain.lesson`) both decide through this."""
    fresh: list[MarkEntry] = []
    seen: set[str] = set()
    for entry in entries:
        mark_id = entry.mark_id
        if mark_id not in known and mark_id not in seen:
            seen.add(mark_id)
            fresh.append(entry)
    return fresh


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
