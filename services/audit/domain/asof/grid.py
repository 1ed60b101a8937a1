"""The class-subject grid as of a moment: the journal's answer (`kernel.answers.ClassGrid`).

Columns: the class's lessons of the subject in the range, by date, slot and id, whatever their
status. Rows: the pupils whose membership meets the range, by name (codepoint order, names
missing last, as PostgreSQL orders them under the C collation), then id. A cell holds the
pupil's marks in force (not cancelled) by recording time, and the absence letter. The average is
the weighted average of the pupil's marks in force over the range's lessons
(`kernel.grading.recorded_average`, with each mark's number as the scale gave it when it was
recorded or corrected), as the journal view computes it from its rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from kernel import LessonDoc, MarkRow, Membership
from kernel.answers import ClassGrid, GridCell, GridLesson, GridMark, GridRow
from kernel.grading import recorded_average
from services.audit.domain.asof.state import JournalState

CENTS = Decimal("0.01")
"""Weights are shown with two places, as the journal's numeric(4, 2) column holds them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassGridAsOf(ClassGrid):
    """The journal's class-subject page as recorded by `at`; `last_seq` is the stream sequence
    of the last event it includes."""

    at: dt.datetime
    last_seq: int


class GridQuery(NamedTuple):
    """Which page of the journal: a class, a subject and a range of dates (both included)."""

    class_id: str
    subject_id: str
    date_from: dt.date
    date_to: dt.date


def grid_lessons(state: JournalState, query: GridQuery) -> list[LessonDoc]:
    """The lessons of the page, by date, slot and id."""
    found = [
        lesson
        for lesson in state.lessons()
        if lesson.row.class_id == query.class_id
        and lesson.row.subject_id == query.subject_id
        and query.date_from <= lesson.row.date <= query.date_to
    ]
    found.sort(key=lambda lesson: (lesson.row.date, lesson.row.slot, lesson.row.lesson_id))
    return found


def class_grid(state: JournalState, query: GridQuery, at: dt.datetime) -> ClassGridAsOf | None:
    """The page as the state holds it; None when the class was not opened yet."""
    klass = state.klass(query.class_id)
    if klass is None:
        return None
    lessons = grid_lessons(state, query)
    members = [m for m in klass.memberships if m.overlaps(query.date_from, query.date_to)]
    marks = _marks_by_cell(lessons)
    return ClassGridAsOf(
        school=state.school,
        year=state.year,
        at=at,
        last_seq=state.last_seq,
        class_id=query.class_id,
        subject_id=query.subject_id,
        date_from=query.date_from,
        date_to=query.date_to,
        lessons=[grid_lesson(state, lesson) for lesson in lessons],
        rows=[
            _row(state, pupil, intervals, lessons, marks)
            for pupil, intervals in _by_pupil(state, members)
        ],
    )


def grid_lesson(state: JournalState, lesson: LessonDoc) -> GridLesson:
    """A lesson as a column of the grid."""
    row = lesson.row
    return GridLesson(
        row.lesson_id,
        row.date,
        row.slot,
        row.status,
        row.topic,
        row.teacher_id,
        corrected_after_close=bool(state.corrections_of(row.lesson_id)),
    )


def pupil_order(state: JournalState, pupil_id: str) -> tuple[bool, str, str]:
    """The journal's order of pupils: by name (names missing last), then by id."""
    name = state.pupil_name(pupil_id)
    return (name is None, name or "", pupil_id)


_Cells = Mapping[tuple[str, str], list[MarkRow]]


def _marks_by_cell(lessons: Iterable[LessonDoc]) -> _Cells:
    """The marks in force by (pupil, lesson), each list by recording time then id."""
    cells: defaultdict[tuple[str, str], list[MarkRow]] = defaultdict(list)
    for lesson in lessons:
        for mark in lesson.marks.values():
            if not mark.cancelled:
                cells[mark.pupil_id, mark.lesson_id].append(mark)
    for marks in cells.values():
        marks.sort(key=_recording_order)
    return cells


def _by_pupil(
    state: JournalState, members: Iterable[Membership]
) -> list[tuple[str, list[Membership]]]:
    grouped: defaultdict[str, list[Membership]] = defaultdict(list)
    for member in members:
        grouped[member.pupil_id].append(member)
    return [
        (pupil, sorted(grouped[pupil], key=lambda m: m.since))
        for pupil in sorted(grouped, key=lambda p: pupil_order(state, p))
    ]


def _row(
    state: JournalState,
    pupil_id: str,
    intervals: list[Membership],
    lessons: list[LessonDoc],
    marks: _Cells,
) -> GridRow:
    own: list[MarkRow] = []
    cells: list[GridCell] = []
    absences = lates = 0
    for lesson in lessons:
        cell = marks.get((pupil_id, lesson.row.lesson_id), [])
        own.extend(cell)
        absence = lesson.absences.get(pupil_id)
        if absence is not None:
            absences += absence.kind == "absent"
            lates += absence.kind == "late"
        cells.append(_cell(state, lesson, pupil_id, cell))
    return GridRow(
        pupil_id=pupil_id,
        full_name=state.pupil_name(pupil_id),
        since=intervals[0].since,
        last_day=intervals[-1].last_day,
        cells=cells,
        average=average(own),
        absences=absences,
        lates=lates,
    )


def _cell(state: JournalState, lesson: LessonDoc, pupil_id: str, marks: list[MarkRow]) -> GridCell:
    """A pupil's cell of a lesson, flagged where a correction after closing changed it."""
    lesson_id = lesson.row.lesson_id
    absence = lesson.absences.get(pupil_id)
    letter = None if absence is None else absence.letter
    corrections = state.corrections_of(lesson_id)
    if not corrections:
        return GridCell(lesson_id, [grid_mark(m) for m in marks], letter)
    corrected = {m for c in corrections for m in c.mark_ids}
    shown = [grid_mark(m, flagged=m.mark_id in corrected) for m in marks]
    flagged = any(pupil_id in c.pupil_ids for c in corrections) or any(
        m.corrected_after_close for m in shown
    )
    return GridCell(lesson_id, shown, letter, flagged)


def marks_in_order(marks: Iterable[MarkRow]) -> list[MarkRow]:
    """Marks by recording time, then id (the journal's order)."""
    return sorted(marks, key=_recording_order)


def _recording_order(mark: MarkRow) -> tuple[dt.datetime, str]:
    return (mark.recorded_at, mark.mark_id)


def grid_mark(mark: MarkRow, *, flagged: bool = False) -> GridMark:
    """A mark as the grid shows it (`flagged`: changed by a correction after closing)."""
    return GridMark(
        mark.mark_id, mark.value, mark.work_kind_id, weight(mark), mark.corrected, flagged
    )


def weight(mark: MarkRow) -> Decimal:
    """The mark's weight with two places (2 -> 2.00), as the journal shows it."""
    return mark.weight.quantize(CENTS)


def average(marks: Iterable[MarkRow]) -> Decimal | None:
    """Σ(weight·number)/Σweight over the marks that count, are not cancelled and have a number."""
    return recorded_average((m.numeric, m.weight, m.counts) for m in marks if not m.cancelled)
