"""A lesson as a parent sees it: the published `LessonRecord`'s content, mapped from the
exporter's lesson state (`services.exporter.domain.fold_lesson`).

Not exported: the timetabled teacher (only the teacher of record), reasons of substitutions,
cancellations and corrections, evidence of absences, cancelled marks, who recorded what and
when. Pupils are pseudonyms. Marks and absences keep the order they were recorded in.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from contracts.base import Event
from contracts.journal import Attachment
from kernel import AbsenceRow, LessonRow, MarkRow
from kernel.attendance import Absences
from kernel.closing import touched_by
from services.exporter.domain.docs import Content
from services.exporter.domain.fold_lesson import LessonState

Pseudonym = Callable[[str], str]


def lesson_content(state: LessonState, pseudonym: Pseudonym) -> Content:
    """What the lesson's record says (`LessonRecord.content()`: JSON-ready).

    Every mapping is built with its keys in sorted order, the order of the contract's canonical
    JSON (`contracts.diary.canonical_json`), so that a batch serialises it as it is, without
    sorting (`contracts.diary.presorted_json`).
    """
    doc = state.doc
    row = doc.row
    due = row.homework_due
    marks = (_mark(mark, state.flagged, pseudonym) for mark in doc.marks.values())
    return {
        "absences": [_absence(absence, pseudonym) for absence in doc.absences.values()],
        "class_id": row.class_id,
        "corrected_after_close": state.corrected,
        "date": row.date.isoformat(),
        "files": [_file(attachment) for attachment in row.attachments],
        "group": row.grp,
        "homework": row.homework_text,
        "homework_due_on": None if due is None else due.isoformat(),
        "lesson_id": row.lesson_id,
        "marks": [mark for mark in marks if mark is not None],
        "slot": row.slot,
        "status": row.status,
        "subject_id": row.subject_id,
        "teacher_id": row.teacher_id,
        "topic": row.topic,
    }


def same_lesson(before: LessonState, after: LessonState, event: Event) -> bool:
    """Whether the lesson's record says the same after `event` as before it.

    Only what changed is compared, as the rows hold it: the lesson's own fields, the absences
    when the kernel gave new ones, and the marks the event names (`kernel.closing.touched_by`:
    no other mark can change), so a mark recorded costs one mark and not the lesson's every
    mark. A pupil's id stands for their pseudonym; a weight is compared as published (1 and
    1.0 are two texts).
    """
    old, new = before.doc, after.doc
    if before.corrected != after.corrected or _row_shown(old.row) != _row_shown(new.row):
        return False
    if old.absences is not new.absences and _absences_shown(old.absences) != _absences_shown(
        new.absences
    ):
        return False
    if old.marks is new.marks and before.flagged == after.flagged:
        return True
    if len(old.marks) != len(new.marks):
        return False  # a mark recorded: in force (a mark is never recorded cancelled)
    named, _ = touched_by(event)
    return all(
        _mark_shown(old.marks.get(mark_id), before.flagged)
        == _mark_shown(new.marks.get(mark_id), after.flagged)
        for mark_id in named
    )


_ROW = (
    ("lesson_id", "lesson_id"),
    ("class_id", "class_id"),
    ("subject_id", "subject_id"),
    ("date", "date"),
    ("slot", "slot"),
    ("group", "grp"),
    ("teacher_id", "teacher_id"),
    ("status", "status"),
    ("topic", "topic"),
    ("homework", "homework_text"),
    ("homework_due_on", "homework_due"),
    ("files", "attachments"),
)
"""The record's fields of the lesson itself, each with the row's field it shows."""
_row_shown = itemgetter(*(LessonRow._fields.index(field) for _, field in _ROW))
_MARK = ("mark_id", "pupil_id", "value", "work_kind_id", "comment", "counts", "corrected")
_mark_fields = itemgetter(*(MarkRow._fields.index(field) for field in _MARK))
_ABSENCE = ("pupil_id", "kind", "minutes_late", "reason", "letter")
_absence_fields = itemgetter(*(AbsenceRow._fields.index(field) for field in _ABSENCE))


def _file(attachment: Attachment) -> Content:
    """A homework file as published (`Attachment`'s JSON form, keys sorted)."""
    return {
        "attachment_id": attachment.attachment_id,
        "media_type": attachment.media_type,
        "name": attachment.name,
        "sha256": attachment.sha256,
        "size": attachment.size,
    }


def _mark_shown(mark: MarkRow | None, flagged: frozenset[str]) -> tuple[Any, ...] | None:
    """What the record says of a mark, as the row holds it; None for a cancelled (or unknown)
    one."""
    if mark is None or mark.cancelled:
        return None
    return (*_mark_fields(mark), str(mark.weight), mark.mark_id in flagged)


def _mark(mark: MarkRow, flagged: frozenset[str], pseudonym: Pseudonym) -> Content | None:
    """A mark in force as published; None for a cancelled one."""
    if mark.cancelled:
        return None
    return {
        "comment": mark.comment,
        "corrected": mark.corrected,
        "corrected_after_close": mark.mark_id in flagged,
        "counts": mark.counts,
        "mark_id": mark.mark_id,
        "pupil": pseudonym(mark.pupil_id),
        "value": mark.value,
        "weight": str(mark.weight),
        "work_kind_id": mark.work_kind_id,
    }


def _absence(absence: AbsenceRow, pseudonym: Pseudonym) -> Content:
    return {
        "kind": absence.kind,
        "letter": absence.letter,
        "minutes_late": absence.minutes_late,
        "pupil": pseudonym(absence.pupil_id),
        "reason": absence.reason,
    }


def _absences_shown(absences: Absences) -> list[tuple[Any, ...]]:
    return [_absence_fields(absence) for absence in absences.values()]
