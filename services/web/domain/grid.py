"""The class journal page, its pure part: the journal's grid turned into rows and cells a
template prints as they are (which dates it shows, and which period's marks go in its last
column, is `services.web.domain.periods`).

Everything shown comes from the journal's answers (the weighted average is the API's
`average`); this module only chooses and words. The page must stay fast for 30 pupils × 40
lessons, so the cells are built once here and the template only loops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from kernel.russian_dates import column_day
from kernel.russian_numbers import decimal_comma
from services.web.domain.assessment import mark_title

NONE: Final = "—"
MONTH_NAMES: Final = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def average_text(value: object) -> str:
    """The API's average («3.75») as the school writes it («3,75»), «—» for none."""
    if value is None:
        return NONE
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return decimal_comma(number)


@dataclass(frozen=True, slots=True)
class Column:
    """A lesson of the grid: its date heading the column, linking to the lesson page."""

    lesson_id: str
    day: str  # «01»: the month heads a group of columns
    label: str  # «01.09»
    title: str
    cancelled: bool
    flagged: bool  # corrected after its period closed


@dataclass(frozen=True, slots=True)
class Cell:
    """A pupil at a lesson: their marks (value, kind of work), the absence letter, a flag."""

    marks: tuple[tuple[str, str], ...]
    absence: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class Row:
    """A pupil's line of the journal."""

    pupil_id: str
    name: str  # «Акимова В. А.», as a paper journal writes it
    full_name: str
    note: str  # «с 12.10», «выбыл 20.10»
    cells: tuple[Cell, ...]
    average: str
    absences: int
    lates: int
    period_mark: str
    period_title: str


@dataclass(frozen=True, slots=True)
class Table:
    """The class journal of one subject over a range of dates."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    months: tuple[tuple[str, int], ...]  # (month, how many columns) over the columns


def build_table(
    grid: Mapping[str, Any],
    kinds: Mapping[str, str],
    period_marks: Mapping[str, tuple[str, str]],
) -> Table:
    """The grid as rows and cells; `kinds` names the kinds of work, `period_marks` gives each
    pupil's period mark and its note (from the period-mark sheet)."""
    lessons = grid.get("lessons", [])
    columns = tuple(_column(lesson) for lesson in lessons)
    rows = tuple(_row(row, grid, kinds, period_marks) for row in grid.get("rows", []))
    return Table(columns, rows, _months(dt.date.fromisoformat(x["date"]) for x in lessons))


def _months(dates: Iterable[dt.date]) -> tuple[tuple[str, int], ...]:
    """The months over the columns, each with the number of its lessons (a new year's
    January is another group than the last one's)."""
    groups: list[tuple[tuple[int, int], int]] = []
    for day in dates:
        key = (day.year, day.month)
        if groups and groups[-1][0] == key:
            groups[-1] = (key, groups[-1][1] + 1)
        else:
            groups.append((key, 1))
    return tuple((MONTH_NAMES[month - 1], span) for (_, month), span in groups)


def _column(lesson: Mapping[str, Any]) -> Column:
    status = lesson.get("status")
    topic = lesson.get("topic") or ("урок отменён" if status == "cancelled" else "без темы")
    day = dt.date.fromisoformat(lesson["date"])
    return Column(
        lesson_id=str(lesson["lesson_id"]),
        day=f"{day:%d}",
        label=column_day(day),
        title=f"{column_day(day)}, {lesson['slot']}-й урок: {topic}",
        cancelled=status == "cancelled",
        flagged=bool(lesson.get("corrected_after_close")),
    )


def _row(
    row: Mapping[str, Any],
    grid: Mapping[str, Any],
    kinds: Mapping[str, str],
    period_marks: Mapping[str, tuple[str, str]],
) -> Row:
    pupil_id = str(row["pupil_id"])
    mark, title = period_marks.get(pupil_id, (NONE, ""))
    full_name = str(row.get("full_name") or pupil_id)
    return Row(
        pupil_id=pupil_id,
        name=short_name(full_name),
        full_name=full_name,
        note=_membership_note(row, grid),
        cells=tuple(_cell(cell, kinds) for cell in row.get("cells", [])),
        average=average_text(row.get("average")),
        absences=int(row.get("absences", 0)),
        lates=int(row.get("lates", 0)),
        period_mark=mark,
        period_title=title,
    )


def short_name(full_name: str) -> str:
    """«Акимова Вероника Антоновна» → «Акимова В. А.» (a name of one word stays whole)."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


def _cell(cell: Mapping[str, Any], kinds: Mapping[str, str]) -> Cell:
    marks = tuple((str(m["value"]), _mark_title(m, kinds)) for m in cell.get("marks", []))
    return Cell(marks, str(cell.get("absence") or ""), bool(cell.get("corrected_after_close")))


def _mark_title(mark: Mapping[str, Any], kinds: Mapping[str, str]) -> str:
    """What a mark is: «зачтено» for a pass/fail mark, its kind of work, a correction."""
    reading = mark_title(str(mark["value"]))
    return (
        (f"{reading}; " if reading else "")
        + str(kinds.get(mark["work_kind_id"], mark["work_kind_id"]))
        + (" (исправлено после закрытия)" if mark.get("corrected_after_close") else "")
    )


def _membership_note(row: Mapping[str, Any], grid: Mapping[str, Any]) -> str:
    """When the pupil joined or left within the range shown."""
    last_day = row.get("last_day")
    if last_day and last_day < str(grid.get("date_to", "")):
        return f"выбыл(а) {column_day(dt.date.fromisoformat(last_day))}"
    since = str(row.get("since", ""))
    if since and since > str(grid.get("date_from", "")):
        return f"с {column_day(dt.date.fromisoformat(since))}"
    return ""


def period_marks_of(sheet: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Each pupil's period mark (or «—») and a note: the average now and the suggestion."""
    marks: dict[str, tuple[str, str]] = {}
    for line in sheet.get("pupils", []):
        chosen = line.get("set") or {}
        reading = mark_title(str(chosen.get("value") or ""))
        note = f"{reading}; " if reading else ""
        note += f"средний балл {average_text(line.get('average'))}"
        if line.get("suggested"):
            note += f", рекомендуется {line['suggested']}"
        if chosen.get("corrected_after_close"):
            note += "; исправлено после закрытия"
        marks[str(line["pupil_id"])] = (str(chosen.get("value") or NONE), note)
    return marks
