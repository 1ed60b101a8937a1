"""Reading a school year's roster for the rollover: from the event store, aggregate by
aggregate (the view only lists the ids of classes and staff), concurrently with a bound."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from contracts import subjects
from services.journal.application.handling import Aggregate, fold_of
from services.journal.application.ports import Deps
from services.journal.application.roster import CLASS, PUPIL, STAFF
from services.journal.domain import rollover_outcome, rollover_source
from services.journal.domain.klass import ClassState, enrolled_on, timetable_on
from services.journal.domain.rollover import ClosingClass, ClosingYear, Person
from services.journal.domain.rollover_outcome import OutcomeState
from services.journal.domain.rollover_source import SetupState, setup_of

CONCURRENCY = 32
SETUP = Aggregate(rollover_source.INITIAL, rollover_source.evolve)
OUTCOME = Aggregate(rollover_outcome.INITIAL, rollover_outcome.evolve)

T = TypeVar("T")
R = TypeVar("R")


async def bounded(
    items: Iterable[T], work: Callable[[T], Awaitable[R]], limit: int = CONCURRENCY
) -> list[R]:
    """`work` on every item, at most `limit` at a time, answers in the items' order."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


@dataclass(frozen=True, slots=True)
class YearRoster:
    """A year's configuration state and its classes as the store holds them."""

    setup: SetupState
    classes: tuple[ClassState, ...]
    staff_ids: tuple[str, ...]

    def members_at_end(self) -> dict[str, str]:
        """Pupil -> the class they belong to on the year's last day."""
        last = setup_of(self.setup).ends_on
        return {p: k.class_id for k in self.classes for p in sorted(enrolled_on(k, last))}


async def setup_state(deps: Deps, school: str, year: int) -> SetupState:
    """The year's configuration as the rollover copies it."""
    return SETUP.fold(await deps.store.load(subjects.school_config(year, school)))


async def year_roster(deps: Deps, school: str, year: int) -> YearRoster:
    """The year's configuration and every class of it."""
    setup = await setup_state(deps, school, year)
    ids = await deps.views.roster_ids(school, year)

    async def load_class(class_id: str) -> ClassState:
        return CLASS.fold(await deps.store.load(subjects.school_class(year, school, class_id)))

    classes = await bounded(ids.classes, load_class)
    return YearRoster(setup, tuple(k for k in classes if k.opened), tuple(ids.staff))


async def outcome_state(deps: Deps, school: str, year: int, pupil_id: str) -> OutcomeState:
    """The pupil's year-end on their aggregate of `year`."""
    return await fold_of(deps, OUTCOME, subjects.pupil(year, school, pupil_id))


async def closing_year(deps: Deps, school: str, year: int) -> ClosingYear:
    """The closing year as the plan needs it: classes with their pupils on the last day,
    staff and the records of those pupils."""
    roster = await year_roster(deps, school, year)
    setup = setup_of(roster.setup)
    last = setup.ends_on
    classes = tuple(_closing_class(k, last) for k in roster.classes)
    pupil_ids = sorted({p for k in classes for p in k.pupils})

    async def staff_member(staff_id: str) -> Person | None:
        state = await fold_of(deps, STAFF, subjects.staff_member(year, school, staff_id))
        return Person(staff_id, state.full_name, state.position) if state.registered else None

    async def pupil(pupil_id: str) -> Person | None:
        state = await fold_of(deps, PUPIL, subjects.pupil(year, school, pupil_id))
        if not state.registered or state.birth_date is None:
            return None
        return Person(pupil_id, state.full_name, state.birth_date.isoformat())

    staff = [s for s in await bounded(roster.staff_ids, staff_member) if s is not None]
    pupils = [p for p in await bounded(pupil_ids, pupil) if p is not None]
    return ClosingYear(
        year=year,
        setup=setup,
        classes=classes,
        staff=tuple(staff),
        pupils={p.person_id: p for p in pupils},
    )


def _closing_class(state: ClassState, last: dt.date) -> ClosingClass:
    return ClosingClass(
        class_id=state.class_id,
        grade=state.grade,
        label=state.label,
        class_teacher_id=state.class_teacher_id,
        assignments=tuple(sorted(state.assignments, key=lambda a: (a[1], a[0], a[2] or ""))),
        pupils=tuple(sorted(enrolled_on(state, last))),
        timetable=timetable_on(state, last),
    )
