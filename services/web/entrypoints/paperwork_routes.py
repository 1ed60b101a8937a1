"""The journal's paperwork for download: a class journal page of a subject, the period marks
of a class («сводная ведомость») and a pupil's marks, as XLSX or CSV, a class's year for the
archive (PDF), and the files of the archive the journal kept of a sealed year. The journal
makes the files and says who may have them (the readers of the page); the school's pages pass
them on."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import SignedIn
from services.web.entrypoints.pages import deps_of, school_year
from services.web.entrypoints.teacher_routes import checked_ids

router = APIRouter(tags=["paperwork"])
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FileFormat = Literal["xlsx", "csv"]


@router.get(
    "/journal/{class_id}/{subject_id}/download/{file_format}",
    summary="A class journal page as a spreadsheet (the journal's file, passed on)",
)
async def class_journal_file(
    request: Request,
    session: SignedIn,
    class_id: str,
    subject_id: str,
    file_format: FileFormat,
    date_from: str = Query(alias="from"),
    date_to: str = Query(alias="to"),
    period_id: str | None = None,
) -> Response:
    checked_ids(class_id, subject_id, *filter(None, [period_id]))
    path = f"classes/{class_id}/subjects/{subject_id}/journal.{file_format}"
    params = {"from": date_from, "to": date_to} | ({"period_id": period_id} if period_id else {})
    return await _passed_on(request, session, path, params)


@router.get(
    "/class/{class_id}/period-marks/{file_format}",
    summary="The period marks of a class in every subject as a spreadsheet (passed on)",
)
async def summary_sheet_file(
    request: Request,
    session: SignedIn,
    class_id: str,
    file_format: FileFormat,
    period_id: str = Query(),
) -> Response:
    checked_ids(class_id, period_id)
    path = f"classes/{class_id}/period-marks.{file_format}"
    return await _passed_on(request, session, path, {"period_id": period_id})


@router.get(
    "/class/{class_id}/pupil-marks",
    summary="A pupil's marks in every subject as a spreadsheet (the journal's file, passed on)",
)
async def pupil_marks_file(
    request: Request,
    session: SignedIn,
    class_id: str,
    pupil_id: str = Query(),
    file_format: FileFormat = Query(alias="format"),
    date_from: str = Query(alias="from"),
    date_to: str = Query(alias="to"),
) -> Response:
    checked_ids(class_id, pupil_id)
    path = f"classes/{class_id}/pupils/{pupil_id}/marks.{file_format}"
    return await _passed_on(request, session, path, {"from": date_from, "to": date_to})


@router.get(
    "/class/{class_id}/archive.pdf",
    summary="A class's journal of the year as it would be bound, for the archive (passed on)",
)
async def class_archive_file(request: Request, session: SignedIn, class_id: str) -> Response:
    checked_ids(class_id)
    return await _passed_on(request, session, f"classes/{class_id}/archive.pdf", {})


@router.get(
    "/archive/{year}/{file_name}",
    summary="A file of the archive the journal kept of a sealed year (passed on)",
)
async def kept_archive_file(
    request: Request, session: SignedIn, year: int, file_name: str
) -> Response:
    return await _kept(request, session, year, file_name, "")


@router.get(
    "/archive/{year}/editions/{edition}/{file_name}",
    summary="A file of an earlier edition of a sealed year's archive (passed on)",
)
async def kept_edition_file(
    request: Request, session: SignedIn, year: int, edition: int, file_name: str
) -> Response:
    if edition < 1:
        raise ApiRefused(404, "not_found", "no such page")
    return await _kept(request, session, year, file_name, f"editions/{edition}/")


async def _kept(
    request: Request, session: SignedIn, year: int, file_name: str, edition: str
) -> Response:
    """A file of the year's kept archive (`edition`: "" for the latest, `editions/<n>/`)."""
    if not _FILE_NAME.match(file_name):
        raise ApiRefused(404, "not_found", "no such page")
    path = f"/schools/{session.school}/years/{year}/archive/{edition}{file_name}"
    file = await deps_of(request).backends.download("journal", path, session.token, {})
    return file.response()


async def _passed_on(
    request: Request, session: SignedIn, path: str, params: dict[str, str]
) -> Response:
    year_path = f"/schools/{session.school}/years/{school_year(request)}/{path}"
    file = await deps_of(request).backends.download("journal", year_path, session.token, params)
    return file.response()
