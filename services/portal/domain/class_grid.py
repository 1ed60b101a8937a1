"""A class's grid of a subject for a teacher UID, the pure part: pupils × lessons.

Built from the diary's `ClassGrid` answer. The portal side holds no pupil's name, so the rows
are «Ученик 1» … «Ученик N» in the grid's own order (the diary orders pupils by pseudonym,
the same on every load); columns are the lessons with their dates; a cell holds the pupil's
marks (the kind of work and weight in its title) and the absence letter; each row ends with the
weighted average the diary computed and the count of absences. The periods to choose are the
class's (its grade's scheme, as the grid's answer lists them; the school year's from the
teacher's profile for an older diary), and the whole year. A pass/fail subject's marks read
«зачтено» / «не зачтено» and the grid has no average column; a subject without marks has
neither marks nor average (`services.portal.domain.plan_notes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from kernel.russian_dates import column_day, short_day
from services.portal.domain.bells import DEFAULT_BELLS
from services.portal.domain.marks import decimal_text, letter_meaning, mark_note
from services.portal.domain.periods import WHOLE_YEAR, period_name
from services.portal.domain.plan_notes import (
    ASSESSMENT_NOTES,
    assessment_of,
    mark_text,
    shows_average,
)
from services.portal.domain.subject_view import PeriodChoice, period_choices

NO_AVERAGE: Final = "—"


@dataclass(frozen=True, slots=True)
class Column:
    """A lesson of the grid."""

    lesson_id: str
    date: dt.date
    day: str
    title: str
    cancelled: bool
    flagged: bool


@dataclass(frozen=True, slots=True)
class CellMark:
    """A mark in a cell: its value, and its kind of work and weight for the title."""

    value: str
    title: str


@dataclass(frozen=True, slots=True)
class Cell:
    """A pupil's marks and absence in one lesson."""

    marks: tuple[CellMark, ...] = ()
    absence: str | None = None
    absence_title: str | None = None
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A pupil of the grid, by number."""

    label: str
    cells: tuple[Cell, ...]
    average: str
    absences: int


@dataclass(frozen=True, slots=True)
class GridTable:
    """The whole grid."""

    subject: str
    period_id: str | None
    starts_on: dt.date
    ends_on: dt.date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    show_average: bool = True
    assessment_note: str | None = None


def _column(lesson: Mapping[str, Any]) -> Column:
    day = dt.date.fromisoformat(str(lesson["date"]))
    slot = int(lesson["slot"])
    parts = [f"{short_day(day)}, {slot}-й урок ({DEFAULT_BELLS.span(slot)})"]
    cancelled = lesson.get("status") == "cancelled"
    if cancelled:
        parts.append("отменён")
    if lesson.get("topic"):
        parts.append(f"тема: {lesson['topic']}")
    return Column(
        lesson_id=str(lesson["lesson_id"]),
        date=day,
        day=column_day(day),
        title="; ".join(parts),
        cancelled=cancelled,
        flagged=bool(lesson.get("corrected_after_close", False)),
    )


def _mark_title(mark: Mapping[str, Any]) -> str:
    note = mark_note(mark)
    title = note.describe
    return f"{title}, исправлена" if note.corrected else title


def _row(number: int, pupil: Mapping[str, Any], columns: tuple[Column, ...]) -> Row:
    marks: dict[str, list[CellMark]] = {}
    flagged: set[str] = set()
    for dated in pupil.get("marks") or ():
        mark = dated["mark"]
        marks.setdefault(str(dated["lesson_id"]), []).append(
            CellMark(mark_text(mark), _mark_title(mark))
        )
        if mark.get("corrected_after_close"):
            flagged.add(str(dated["lesson_id"]))
    absences = {str(lesson_id): absence for lesson_id, absence in pupil.get("absences") or ()}
    cells = []
    for column in columns:
        absence = absences.get(column.lesson_id)
        letter = str(absence["letter"]) if absence else None
        cells.append(
            Cell(
                marks=tuple(marks.get(column.lesson_id, ())),
                absence=letter,
                absence_title=letter_meaning(letter) if letter else None,
                flagged=column.lesson_id in flagged,
            )
        )
    return Row(
        label=f"Ученик {number}",
        cells=tuple(cells),
        average=decimal_text(pupil.get("average"), 2) or NO_AVERAGE,
        absences=len(absences),
    )


def grid_table(grid: Mapping[str, Any]) -> GridTable:
    """The table of a `ClassGrid` answer (pupils in the answer's order, numbered from 1)."""
    columns = tuple(_column(lesson) for lesson in grid.get("lessons") or ())
    rows = tuple(
        _row(number, pupil, columns)
        for number, pupil in enumerate(grid.get("pupils") or (), start=1)
    )
    return GridTable(
        subject=str(grid.get("subject_name") or grid["subject_id"]),
        period_id=grid.get("period_id"),
        starts_on=dt.date.fromisoformat(str(grid["starts_on"])),
        ends_on=dt.date.fromisoformat(str(grid["ends_on"])),
        columns=columns,
        rows=rows,
        show_average=shows_average(assessment_of(grid)),
        assessment_note=ASSESSMENT_NOTES.get(assessment_of(grid)),
    )


def grid_periods(
    grid: Mapping[str, Any], periods: Iterable[Mapping[str, Any]]
) -> tuple[str, tuple[PeriodChoice, ...]]:
    """The name of the grid's period («2 четверть», «учебный год») and the periods to choose:
    `periods` (the class's, in order, by the school's names), then the whole year; the one
    shown selected."""
    listed = list(periods)
    shown = grid.get("period_id")
    choices = period_choices({"period_id": shown, "periods": listed})
    if shown in (None, WHOLE_YEAR):
        return "учебный год", choices
    known = next((p.get("name") for p in listed if p.get("period_id") == shown), None)
    return period_name(str(shown), known), choices
