"""Audit reports (class, teacher, pupil) and a pupil's personal-data access report.

GET, as a printable HTML page (default) or CSV (`?format=csv`), for the auditor, head and
deputy director of the school. `from` and `to` are the school's local days, both included.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from contracts.base import Token
from services.audit.application import reports
from services.audit.entrypoints.deps import AuditReader, DepsDep
from services.audit.entrypoints.report_render import (
    access_csv,
    access_html,
    report_csv,
    report_html,
)
from services.common.date_range import DateRange, Dates
from services.common.limits import long_running
from services.common.openapi_doc import produces
from services.common.path_params import YearPath

router = APIRouter(prefix="/audit/v1/schools/{school}", tags=["reports"])

FormatQuery = Annotated[Literal["html", "csv"], Query(description="printable page or CSV")]
_CSV = "text/csv; charset=utf-8"


def span_of(dates: Dates, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """`[first 00:00, last + 1 day 00:00)` in the school's time zone."""
    start = dt.datetime.combine(dates.first, dt.time(), zone)
    return start, dt.datetime.combine(dates.last + dt.timedelta(days=1), dt.time(), zone)


def _download(body: str, name: str) -> Response:
    return Response(
        body, media_type=_CSV, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/years/{year}/reports/{kind}/{subject_id}",
    summary="Every change in a date range for a class, made by a teacher or about a pupil",
    response_class=HTMLResponse,
    responses=produces("text/html", "text/csv", description="a page to print, or CSV"),
)
@long_running
async def audit_report(
    reader: AuditReader,
    deps: DepsDep,
    year: YearPath,
    kind: Literal["class", "teacher", "pupil"],
    subject_id: Annotated[Token, Path(description="class, staff or pupil id")],
    dates: DateRange,
    format: FormatQuery = "html",
) -> Response:
    """The report as a page to print, or as CSV."""
    zone = ZoneInfo(deps.timezone)
    span = span_of(dates, zone)
    report = await reports.REPORTS[kind](deps.opened_log, reader.school, year, subject_id, span)
    if format == "csv":
        return _download(
            report_csv(report, zone), f"audit-{kind}-{subject_id}-{dates.first}-{dates.last}.csv"
        )
    return HTMLResponse(report_html(report, reader.school, zone))


@router.get(
    "/pupils/{pupil_id}/personal-data-access",
    summary="Who could see a pupil's data and when (enrollment links, staff class grants)",
    response_class=HTMLResponse,
    responses=produces("text/html", "text/csv", description="a page to print, or CSV"),
)
@long_running
async def personal_data_access(
    reader: AuditReader,
    deps: DepsDep,
    pupil_id: Annotated[Token, Path()],
    dates: DateRange,
    format: FormatQuery = "html",
) -> Response:
    """The access report as a page to print, or as CSV."""
    zone = ZoneInfo(deps.timezone)
    report = await reports.personal_data_access(
        deps.opened_log, reader.school, pupil_id, span_of(dates, zone)
    )
    if format == "csv":
        return _download(
            access_csv(report, zone), f"access-{pupil_id}-{dates.first}-{dates.last}.csv"
        )
    return HTMLResponse(access_html(report, reader.school, zone))
