"""Feeds a generated demo school through the journal's real handlers.

Steps run in four phases: the school's configuration (in order), people (each on their own),
classes (each class's steps in order, classes side by side), lessons (each lesson's steps in
order, lessons side by side). Class facts are dated (membership from/until a day, timetable
from a day), so recording them all before the lessons accepts exactly what recording them day
by day would. Every step carries its generated command id, so loading the demo again records
nothing new: each step answers as a duplicate.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from demo import DemoSchool, Step
from services.journal.application import lessons, roster
from services.journal.application.handling import Meta, Recorded
from services.journal.application.ports import Deps
from services.journal.domain import commands as c
from services.journal.domain.errors import DomainError

CORRELATION_ID = "demo-load"
SHOWN_FAILURES = 5
Progress = Callable[[int, int], None]
Chain = list[Step]
_PHASES = {"school": 0, "staff": 1, "pupil": 1, "class": 2, "lesson": 3}


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What loading did: steps sent, events newly recorded, steps already recorded before."""

    steps: int
    recorded: int
    duplicates: int
    seconds: float


class DemoRefused(Exception):
    """The journal refused demo steps: the generator made something the school could not."""

    def __init__(self, failures: Sequence[tuple[Step, DomainError]]) -> None:
        shown = "; ".join(
            f"{step.command_id} {type(step.command).__name__} "
            f"({step.lesson_id or step.class_id or step.target}): "
            f"{type(error).__name__}: {error}"
            for step, error in failures[:SHOWN_FAILURES]
        )
        super().__init__(f"{len(failures)} demo steps were refused; first: {shown}")
        self.failures = tuple(failures)


@dataclass
class _Tally:
    total: int
    progress: Progress | None
    recorded: int = 0
    duplicates: int = 0
    failures: list[tuple[Step, DomainError]] = field(default_factory=list)

    def count(self, outcome: Recorded | None) -> None:
        if outcome is not None and outcome.duplicate:
            self.duplicates += 1
        elif outcome is not None:
            self.recorded += 1
        if self.progress is not None:
            self.progress(self.recorded + self.duplicates + len(self.failures), self.total)


async def load(
    deps: Deps,
    demo: DemoSchool,
    *,
    concurrency: int = 32,
    progress: Progress | None = None,
) -> LoadReport:
    """Send every step of the demo through the handlers; raise DemoRefused at the end if the
    journal refused any (other errors stop the load at once)."""
    started = time.perf_counter()
    tally = _Tally(len(demo.steps), progress)
    for chains in phases(demo.steps):
        await _run(deps, demo, chains, concurrency, tally)
    if tally.failures:
        raise DemoRefused(tally.failures)
    seconds = time.perf_counter() - started
    return LoadReport(len(demo.steps), tally.recorded, tally.duplicates, seconds)


def phases(steps: Sequence[Step]) -> list[list[Chain]]:
    """The steps as chains (in order within an aggregate), grouped by the phase they run in."""
    chains: dict[tuple[int, str], Chain] = {}
    for step in steps:
        key = (_PHASES[step.target], _aggregate(step))
        chains.setdefault(key, []).append(step)
    return [[chain for (p, _), chain in chains.items() if p == phase] for phase in range(4)]


def _aggregate(step: Step) -> str:
    command = step.command
    if isinstance(command, c.RegisterStaffMember):
        return command.staff_id
    if isinstance(command, c.RegisterPupil):
        return command.pupil_id
    return step.lesson_id or step.class_id or "school"


async def _run(
    deps: Deps,
    demo: DemoSchool,
    chains: Sequence[Chain],
    concurrency: int,
    tally: _Tally,
) -> None:
    """Run chains side by side, at most `concurrency` at a time, each chain in order."""
    pending: Iterator[Chain] = iter(chains)

    async def worker() -> None:
        for chain in pending:
            for step in chain:
                await _send(deps, demo, step, tally)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, len(chains))):
            group.create_task(worker())


@dataclass(frozen=True, slots=True)
class SchoolDay:
    """The clock of the day a step is sent on, at noon UTC (the afternoon in Russia's time
    zones): the demo is recorded as if the school had entered each step on its day, the set-up
    on the eve of the year, so the monthly check sees the entries on time and the gaps the
    generator left, and a lesson's history starts with its schedule."""

    day: dt.date

    def now(self) -> dt.datetime:
        """Noon (UTC) of the day."""
        return dt.datetime.combine(self.day, dt.time(12), tzinfo=dt.UTC)

    def today(self) -> dt.date:
        """The day."""
        return self.day

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The date (UTC) at `moment`."""
        return moment.astimezone(dt.UTC).date()


async def _send(deps: Deps, demo: DemoSchool, step: Step, tally: _Tally) -> None:
    meta = Meta(step.command_id, CORRELATION_ID, step.actor, demo.school, demo.year)
    try:
        outcome = await dispatch(dataclasses.replace(deps, clock=SchoolDay(step.on)), meta, step)
    except DomainError as error:
        tally.failures.append((step, error))
        outcome = None
    tally.count(outcome)


async def dispatch(deps: Deps, meta: Meta, step: Step) -> Recorded:
    """Send one step to the handler of its aggregate."""
    command = step.command
    if isinstance(command, c.RegisterStaffMember):
        return await roster.register_staff(deps, meta, command)
    if isinstance(command, c.RegisterPupil):
        return await roster.register_pupil(deps, meta, command)
    if isinstance(command, c.SchoolCommand | c.YearPlanCommand):
        return await roster.run_school(deps, meta, command)
    class_id = _required(step.class_id, step)
    if isinstance(command, c.ClassCommand):
        return await roster.run_class(deps, meta, class_id, command)
    return await lessons.run(deps, meta, class_id, _required(step.lesson_id, step), command)


def _required(value: str | None, step: Step) -> str:
    if value is None:
        msg = f"step {step.command_id} ({step.target}) names no class or lesson"
        raise ValueError(msg)
    return value
