"""Reading what a piece of the journal's paperwork holds: the class journal page of a subject,
the period-marks sheet of a class, and a class's year as it would be bound (`journal_sheets`
words them as tables)."""

from __future__ import annotations

import asyncio
import datetime as dt

from kernel.answers import ClassGrid, GridLesson, JournalPage, LessonCorrection
from services.journal.application import journal_sheets, period_marks
from services.journal.application.journal_sheets import Archive, Paper, SubjectYear
from services.journal.application.ports import Deps
from services.journal.application.read_models import ViewNotFound
from services.journal.application.roster_reads import Roster
from services.journal.domain import closing


async def class_page(deps: Deps, page: JournalPage, period_id: str | None) -> Paper:
    """The class journal page, with the period marks of `period_id` (PeriodNotFound for a
    period the year does not have; ViewNotFound for an unknown class)."""
    school, year, class_id, subject_id = page.school, page.year, page.class_id, page.subject_id
    grid, roster = await asyncio.gather(
        deps.views.class_grid(school, year, class_id, subject_id, page.date_from, page.date_to),
        deps.roster_views.roster(school, year),
    )
    sheet = None
    if period_id is not None:
        sheet = await period_marks.period_sheet(deps, school, year, class_id, subject_id, period_id)
    return journal_sheets.class_page(grid, roster, sheet)


async def summary_sheet(deps: Deps, school: str, year: int, class_id: str, period_id: str) -> Paper:
    """The period marks of the class in every subject taught in it («сводная ведомость»);
    PeriodNotFound for a period the year does not have, ViewNotFound for an unknown class."""
    config = await period_marks.school_config(deps, school, year)
    period_marks.period_span(config, period_id)
    roster = await deps.roster_views.roster(school, year)
    sheets = [
        await period_marks.period_sheet(
            deps, school, year, class_id, subject_id, period_id, config=config
        )
        for subject_id in _subjects_of(roster, class_id)
    ]
    return journal_sheets.summary_sheet(roster, class_id, period_id, sheets)


async def class_archive(deps: Deps, school: str, year: int, class_id: str) -> Archive:
    """A class's journal of the school year as it would be bound (`journal_sheets.Archive`);
    ViewNotFound for an unknown class."""
    config = await period_marks.school_config(deps, school, year)
    roster = await deps.roster_views.roster(school, year)
    start, end = journal_sheets.year_bounds(roster)
    subject_ids = _subjects_of(roster, class_id)
    grade = next(c.grade for c in roster.classes if c.class_id == class_id)
    bound = []
    for subject_id in subject_ids:
        grid = await deps.views.class_grid(school, year, class_id, subject_id, start, end)
        sheets = [
            await period_marks.period_sheet(
                deps, school, year, class_id, subject_id, period, config=config
            )
            for period in closing.period_ids(config, grade)
        ]
        bound.append(SubjectYear(grid, tuple(sheets), await _corrections(deps, grid)))
    return journal_sheets.class_archive(roster, class_id, bound)


def _subjects_of(roster: Roster, class_id: str) -> list[str]:
    """The subjects taught in the class, by id; ViewNotFound for a class the year lacks."""
    if all(c.class_id != class_id for c in roster.classes):
        raise ViewNotFound("class", class_id)
    return sorted({a.subject_id for a in roster.assignments if a.class_id == class_id})


async def _corrections(
    deps: Deps, grid: ClassGrid
) -> tuple[tuple[GridLesson, LessonCorrection], ...]:
    """The corrections after closing of the grid's lessons (the grid flags the lessons that
    have any; the lesson's detail lists them with their reasons)."""
    found = []
    for lesson in grid.lessons:
        if lesson.corrected_after_close:
            detail = await deps.views.lesson_detail(grid.school, grid.year, lesson.lesson_id)
            found += [(lesson, correction) for correction in detail.corrections]
    return tuple(found)


async def pupil_marks(  # noqa: PLR0913 - whose marks, in which class, over which dates
    deps: Deps,
    school: str,
    year: int,
    class_id: str,
    pupil_id: str,
    *,
    dates: tuple[dt.date, dt.date],
    period_id: str | None,
) -> Paper:
    """A pupil's marks in every subject of the class over `dates`, with the period marks of
    `period_id`; ViewNotFound for an unknown class or a pupil not in the class over those
    dates, PeriodNotFound for a period the year does not have."""
    roster = await deps.roster_views.roster(school, year)
    subjects = _subjects_of(roster, class_id)
    sheets = []
    if period_id is not None:
        config = await period_marks.school_config(deps, school, year)
        period_marks.period_span(config, period_id)
        sheets = [
            await period_marks.period_sheet(
                deps, school, year, class_id, s, period_id, config=config
            )
            for s in subjects
        ]
    grids = [await deps.views.class_grid(school, year, class_id, s, *dates) for s in subjects]
    if not any(row.pupil_id == pupil_id for grid in grids for row in grid.rows):
        raise ViewNotFound("pupil", pupil_id)
    return journal_sheets.pupil_marks(roster, pupil_id, grids, sheets)
