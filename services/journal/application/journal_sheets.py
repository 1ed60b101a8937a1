"""The journal's paperwork as tables: a class journal page of one subject (pupils × lessons, the
lessons' topics beside it), the period-marks sheet of a class («сводная ведомость»), and a
class's year as the bound journal (`Archive`: every subject's page over the year, its period
and final marks, its corrections after closing).

The values are the journal's own answers, worded as the school's pages word them (marks of a
lesson side by side, the absence letter after them, the average to two decimals); the writers
(`services.journal.adapters.spreadsheets`: XLSX, CSV; `.archive_pdf`: the archive's PDF) only
lay them out. Pure (`services.journal.application.paperwork` reads the grid, the roster, the
period sheets and the corrections).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from kernel.answers import ClassGrid, GridCell, GridLesson, LessonCorrection
from kernel.russian_numbers import decimal_comma
from services.journal.application.period_mark_views import PeriodMarkLine, PeriodMarkSheet
from services.journal.application.roster_reads import Roster

Value = str | int | Decimal | None
"""A cell: text, a count, an average (a number in a spreadsheet), or nothing."""

NONE: Final = "—"
YEAR_PERIOD_NAMES: Final = {"year": "Годовая", "exam": "Экзамен", "final": "Итоговая"}
"""The marks of the whole year beside the terms' (`services.journal.domain.closing`)."""
_STATUS_WORDS: Final = {"cancelled": "отменён", "held": "проведён", "scheduled": "по расписанию"}


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet: lines above it (what it is), the column headings and the rows."""

    title: str  # the sheet's name: at most 31 characters (XLSX's own limit)
    heading: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


@dataclass(frozen=True, slots=True)
class Paper:
    """A document of one or more sheets and the file name it is offered under."""

    file_name: str  # ASCII, without the extension
    tables: tuple[Table, ...]


def class_page(grid: ClassGrid, roster: Roster, sheet: PeriodMarkSheet | None) -> Paper:
    """The class journal page of a subject over the grid's dates: the marks and absences of
    every pupil with their average, absences, lates and (with `sheet`) the period mark; then
    the lessons with their topics, as the paper journal's facing page."""
    names = _Names(roster)
    heading = (
        names.school,
        f"Класс {names.class_label(grid.class_id)}, {names.subject(grid.subject_id)}",
        f"{grid.date_from:%d.%m.%Y} — {grid.date_to:%d.%m.%Y}",
    )
    period = names.period(sheet.period_id) if sheet else None
    columns = (
        "№",
        "Ученик",
        *_lesson_headings(grid.lessons),
        "Средний балл",
        "Пропуски",
        "Опоздания",
        *((f"Отметка: {period}",) if period else ()),
    )
    marks = _period_marks(sheet.pupils) if sheet else {}
    rows = tuple(
        (
            number,
            row.full_name or row.pupil_id,
            *(cell_text(cell) for cell in row.cells),
            row.average,
            row.absences,
            row.lates,
            *((marks.get(row.pupil_id, ""),) if period else ()),
        )
        for number, row in enumerate(grid.rows, start=1)
    )
    lessons = tuple(
        (
            f"{lesson.date:%d.%m.%Y}",
            lesson.slot,
            lesson.topic or "",
            _STATUS_WORDS.get(str(lesson.status), str(lesson.status)),
            names.staff(lesson.teacher_id),
        )
        for lesson in grid.lessons
    )
    return Paper(
        f"journal-{grid.class_id}-{grid.subject_id}-{grid.date_from}-{grid.date_to}",
        (
            Table("Отметки", heading, columns, rows),
            Table(
                "Темы уроков", heading, ("Дата", "№ урока", "Тема", "Состояние", "Учитель"), lessons
            ),
        ),
    )


def summary_sheet(
    roster: Roster, class_id: str, period_id: str, sheets: Sequence[PeriodMarkSheet]
) -> Paper:
    """The period marks of a class in every subject («сводная ведомость»): a pupil per row, a
    subject per column, the mark set (blank while none is)."""
    names = _Names(roster)
    subjects = sorted(sheets, key=lambda s: names.subject(s.subject_id))
    pupils = _pupils_of(line for s in subjects for line in s.pupils)
    marks = {s.subject_id: _period_marks(s.pupils) for s in subjects}
    closed = all(s.closed for s in subjects) and bool(subjects)
    heading = (
        names.school,
        f"Сводная ведомость, класс {names.class_label(class_id)}",
        f"{names.period(period_id)}" + (" (закрыт)" if closed else ""),
    )
    columns = ("№", "Ученик", *(names.subject(s.subject_id) for s in subjects))
    rows: tuple[tuple[Value, ...], ...] = tuple(
        (number, name, *(marks[s.subject_id].get(pupil_id, "") for s in subjects))
        for number, (pupil_id, name) in enumerate(pupils, start=1)
    )
    return Paper(
        f"summary-{class_id}-{period_id}", (Table("Сводная ведомость", heading, columns, rows),)
    )


