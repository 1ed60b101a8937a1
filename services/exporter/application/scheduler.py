"""The schedule: a daily delta and a monthly full for every school year in the export state.

A failed scheduled run is retried with growing delays a bounded number of times, then left
'failed' in the runs table for the operator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import structlog
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_exponential

from contracts.diary import BatchKind
from services.common.schedule_loop import run_when_due
from services.exporter.application.exporting import ExportFailed, Outcome, export
from services.exporter.application.ports import Deps
from services.exporter.domain.schedule import Schedule, next_due

logger = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class Retry:
    """How often and after how long a failed scheduled run is tried again."""

    attempts: int = 3
    first_delay: float = 60.0


async def export_with_retries(
    deps: Deps, school: str, year: int, kind: BatchKind, retry: Retry
) -> Outcome | None:
    """One scheduled export, tried `retry.attempts` times at most, the delay before each retry
    doubling from `retry.first_delay`; None when every attempt failed."""

    def log_failure(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome is not None else None
        # ExportFailed carries the run's own record; anything else (the database gone while
        # taking the lock, say) failed before the run could record itself.
        error = failure.run.error if isinstance(failure, ExportFailed) else repr(failure)
        logger.warning(
            "export.schedule_attempt_failed",
            school=school,
            year=year,
            kind=kind,
            attempt=state.attempt_number,
            error=error,
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(retry.attempts),
        wait=wait_exponential(multiplier=retry.first_delay),
        after=log_failure,
        retry_error_callback=lambda _state: None,  # every attempt failed: left 'failed'
    )
    outcome: Outcome | None = await retrying(export, deps, school, year, kind, "schedule")
    return outcome


async def run_due(
    deps: Deps, kinds: tuple[BatchKind, ...], retry: Retry, due: dt.datetime | None = None
) -> int:
    """Run the due kinds for every school year that has a school document; answer the failures.

    With `due` (the scheduled moment), each school year's export is claimed first: of the
    replicas running the schedule, the first to claim it runs it and the others go on to the
    next school year, so the schools are spread over the replicas and none is exported twice
    for one moment.
    """
    await deps.state.catch_up()
    failures = 0
    for school, year in await deps.state.exported_years():
        for kind in kinds:
            if due is not None and not await deps.runs.claim(school, year, kind, due):
                continue
            if await export_with_retries(deps, school, year, kind, retry) is None:
                failures += 1
    return failures


Moment = tuple[dt.datetime, tuple[BatchKind, ...]]
"""A scheduled moment and the kinds of export due then."""


async def run_schedule(deps: Deps, schedule: Schedule, retry: Retry, stop: asyncio.Event) -> None:
    """Wait for each due moment and run what is due, until `stop` is set."""

    def due_after(after: dt.datetime) -> tuple[dt.datetime, Moment]:
        moment = next_due(after, schedule)
        return moment[0], moment

    async def run(moment: Moment) -> None:
        await run_due(deps, moment[1], retry, due=moment[0])

    await run_when_due(
        now=deps.clock.now, next_due=due_after, run=run, stop=stop, event="export.schedule"
    )
