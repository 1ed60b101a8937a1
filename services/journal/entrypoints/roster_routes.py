"""The roster as the school's web pages read it: the year's reference data, a class's pupils,
every pupil of the year.

Who reads what (DESIGN.md §6): every member of staff the journal admits reads the year's
reference data (subjects, staff, classes, assignments: no pupils); a class's pupils are read by
the head, the deputy director and the administrator, the class teacher and any teacher assigned
to the class; the list of every pupil only by the head, the deputy and the administrator.
"""

from __future__ import annotations

from fastapi import APIRouter

from contracts.base import Token
from services.common.auth import AuthError
from services.common.path_params import SchoolPath, YearPath
from services.journal.application.period_marks import school_config
from services.journal.application.roster_reads import ClassMembers, PupilList, Roster
from services.journal.application.year_plan_reads import plan_fields
from services.journal.domain import closing
from services.journal.entrypoints.deps import READ_ALL, DepsDep, JournalReader, WholeJournalReader

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["roster"])


@router.get(
    "/roster",
    summary="The school year's reference data: periods, scale, kinds of work, subjects, staff, "
    "classes and teaching assignments (no pupils)",
)
async def roster(
    school: SchoolPath, year: YearPath, _reader: JournalReader, deps: DepsDep
) -> Roster:
    listed = await deps.roster_views.roster(school, year)
    # Whether a period is closed is the school's own state (its events), not the view's.
    config = await school_config(deps, school, year)
    plan = plan_fields(
        config.plan, config.subjects, lambda p: closing.period_lock(config, p) is not None
    )
    return listed.model_copy(update={**plan, "sealed": config.sealed})


@router.get(
    "/classes/{class_id}/members",
    summary="The class's pupils with the dates of their membership",
    description="One entry per interval of membership over the year (a pupil who left and came "
    "back has two), by pupil id then start. The head, the deputy, the administrator, the class "
    "teacher and the teachers assigned to the class.",
)
async def class_members(
    school: SchoolPath, year: YearPath, class_id: Token, principal: JournalReader, deps: DepsDep
) -> ClassMembers:
    if not principal.has(*READ_ALL):
        # A class is no secret to staff (the roster lists them): an unknown one is a 404.
        teachers = await deps.roster_views.class_teachers(school, year, class_id)
        if principal.user_id not in teachers:
            raise AuthError("not_your_class", 403, "you neither teach this class nor lead it")
    return await deps.roster_views.class_members(school, year, class_id)


@router.get(
    "/pupils",
    summary="Every pupil of the year with their class today",
    description="By pupil id. `class_id` is the class the pupil is in on `as_of` (today), or "
    "the one they join next; null when they are in none. The head, the deputy and the "
    "administrator.",
)
async def pupils(
    school: SchoolPath, year: YearPath, _reader: WholeJournalReader, deps: DepsDep
) -> PupilList:
    return await deps.roster_views.pupils(school, year, deps.clock.today())
