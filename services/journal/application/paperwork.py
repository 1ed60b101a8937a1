"""Reading what a piece of the journal's paperwork holds: the class journal page of a subject
and the period-marks sheet of a class (`journal_sheets` words them as tables)."""

from __future__ import annotations

import asyncio

from kernel.answers import JournalPage
from services.journal.application import journal_sheets, period_marks
from services.journal.application.journal_sheets import Paper
from services.journal.application.ports import Deps
from services.journal.application.read_models import ViewNotFound


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
    period_marks.period_span(await period_marks.school_config(deps, school, year), period_id)
    roster = await deps.roster_views.roster(school, year)
    if all(c.class_id != class_id for c in roster.classes):
        raise ViewNotFound("class", class_id)
    subjects = sorted({a.subject_id for a in roster.assignments if a.class_id == class_id})
    sheets = [
        await period_marks.period_sheet(deps, school, year, class_id, subject_id, period_id)
        for subject_id in subjects
    ]
    return journal_sheets.summary_sheet(roster, class_id, period_id, sheets)
