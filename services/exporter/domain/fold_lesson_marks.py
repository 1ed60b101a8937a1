"""The marks of a lesson document, and their flags of a correction after close.

Cancelled marks are not published: a cancellation takes the mark out of the document and later
edits do not bring it back. Which marks a recording adds is the kernel's rule
(`kernel.marks.first_recordings`: a mark id seen before keeps its first recording). One answer
can differ from the journal's: a mark cancelled and then recorded again under the same id (only
a replay can do that) stays cancelled in the journal, but the document, which keeps no
cancelled mark to know it by, takes it as new.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.base import Event
from contracts.journal import MarkCancelled, MarkCorrected, MarkEntry, MarkRecorded
from kernel.marks import first_recordings
from services.exporter.domain.docs import Content

Pseudonym = Callable[[str], str]


def is_correction(event: Event) -> bool:
    """Whether the event is a correction after close (it carries a `correction_reason`)."""
    return getattr(event, "correction_reason", None) is not None


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


def with_marks(
    marks: list[Content], entries: tuple[MarkEntry, ...], p: Pseudonym, flagged: bool
) -> list[Content]:
    """Marks recorded: only first recordings are added (`kernel.marks.first_recordings`); a
    correction after close (`flagged`) flags every mark it names, as the journal's
    `lesson_corrections` do, also one it repeats. `marks` itself when nothing changes."""
    if flagged:
        marks = _flag(marks, {entry.mark_id for entry in entries})
    fresh = first_recordings(entries, {m["mark_id"] for m in marks})
    return [*marks, *(_mark(entry, p, flagged) for entry in fresh)] if fresh else marks


def _flag(marks: list[Content], named: set[str]) -> list[Content]:
    """The marks `named` flagged as corrected after close (once set, a flag stays)."""
    if not any(m["mark_id"] in named and not m.get("corrected_after_close") for m in marks):
        return marks
    return [{**m, "corrected_after_close": True} if m["mark_id"] in named else m for m in marks]


def record_mark(content: Content, event: MarkRecorded, p: Pseudonym) -> Content | None:
    """The document after `MarkRecorded`, or None when it changes nothing."""
    flagged = is_correction(event)
    marks = with_marks(content["marks"], (event.mark,), p, flagged)
    return None if marks is content["marks"] else {**content, "marks": marks}


def correct_mark(content: Content, event: MarkCorrected, _p: Pseudonym) -> Content | None:
    """The document after `MarkCorrected`, or None when it changes nothing."""
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
            is_correction(event) or marks[at].get("corrected_after_close", False)
        ),
    }
    return {**content, "marks": [*marks[:at], fixed, *marks[at + 1 :]]}


def cancel_mark(content: Content, event: MarkCancelled, _p: Pseudonym) -> Content | None:
    """The document after `MarkCancelled`, or None when it changes nothing."""
    marks = [m for m in content["marks"] if m["mark_id"] != event.mark_id]
    if len(marks) == len(content["marks"]):
        return None
    return {**content, "marks": marks}
