"""A lesson as the exporter keeps it: the kernel's lesson (`kernel.lessons.apply_lesson`), folded
exactly as the journal view folds it, with the flags of corrections after close beside it.

What a parent sees of it is a mapping of this state (`services.exporter.domain.lesson_record`):
the state itself keeps everything the kernel keeps (cancelled marks, reasons, who recorded
what), so the exporter decides every rule as the journal does, a mark id seen again after its
mark was cancelled included.

An event carrying a `correction_reason` (an edit after its period closed, or its year was
sealed) flags the lesson `corrected_after_close`, even when it changes nothing else exported:
the same meaning as a row of the journal view's `lesson_corrections`, so the diary check agrees.
The marks such an event records or corrects (`kernel.closing.touched_by`) are flagged too, for
good. The reason is not exported (free text).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from contracts.base import Event
from kernel import AbsenceRow, Fact, LessonDoc, LessonRow, MarkRow
from kernel.closing import touched_by
from kernel.lessons import apply_lesson
from services.exporter.domain.stored import load_row

# The numbers marks stand for are not exported: the kernel is given no scale.
_NO_SCALE: Mapping[str, int | None] = MappingProxyType({})


class LessonState(NamedTuple):
    """The kernel's lesson, whether some edit of it was a correction after close, and the ids
    of the marks recorded or corrected by one."""

    doc: LessonDoc
    corrected: bool = False
    flagged: frozenset[str] = frozenset()


def _is_correction(event: Event) -> bool:
    """Whether the event is a correction after close (it carries a `correction_reason`)."""
    return getattr(event, "correction_reason", None) is not None


def fold_lesson(state: LessonState | None, fact: Fact, _fold_id: str) -> LessonState | None:
    """The lesson after `fact`: None before it is scheduled, `state` itself when the event was
    folded already (the kernel's `last_event_seq`)."""
    doc = apply_lesson(None if state is None else state.doc, fact, _NO_SCALE)
    if doc is None:
        return None
    if state is None:
        return LessonState(doc)
    if doc is state.doc:
        return state
    if not _is_correction(fact.event):
        return LessonState(doc, state.corrected, state.flagged)
    marks, _ = touched_by(fact.event)
    flagged = state.flagged.union(mark for mark in marks if mark in doc.marks)
    return LessonState(doc, corrected=True, flagged=flagged)


def dump_lesson(state: LessonState) -> list[Any]:
    """What is stored (`services.exporter.domain.stored`): [row, marks, absences, corrected,
    flagged mark ids]."""
    doc = state.doc
    marks, absences = list(doc.marks.values()), list(doc.absences.values())
    return [doc.row, marks, absences, state.corrected, sorted(state.flagged)]


def load_lesson(stored: list[Any]) -> LessonState:
    """The state `dump_lesson` stored (marks and absences in their order of recording)."""
    row, marks, absences, corrected, flagged = stored
    loaded = (load_row(MarkRow, mark) for mark in marks)
    observed = (load_row(AbsenceRow, absence) for absence in absences)
    doc = LessonDoc(
        load_row(LessonRow, row),
        {mark.mark_id: mark for mark in loaded},
        {absence.pupil_id: absence for absence in observed},
    )
    return LessonState(doc, corrected, frozenset(flagged))
