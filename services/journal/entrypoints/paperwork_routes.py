"""The journal's paperwork: a class journal page of a subject, and the period-marks sheet of a
class («сводная ведомость»), each as XLSX or as CSV for Excel; a class's whole year as the
bound paper journal would hold it (PDF, for the archive).

Who reads them is who reads the pages they come from (DESIGN.md §6): a class journal page its
grid's readers; the sheet of every subject the class teacher and the readers of everything; the
archive the readers of everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Query, Response

from contracts.base import Token
from kernel.answers import JournalPage
from services.common.date_range import DateRange
from services.common.limits import long_running
from services.common.openapi_doc import produces
from services.common.path_params import SchoolPath, YearPath
from services.journal.adapters.archive_pdf import render_archive
from services.journal.adapters.spreadsheets import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    csv_bytes,
    xlsx,
)
from services.journal.application import paperwork
from services.journal.application.journal_sheets import Paper
from services.journal.application.year_archive import PDF_MEDIA_TYPE
from services.journal.entrypoints.deps import (
    DepsDep,
    JournalReader,
    WholeJournalReader,
    check_class_subject,
    check_whole_class,
)

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["paperwork"])
FileFormat = Literal["xlsx", "csv"]
Route = TypeVar("Route", bound=Callable[..., object])
_FILES = produces(
    XLSX_MEDIA_TYPE,
    CSV_MEDIA_TYPE,
    description="the spreadsheet: XLSX, or CSV with semicolons in UTF-8 with a byte-order mark",
)


def _spreadsheet(path: str, *, summary: str, description: str) -> Callable[[Route], Route]:
    """A GET of a file that comes as XLSX or CSV, as its path's `{file_format}` asks."""
    return router.get(
        path, summary=summary, description=description, response_class=Response, responses=_FILES
    )


PeriodQuery = Annotated[Token, Query(description="a term of the year, year, exam or final")]
PeriodMarksQuery = Annotated[Token | None, Query(description="the period whose marks are added")]


@_spreadsheet(
    "/classes/{class_id}/subjects/{subject_id}/journal.{file_format}",
    summary="The class journal page of a subject as a spreadsheet",
    description="The pupils' marks and absences per lesson with their average, absences and "
    "lates (and, with `period_id`, the period mark), then the lessons' topics. The readers of "
    "the class grid. 404 `view_not_found` (no such class), 404 `period_not_found`.",
)
async def class_journal_file(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    subject_id: Token,
    file_format: FileFormat,
    principal: JournalReader,
    deps: DepsDep,
    dates: DateRange,
    period_id: PeriodMarksQuery = None,
) -> Response:
    await check_class_subject(deps, principal, school, year, class_id, subject_id)
    page = JournalPage(school, year, class_id, subject_id, dates.first, dates.last)
    return _file(await paperwork.class_page(deps, page, period_id), file_format)


@_spreadsheet(
    "/classes/{class_id}/period-marks.{file_format}",
    summary="The period marks of a class in every subject («сводная ведомость»)",
    description="A pupil per row, a subject taught in the class per column, the period mark "
    "set (blank while none is). The class teacher and the readers of everything. 404 "
    "`view_not_found` (no such class), 404 `period_not_found`.",
)
async def summary_sheet_file(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    file_format: FileFormat,
    principal: JournalReader,
    deps: DepsDep,
    period_id: PeriodQuery,
) -> Response:
    await check_whole_class(deps, principal, school, year, class_id)
    return _file(
        await paperwork.summary_sheet(deps, school, year, class_id, period_id), file_format
    )


@_spreadsheet(
    "/classes/{class_id}/pupils/{pupil_id}/marks.{file_format}",
    summary="A pupil's marks in every subject of the class as a spreadsheet",
    description="A subject per row: every mark and absence by date, the average, absences and "
    "lates (and, with `period_id`, the period mark). The class teacher and the readers of "
    "everything. 404 `view_not_found` (the pupil is not in the class over the dates), 404 "
    "`period_not_found`.",
)
async def pupil_marks_file(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    pupil_id: Token,
    file_format: FileFormat,
    principal: JournalReader,
    deps: DepsDep,
    dates: DateRange,
    period_id: PeriodMarksQuery = None,
) -> Response:
    await check_whole_class(deps, principal, school, year, class_id)
    paper = await paperwork.pupil_marks(
        deps, school, year, class_id, pupil_id, dates=(dates.first, dates.last), period_id=period_id
    )
    return _file(paper, file_format)


@router.get(
    "/classes/{class_id}/archive.pdf",
    summary="A class's journal of the school year as the paper journal would be bound (PDF)",
    description="A title page, then per subject: marks and absences of every lesson of the "
    "year, the lessons' topics, the period and final marks, and every correction made after "
    "a period closed with its reason. The same journal gives the same bytes (the document is "
    "dated the year's last day). The head, the deputy and the administrator. 404 `view_not_found` "
    "(no such class).",
    response_class=Response,
    responses=produces(PDF_MEDIA_TYPE),
)
@long_running
async def class_archive_file(
    school: SchoolPath, year: YearPath, class_id: Token, _reader: WholeJournalReader, deps: DepsDep
) -> Response:
    archive = await paperwork.class_archive(deps, school, year, class_id)
    content = await asyncio.to_thread(render_archive, archive)  # seconds of CPU: off the loop
    disposition = f'attachment; filename="{archive.file_name}.pdf"'
    return Response(
        content, media_type=PDF_MEDIA_TYPE, headers={"Content-Disposition": disposition}
    )


def _file(paper: Paper, file_format: FileFormat) -> Response:
    content, media_type = (
        (xlsx(paper), XLSX_MEDIA_TYPE)
        if file_format == "xlsx"
        else (csv_bytes(paper), CSV_MEDIA_TYPE)
    )
    disposition = f'attachment; filename="{paper.file_name}.{file_format}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
