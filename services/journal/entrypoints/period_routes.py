"""Grading rules, closing periods and period marks.

The administrator sets the grading rules and closes (or reopens) periods. A teacher of the
subject in the class sets period marks; after the period closes only the administrator or the
deputy director changes them, as a correction with a reason. Readers of the sheet are those of
the class grid (DESIGN.md §6).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.base import Token
from services.common.path_params import SchoolPath, YearPath
from services.journal.application import period_marks
from services.journal.application.period_mark_views import PeriodMarkSheet
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.deps import (
    AdminMeta,
    DepsDep,
    EditorDep,
    JournalReader,
    check_class_subject,
)
from services.journal.entrypoints.dto import GradingRulesBody, PeriodMarkBody, ReopenBody
from services.journal.entrypoints.recorded_dto import RecordedOut

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["periods"])
PERIOD = "/periods/{period_id}"
MARKS = "/classes/{class_id}/subjects/{subject_id}/period-marks"


@router.put(
    "/config/grading-rules",
    summary="Set the grading rules (a new version; marks already set keep theirs)",
)
async def set_grading_rules(body: GradingRulesBody, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    cmd = c.SetGradingRules(body.rounding, body.min_marks)
    return out(await period_marks.run_closing(deps, meta, cmd))


@router.post(
    PERIOD + "/close", summary="Close a period: its lessons and marks change only by correction"
)
async def close_period(period_id: Token, meta: AdminMeta, deps: DepsDep) -> RecordedOut:
    return out(await period_marks.run_closing(deps, meta, c.ClosePeriod(period_id)))


@router.post(PERIOD + "/reopen", summary="Reopen a closed period, with the reason")
async def reopen_period(
    period_id: Token, body: ReopenBody, meta: AdminMeta, deps: DepsDep
) -> RecordedOut:
    return out(await period_marks.run_closing(deps, meta, c.ReopenPeriod(period_id, body.reason)))


@router.put(
    MARKS + "/{period_id}/{pupil_id}",
    summary="Set a pupil's period mark (the computed average is kept beside it)",
)
async def set_period_mark(
    class_id: Token,
    subject_id: Token,
    period_id: Token,
    pupil_id: Token,
    body: PeriodMarkBody,
    editor: EditorDep,
    deps: DepsDep,
) -> RecordedOut:
    cmd = c.SetPeriodMark(pupil_id, subject_id, period_id, body.value, body.correction_reason)
    meta = editor.acting(body.correction_reason)
    return out(await period_marks.set_period_mark(deps, meta, class_id, cmd))


@router.get(
    MARKS,
    summary="The period marks of a class in a subject: averages now, suggestions, marks set",
)
async def period_sheet(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    subject_id: Token,
    principal: JournalReader,
    deps: DepsDep,
    period_id: Annotated[Token, Query(description="a term of the year, year, exam or final")],
) -> PeriodMarkSheet:
    await check_class_subject(deps, principal, school, year, class_id, subject_id)
    return await period_marks.period_sheet(deps, school, year, class_id, subject_id, period_id)
