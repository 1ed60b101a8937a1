"""The full exports after a school-year rollover (DESIGN.md §1): once the journal records
`SchoolYearClosed`, a final full export of the closed year and a full export of the new one.

The live export projection marks each closed year in the batch that folds the event; this
loop, running while the service runs, catches the projection up when the journal grew and
runs the exports of every marked year. A year counts as done once a full run with trigger
'rollover' of it succeeded after the closing was noticed, so a crash between the two exports
(or after them) only runs what is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import structlog

from services.exporter.application.exporting import Outcome, export
from services.exporter.application.grant_ports import DrainedProjection
from services.exporter.application.ports import Deps

logger = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class ClosedYear:
    """A school year the journal closed into `next_year`, noticed by the exporter then."""

    school: str
    year: int
    next_year: int
    noticed_at: dt.datetime


class RolloverBook(Protocol):
    """The closed school years and whether their rollover exports ran."""

    async def due(self) -> list[ClosedYear]:
        """Closed years whose rollover exports are not done yet, oldest first."""
        ...

    async def exported(self, closed: ClosedYear, year: int) -> bool:
        """Whether a full export of `year` with trigger 'rollover' ran since `closed` was
        noticed."""
        ...

    async def done(self, closed: ClosedYear) -> None:
        """Both exports of the rollover are done."""
        ...


async def export_rollovers(deps: Deps, book: RolloverBook) -> list[Outcome]:
    """Catch the export state up, then run the missing full exports of every closed year."""
    await deps.state.catch_up()
    return await export_due(deps, book)


async def export_due(deps: Deps, book: RolloverBook) -> list[Outcome]:
    """The missing full exports of every marked year (the closed year first, then the new
    one); answers the runs made. A failed run raises, leaving the year due."""
    outcomes: list[Outcome] = []
    for closed in await book.due():
        missing = [y for y in (closed.year, closed.next_year) if not await book.exported(closed, y)]
        outcomes += [await export(deps, closed.school, y, "full", "rollover") for y in missing]
        await book.done(closed)
        logger.info("export.rollover_done", school=closed.school, year=closed.year)
    return outcomes


async def follow_rollovers(
    deps: Deps,
    journal: DrainedProjection,
    book: RolloverBook,
    stop: asyncio.Event,
    interval: float,
) -> None:
    """Until `stop`: catch the export state up when the journal grew (another loop may have
    done it: the marks are read every round) and export what a rollover made due."""
    while not stop.is_set():
        try:
            if await journal.behind():
                await journal.catch_up()
            await export_due(deps, book)
        except Exception:  # the loop must outlive any failure; the next round retries
            logger.exception("export.rollover_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
