"""History of anything: every change of one lesson, mark line, absence, application or grant,
and of a pupil's or a member of staff's personal record (with the erasure of their data).

GET, for the auditor, head and deputy director of the school (401 without a valid token,
403 `wrong_school` / `role_not_allowed`); 404 `not_found` when the log holds nothing about it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from fastapi import APIRouter, Path, Query

from contracts.base import Token
from services.audit.application import history
from services.audit.entrypoints.deps import AuditReader, DepsDep
from services.audit.entrypoints.dto import EntryOut, HistoryOut
from services.common.http import ApiError
from services.common.path_params import YearPath

router = APIRouter(prefix="/audit/v1/schools/{school}", tags=["history"])

IdPath = Annotated[Token, Path()]
UidPath = Annotated[int, Path(gt=0, lt=2**53, description="portal user's numeric id")]


def _out(school: str, found: history.History) -> HistoryOut:
    entries = [EntryOut.of(e, found.names, found.causes.get(e.seq)) for e in found.entries]
    return HistoryOut(school=school, entries=entries)


async def _answer(school: str, pending: Awaitable[history.History]) -> HistoryOut:
    try:
        found = await pending
    except history.NotFound as missing:
        raise ApiError(404, "not_found", str(missing)) from missing
    return _out(school, found)


@router.get(
    "/years/{year}/classes/{class_id}/lessons/{lesson_id}/history",
    summary="Every change of one lesson: who, when, before and after, why",
)
async def lesson_history(
    reader: AuditReader, deps: DepsDep, year: YearPath, class_id: IdPath, lesson_id: IdPath
) -> HistoryOut:
    """The lesson's whole history (topic, homework, teacher, marks, attendance)."""
    pending = history.lesson_history(deps.opened_log, reader.school, year, class_id, lesson_id)
    return await _answer(reader.school, pending)


@router.get(
    "/years/{year}/pupils/{pupil_id}/subjects/{subject_id}/marks/history",
    summary="Every change of a pupil's marks in one subject, across lessons",
)
async def marks_history(
    reader: AuditReader, deps: DepsDep, year: YearPath, pupil_id: IdPath, subject_id: IdPath
) -> HistoryOut:
    """Marks recorded, corrected and cancelled for the pupil in the subject's lessons."""
    pending = history.pupil_marks_history(
        deps.opened_log, reader.school, year, pupil_id, subject_id
    )
    return await _answer(reader.school, pending)


@router.get(
    "/years/{year}/classes/{class_id}/lessons/{lesson_id}/absences/{pupil_id}/history",
    summary="Every change of one pupil's absence at one lesson",
)
async def absence_history(
    reader: AuditReader,
    deps: DepsDep,
    year: YearPath,
    class_id: IdPath,
    lesson_id: IdPath,
    pupil_id: IdPath,
) -> HistoryOut:
    """The observation (absent, late, present again) and the reason given, step by step."""
    pending = history.absence_history(
        deps.opened_log, reader.school, year, class_id, lesson_id, pupil_id
    )
    return await _answer(reader.school, pending)


@router.get(
    "/applications/{application_id}/history",
    summary="Every change of one application for e-diary access and of its link",
)
async def application_history(
    reader: AuditReader, deps: DepsDep, application_id: IdPath
) -> HistoryOut:
    """Submitted, passport checked, approved or rejected, withdrawn or ended, with reasons."""
    pending = history.application_history(deps.opened_log, reader.school, application_id)
    return await _answer(reader.school, pending)


@router.get(
    "/grants/{uid}/history",
    summary="A portal user's access grants and revocations, with their enrollment causes",
)
async def grant_history(
    reader: AuditReader,
    deps: DepsDep,
    uid: UidPath,
    year: Annotated[int, Query(ge=2000, le=2100, description="the school year")],
) -> HistoryOut:
    """The DIARY grants of the UID in the year; `caused_by`: the enrollment event behind each."""
    pending = history.grant_history(deps.opened_log, reader.school, year, uid)
    return await _answer(reader.school, pending)


@router.get(
    "/pupils/{pupil_id}/history",
    summary="A pupil's personal record: registration, classes, the erasure of their data",
)
async def pupil_history(reader: AuditReader, deps: DepsDep, pupil_id: IdPath) -> HistoryOut:
    """Over every school year; an erasure says who erased the data, when and why (the name then
    reads «[удалено]» everywhere)."""
    pending = history.person_history(deps.opened_log, reader.school, "pupil", pupil_id)
    return await _answer(reader.school, pending)


@router.get(
    "/staff/{staff_id}/history",
    summary="A member of staff's personal record: registration, the erasure of their data",
)
async def staff_history(reader: AuditReader, deps: DepsDep, staff_id: IdPath) -> HistoryOut:
    """Over every school year; an erasure says who erased the data, when and why."""
    pending = history.person_history(deps.opened_log, reader.school, "staff", staff_id)
    return await _answer(reader.school, pending)