def pupil_marks(
    roster: Roster, pupil_id: str, grids: Sequence[ClassGrid], sheets: Sequence[PeriodMarkSheet]
) -> Paper:
    """A pupil's marks over the grids' dates: a subject per row with every mark and absence of
    it by date («07.09: 5 4»), the average, absences and lates, and the marks set for the
    periods of `sheets`."""
    names = _Names(roster)
    ordered = sorted(grids, key=lambda g: names.subject(g.subject_id))
    first = ordered[0] if ordered else None
    row_of = {
        g.subject_id: next((r for r in g.rows if r.pupil_id == pupil_id), None) for g in ordered
    }
    name = next((r.full_name for r in row_of.values() if r and r.full_name), None) or pupil_id
    periods = list(dict.fromkeys(s.period_id for s in sheets))  # in the order given, once each
    set_marks = {(s.subject_id, s.period_id): _period_marks(s.pupils) for s in sheets}
    heading = (
        names.school,
        f"{name}, класс {names.class_label(first.class_id) if first else NONE}",
        f"{first.date_from:%d.%m.%Y} — {first.date_to:%d.%m.%Y}" if first else "",
    )
    columns = (
        "Предмет",
        "Отметки и пропуски",
        "Средний балл",
        "Пропуски",
        "Опоздания",
        *(f"Отметка: {names.period(p)}" for p in periods),
    )
    rows: list[tuple[Value, ...]] = []
    for grid in ordered:
        row = row_of[grid.subject_id]
        if row is None:
            continue  # not in the class over these dates in this subject's group
        days = {lesson.lesson_id: f"{lesson.date:%d.%m}" for lesson in grid.lessons}
        entries = [f"{days[c.lesson_id]}: {cell_text(c)}" for c in row.cells if cell_text(c)]
        rows.append(
            (
                names.subject(grid.subject_id),
                "; ".join(entries),
                row.average,
                row.absences,
                row.lates,
                *(set_marks.get((grid.subject_id, p), {}).get(pupil_id, "") for p in periods),
            )
        )
    dates = f"{first.date_from}-{first.date_to}" if first else ""
    return Paper(f"marks-{pupil_id}-{dates}", (Table("Отметки", heading, columns, tuple(rows)),))


def year_bounds(roster: Roster) -> tuple[dt.date, dt.date]:
    """The school year's first and last day (1 September to 31 May when the roster has none)."""
    return (
        roster.starts_on or dt.date(roster.year, 9, 1),
        roster.ends_on or dt.date(roster.year + 1, 5, 31),
    )


