"""The journal as of a moment: a class-subject page, a lesson or a pupil's diary exactly as they
stood at a date and time, and what changed on a page between two moments.

A moment is "as recorded by then": every journal event JetStream stored at or before it, folded
in stream order (`services.audit.application.asof`). A moment must carry its time zone; without
one it is the present. The answers are the journal view's (`kernel.answers.ClassGrid`,
`LessonDetail`) plus `at` and `last_seq`, the stream sequence of the last event the answer
includes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime

from contracts.base import Token
from services.audit.application.asof import AsOfJournal, AsOfNotFound, PageChanges
from services.audit.domain.asof import (
    ClassGridAsOf,
    DiaryQuery,
    GridQuery,
    LessonDetailAsOf,
    PupilDiary,
)
from services.audit.entrypoints.deps import AuditReader, DepsDep
from services.common.date_range import DateRange
from services.common.http import ApiError, problem
from services.common.path_params import SchoolPath, YearPath

router = APIRouter(
    prefix="/audit/v1/schools/{school}/years/{year}", tags=["journal as of a moment"]
)

At = Annotated[
    AwareDatetime | None,
    Query(description="the moment (ISO 8601 with a time zone); the present when left out"),
]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "nothing under that key had been recorded by the moment"}
}


def _as_of_journal(deps: DepsDep) -> AsOfJournal:
    return AsOfJournal(deps.opened_log)


AsOfJournalDep = Annotated[AsOfJournal, Depends(_as_of_journal)]
"""The journal as of a moment, read from the log with its personal data opened."""


def _moment(at: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if at is None else at


async def not_found(_request: Request, exc: Exception) -> Response:
    """404 naming what was not recorded by the moment (`class_not_found`, `lesson_not_found`,
    `pupil_not_found`); registered on the app for `AsOfNotFound`."""
    if not isinstance(exc, AsOfNotFound):  # pragma: no cover - registered for it only
        raise exc
    return problem(404, f"{exc.what}_not_found", str(exc))


@router.get(
    "/classes/{class_id}/subjects/{subject_id}/grid",
    summary="The class journal page of a subject as it stood at a moment",
    responses=_NOT_FOUND,
)
async def grid_as_of(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    subject_id: Token,
    _reader: AuditReader,
    journal: AsOfJournalDep,
    dates: DateRange,
    at: At = None,
) -> ClassGridAsOf:
    query = GridQuery(class_id, subject_id, dates.first, dates.last)
    return await journal.class_grid(school, year, query, _moment(at))


@router.get(
    "/classes/{class_id}/lessons/{lesson_id}",
    summary="Everything recorded for a lesson as it stood at a moment",
    responses=_NOT_FOUND,
)
async def lesson_as_of(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    lesson_id: Token,
    _reader: AuditReader,
    journal: AsOfJournalDep,
    at: At = None,
) -> LessonDetailAsOf:
    return await journal.lesson(school, year, class_id, lesson_id, _moment(at))


@router.get(
    "/pupils/{pupil_id}/diary",
    summary="A pupil's lessons, marks and absences over a range as they stood at a moment",
    responses=_NOT_FOUND,
)
async def diary_as_of(
    school: SchoolPath,
    year: YearPath,
    pupil_id: Token,
    _reader: AuditReader,
    journal: AsOfJournalDep,
    dates: DateRange,
    at: At = None,
) -> PupilDiary:
    query = DiaryQuery(pupil_id, dates.first, dates.last)
    return await journal.diary(school, year, query, _moment(at))


@router.get(
    "/classes/{class_id}/subjects/{subject_id}/changes",
    summary="What changed on a class journal page between two moments",
    responses=_NOT_FOUND,
)
async def changes_between(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    subject_id: Token,
    _reader: AuditReader,
    journal: AsOfJournalDep,
    dates: DateRange,
    since: Annotated[AwareDatetime, Query(description="the earlier moment (e.g. the check)")],
    until: At = None,
) -> PageChanges:
    later = _moment(until)
    if later < since:
        raise ApiError(422, "invalid_moments", "'until' is before 'since'")
    query = GridQuery(class_id, subject_id, dates.first, dates.last)
    return await journal.changes(school, year, query, since, later)
