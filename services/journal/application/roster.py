"""Handlers for the administrator's roster and configuration, and the reference data lessons use."""

from __future__ import annotations

import asyncio

from contracts import subjects
from contracts.journal import TimetableDrafted
from services.journal.application.handling import Aggregate, Meta, Recorded, execute
from services.journal.application.ports import Deps
from services.journal.domain import klass, people, school, year_plan
from services.journal.domain.commands import (
    ClassCommand,
    RegisterPupil,
    RegisterStaffMember,
    SchoolCommand,
    YearPlanCommand,
)
from services.journal.domain.errors import ClassNotFound, NoTimetableDraft
from services.journal.domain.klass import ClassState
from services.journal.domain.school import SchoolConfig

SCHOOL = Aggregate(school.INITIAL, school.evolve)
CLASS = Aggregate(klass.INITIAL, klass.evolve)
STAFF = Aggregate(people.STAFF_INITIAL, people.evolve_staff)
PUPIL = Aggregate(people.PUPIL_INITIAL, people.evolve_pupil)

__all__ = ["ClassState", "SchoolConfig"]


async def context(deps: Deps, meta: Meta, class_id: str) -> tuple[SchoolConfig, ClassState]:
    """The school's configuration and the class, as lesson commands need them."""
    school_history, class_history = await asyncio.gather(
        deps.store.load(subjects.school_config(meta.year, meta.school)),
        deps.store.load(subjects.school_class(meta.year, meta.school, class_id)),
    )
    return SCHOOL.fold(school_history), CLASS.fold(class_history)


async def run_school(deps: Deps, meta: Meta, cmd: SchoolCommand | YearPlanCommand) -> Recorded:
    """Open the school year or change its configuration or its plan per grade."""
    return await execute(
        deps,
        meta,
        subjects.school_config(meta.year, meta.school),
        SCHOOL,
        lambda state: year_plan.decide_configuration(cmd, state, actor=meta.actor),
    )


async def timetable_draft(deps: Deps, school: str, year: int, class_id: str) -> TimetableDrafted:
    """The timetable proposed for the class (ClassNotFound, NoTimetableDraft when none)."""
    state = CLASS.fold(await deps.store.load(subjects.school_class(year, school, class_id)))
    if not state.opened:
        raise ClassNotFound(f"there is no class '{class_id}' in {year}")
    if state.draft is None:
        raise NoTimetableDraft(f"class '{class_id}' has no proposed timetable")
    return state.draft


async def run_class(deps: Deps, meta: Meta, class_id: str, cmd: ClassCommand) -> Recorded:
    """Open a class or change its teacher, members, assignments or timetable."""
    school_state = SCHOOL.fold(
        await deps.store.load(subjects.school_config(meta.year, meta.school))
    )
    return await execute(
        deps,
        meta,
        subjects.school_class(meta.year, meta.school, class_id),
        CLASS,
        lambda state: klass.decide(cmd, state, actor=meta.actor, school=school_state),
    )


async def register_staff(deps: Deps, meta: Meta, cmd: RegisterStaffMember) -> Recorded:
    """Register (or rename) a member of staff."""
    return await execute(
        deps,
        meta,
        subjects.staff_member(meta.year, meta.school, cmd.staff_id),
        STAFF,
        lambda state: people.decide_staff(cmd, state, actor=meta.actor),
    )


async def register_pupil(deps: Deps, meta: Meta, cmd: RegisterPupil) -> Recorded:
    """Register (or rename) a pupil."""
    return await execute(
        deps,
        meta,
        subjects.pupil(meta.year, meta.school, cmd.pupil_id),
        PUPIL,
        lambda state: people.decide_pupil(cmd, state, actor=meta.actor),
    )
