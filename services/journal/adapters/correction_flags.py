"""Corrections of closed periods in the journal view's answers: the lesson's list of them, and
the flags on what they changed (marks, absences, the grid's cells and columns).

Read from `lesson_corrections` (migration 0002) in the caller's snapshot transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from kernel.answers import ClassGrid, GridCell, GridRow, LessonCorrection, LessonDetail
from services.common.db import Connection

_CORRECTIONS = """
SELECT lesson_id, seq, kind AS event_type, reason, actor_id, recorded_at, mark_ids, pupil_ids
FROM lesson_corrections
WHERE school = $1 AND year = $2 AND lesson_id = ANY($3::text[])
ORDER BY lesson_id, seq"""

Corrections = dict[str, list[LessonCorrection]]
"""Corrections by lesson id, in stream order."""


async def fetch_corrections(
    conn: Connection, school: str, year: int, lesson_ids: Sequence[str]
) -> Corrections:
    """The corrections of the given lessons."""
    found: defaultdict[str, list[LessonCorrection]] = defaultdict(list)
    if not lesson_ids:
        return found
    for record in await conn.fetch(_CORRECTIONS, school, year, list(lesson_ids)):
        values = dict(record)
        found[values.pop("lesson_id")].append(LessonCorrection(**values))
    return found


def flag_detail(detail: LessonDetail, corrections: Sequence[LessonCorrection]) -> LessonDetail:
    """The lesson's detail with its corrections listed and what they changed flagged."""
    if not corrections:
        return detail
    by_mark = {m: c.reason for c in corrections for m in c.mark_ids}
    by_pupil = {p: c.reason for c in corrections for p in c.pupil_ids}
    marks = [
        replace(m, corrected_after_close=True, correction_reason=by_mark[m.mark_id])
        if m.mark_id in by_mark
        else m
        for m in detail.marks
    ]
    absences = [
        replace(a, corrected_after_close=True, correction_reason=by_pupil[a.pupil_id])
        if a.pupil_id in by_pupil
        else a
        for a in detail.absences
    ]
    return replace(detail, marks=marks, absences=absences, corrections=list(corrections))


def flag_grid(grid: ClassGrid, corrections: Corrections) -> ClassGrid:
    """The grid with corrected columns, cells and marks flagged."""
    if not corrections:
        return grid
    lessons = [
        replace(lesson, corrected_after_close=True) if lesson.lesson_id in corrections else lesson
        for lesson in grid.lessons
    ]
    rows = [_flag_row(row, corrections) for row in grid.rows]
    return replace(grid, lessons=lessons, rows=rows)


def _flag_row(row: GridRow, corrections: Corrections) -> GridRow:
    cells = [
        _flag_cell(cell, row.pupil_id, corrections[cell.lesson_id])
        if cell.lesson_id in corrections
        else cell
        for cell in row.cells
    ]
    return replace(row, cells=cells)


def _flag_cell(cell: GridCell, pupil_id: str, corrections: list[LessonCorrection]) -> GridCell:
    marks_changed = {m for c in corrections for m in c.mark_ids}
    absence_changed = any(pupil_id in c.pupil_ids for c in corrections)
    marks = [
        replace(m, corrected_after_close=True) if m.mark_id in marks_changed else m
        for m in cell.marks
    ]
    flagged = absence_changed or any(m.corrected_after_close for m in marks)
    return replace(cell, marks=marks, corrected_after_close=flagged)
