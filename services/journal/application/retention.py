"""Retention by rule, run: who is due (`due_for`, the dry run), erasing them (`run_retention`),
and the daily schedule under a lease (`run_schedule`).

Erasures by the rule act as `system` (id `retention`) with the rule's reason («срок хранения:
выбыл 2026-05-31, прошло 5 лет»), through the same command as an administrator's
(`services.journal.application.erasure`). Their command ids are derived from the person, so a
run that is repeated, or that two replicas make at once, records each erasure once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

import structlog

from contracts.envelope import Actor
from services.common.schedule_loop import run_when_due
from services.common.webapp.school_year import school_year_of
from services.journal.application.erasure import ErasureDone, erase_person
from services.journal.application.handling import Meta
from services.journal.application.ports import Deps
from services.journal.domain import retention
from services.journal.domain.retention import Due, RetentionRule

logger = structlog.get_logger()

RETENTION_ACTOR = Actor(id="retention", role="system")
LEASE = "journal:retention"


@dataclass(frozen=True, slots=True)
class RetentionRun:
    """One run over a school: who was due, who was erased, who failed (pupil id, error)."""

    school: str
    due: list[Due]
    erased: list[ErasureDone] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


async def due_for(deps: Deps, school: str, rule: RetentionRule) -> list[Due]:
    """The pupils of the school the rule erases today (nothing is erased: the dry run)."""
    inputs = await deps.erasure_views.retention_inputs(school)
    erased = await deps.keys.destroyed(school, "pupil")
    return retention.due(
        inputs.pupils,
        inputs.year_ends,
        today=deps.clock.today(),
        leaver_years=rule.leaver_years,
        erased=erased,
    )


async def run_retention(deps: Deps, school: str, rule: RetentionRule) -> RetentionRun:
    """Erase every pupil of the school the rule says is due; a failure is kept and the run
    goes on (the next run tries again)."""
    run = RetentionRun(school, await due_for(deps, school, rule))
    year = school_year_of(deps.clock.today())
    for pupil in run.due:
        command_id = f"retention-pupil-{pupil.pupil_id}"
        meta = Meta(command_id, command_id, RETENTION_ACTOR, school, year)
        try:
            run.erased.append(await erase_person(deps, meta, "pupil", pupil.pupil_id, pupil.reason))
        except Exception as failure:  # one pupil's failure never stops the others
            logger.warning("retention.erase_failed", school=school, pupil=pupil.pupil_id)
            run.failures.append((pupil.pupil_id, repr(failure)))
    logger.info("retention.run", school=school, due=len(run.due), failures=len(run.failures))
    return run


async def run_everywhere(deps: Deps, rule: RetentionRule) -> list[RetentionRun] | None:
    """Run the rule over every school of the view under the lease; None when another process
    holds it (its run does the same work)."""
    async with deps.erasure_views.lease(LEASE) as held:
        if not held:
            logger.info("retention.lease_held_elsewhere")
            return None
        return [await run_retention(deps, s, rule) for s in await deps.erasure_views.schools()]


async def run_schedule(
    deps: Deps, rule: RetentionRule, at: dt.time, timezone: str, stop: asyncio.Event
) -> None:
    """Run the rule every day at local `at` until `stop` is set; a failed run is logged and
    the next day's run tries again (every run takes whoever is due by then)."""

    async def run(_: None) -> None:
        await run_everywhere(deps, rule)

    await run_when_due(
        now=deps.clock.now,
        next_due=lambda after: (retention.next_run(after, at, timezone), None),
        run=run,
        stop=stop,
        event="retention.run",
    )
