"""The administrator's plan of the year per grade: the periods a grade works in (quarters,
halves, trimesters), how a subject is assessed in some grades, and the calendar's days off.
The roster (`GET /roster`) answers the plan as it stands."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.base import Token
from services.journal.application import roster
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_dto import AssessmentBody, CalendarBody, PeriodSchemeBody
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.deps import AdminMeta, DepsDep
from services.journal.entrypoints.recorded_dto import RecordedOut

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["year plan"])


@router.put(
    "/config/period-schemes/{scheme_id}",
    summary="Set the periods of some grades (a grade without a scheme keeps the year's own)",
)
async def set_period_scheme(
    scheme_id: Token, body: PeriodSchemeBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.SetPeriodScheme(scheme_id, body.name, tuple(body.grades), tuple(body.periods))
    return out(await roster.run_school(deps, meta, cmd))


@router.put(
    "/subjects/{subject_id}/assessment",
    summary="Set how a subject is assessed in some grades: scale, pass/fail or unmarked",
)
async def set_subject_assessment(
    subject_id: Token, body: AssessmentBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.SetSubjectAssessment(subject_id, tuple(body.grades), body.assessment)
    return out(await roster.run_school(deps, meta, cmd))


@router.put("/config/calendar", summary="Set the school calendar's holidays and vacations")
async def set_calendar(body: CalendarBody, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    return out(await roster.run_school(deps, meta, c.SetSchoolCalendar(tuple(body.days_off))))