def value_text(value: Value) -> str:
    """A table's cell as text: nothing empty, an average with a decimal comma («4,33»)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_comma(value)
    return str(value)


def cell_text(cell: GridCell) -> str:
    """A pupil at a lesson as the page shows it: the marks side by side, then the absence
    letter («5 4», «Н», «4 ОП»); empty when nothing was recorded."""
    return " ".join([*(mark.value for mark in cell.marks), *filter(None, [cell.absence])])


def _lesson_headings(lessons: Sequence[GridLesson]) -> list[str]:
    """«01.09» per lesson; a day of two lessons names their slots («01.09, 2-й»)."""
    per_day: dict[dt.date, int] = {}
    for lesson in lessons:
        per_day[lesson.date] = per_day.get(lesson.date, 0) + 1
    return [f"{x.date:%d.%m}" + (f", {x.slot}-й" if per_day[x.date] > 1 else "") for x in lessons]


def _period_marks(lines: Iterable[PeriodMarkLine]) -> dict[str, str]:
    return {line.pupil_id: line.set.value for line in lines if line.set is not None}


def _pupils_of(lines: Iterable[PeriodMarkLine]) -> list[tuple[str, str]]:
    """Every pupil of the sheets once, by name as the journal lists them."""
    named: dict[str, str] = {}
    for line in lines:
        named.setdefault(line.pupil_id, line.full_name or line.pupil_id)
    return sorted(named.items(), key=lambda item: (item[1].replace("ё", "е"), item[0]))


class _Names:
    """What the roster calls a class, a subject, a period and a member of staff."""

    def __init__(self, roster: Roster) -> None:
        self.school = roster.school_name or roster.school
        self._classes = {c.class_id: c.label for c in roster.classes}
        self._subjects = {s.subject_id: s.name for s in roster.subjects}
        self._periods = {p.period_id: p.name for p in roster.periods}
        self._staff = {s.staff_id: s.full_name for s in roster.staff}

    def class_label(self, class_id: str) -> str:
        return self._classes.get(class_id, class_id)

    def subject(self, subject_id: str) -> str:
        return self._subjects.get(subject_id, subject_id)

    def period(self, period_id: str) -> str:
        return self._periods.get(period_id) or YEAR_PERIOD_NAMES.get(period_id, period_id)

    def staff(self, staff_id: str) -> str:
        return self._staff.get(staff_id, staff_id)


@dataclass(frozen=True, slots=True)
class SubjectYear:
    """What the archive binds of one subject: the year's grid, the sheets of every period,
    and the corrections made after a period closed (each with the lesson it changed)."""

    grid: ClassGrid
    sheets: tuple[PeriodMarkSheet, ...]
    corrections: tuple[tuple[GridLesson, LessonCorrection], ...]


@dataclass(frozen=True, slots=True)
class Archive:
    """A class's journal of a school year as the paper journal would be bound: a title page,
    then a section per subject (its teachers in the heading) of tables."""

    file_name: str  # ASCII, without the extension
    title: tuple[str, ...]
    sections: tuple[tuple[str, tuple[Table, ...]], ...]
    closed_on: dt.date  # the year's last day: the document's date, not the day it was printed


def class_archive(roster: Roster, class_id: str, subjects: Sequence[SubjectYear]) -> Archive:
    """The archive of a class: per subject its marks and absences over the year, the lessons'
    topics, the period and final marks, and the corrections after closing with their reasons."""
    names = _Names(roster)
    klass = next(c for c in roster.classes if c.class_id == class_id)
    years = f"{roster.year}/{roster.year + 1}"
    title = (
        names.school,
        "Классный журнал",
        f"{klass.label} класс, {years} учебный год",
        f"Классный руководитель: {names.staff(klass.class_teacher_id)}",
    )
    ordered = sorted(subjects, key=lambda s: names.subject(s.grid.subject_id))
    sections = tuple(_subject_section(roster, names, subject) for subject in ordered)
    closed_on = year_bounds(roster)[1]
    return Archive(f"archive-{roster.year}-{class_id}", title, sections, closed_on)


def _subject_section(
    roster: Roster, names: _Names, subject: SubjectYear
) -> tuple[str, tuple[Table, ...]]:
    grid = subject.grid
    teachers = sorted(
        {
            names.staff(a.teacher_id)
            for a in roster.assignments
            if (a.class_id, a.subject_id) == (grid.class_id, grid.subject_id)
        }
    )
    heading = f"{names.subject(grid.subject_id)}. Учитель: {', '.join(teachers) or NONE}"
    marks, topics = class_page(grid, roster, None).tables
    tables = (
        marks,
        topics,
        _period_marks_table(names, grid, subject.sheets),
        _corrections_table(names, grid, subject),
    )
    return heading, tables


def _period_marks_table(names: _Names, grid: ClassGrid, sheets: Sequence[PeriodMarkSheet]) -> Table:
    """A pupil per row, a period of the year per column: the mark set (blank while none)."""
    pupils = _pupils_of(line for sheet in sheets for line in sheet.pupils)
    marks = {sheet.period_id: _period_marks(sheet.pupils) for sheet in sheets}
    columns = ("№", "Ученик", *(names.period(sheet.period_id) for sheet in sheets))
    rows: tuple[tuple[Value, ...], ...] = tuple(
        (number, name, *(marks[sheet.period_id].get(pupil_id, "") for sheet in sheets))
        for number, (pupil_id, name) in enumerate(pupils, start=1)
    )
    return Table("Отметки за периоды", (names.subject(grid.subject_id),), columns, rows)


def _corrections_table(names: _Names, grid: ClassGrid, subject: SubjectYear) -> Table:
    """Every change made after a period closed: the lessons' and the period marks'."""
    pupils = {row.pupil_id: row.full_name or row.pupil_id for row in grid.rows}
    lessons: list[tuple[Value, ...]] = [
        (
            f"{lesson.date:%d.%m.%Y}, {lesson.slot}-й урок",
            ", ".join(pupils.get(p, p) for p in correction.pupil_ids) or "урок",
            correction.reason,
            names.staff(correction.actor_id),
            f"{correction.recorded_at:%d.%m.%Y}",
        )
        for lesson, correction in subject.corrections
    ]
    period_marks: list[tuple[Value, ...]] = [
        (
            f"отметка за период: {names.period(sheet.period_id)}",
            line.full_name or line.pupil_id,
            line.set.correction_reason or "",
            names.staff(line.set.set_by),
            f"{line.set.set_at:%d.%m.%Y}",
        )
        for sheet in subject.sheets
        for line in sheet.pupils
        if line.set is not None and line.set.corrected_after_close
    ]
    columns = ("Что", "Кого касается", "Причина", "Кто исправил", "Когда")
    return Table(
        "Исправления после закрытия периода",
        (names.subject(grid.subject_id),),
        columns,
        (*lessons, *period_marks),
    )
