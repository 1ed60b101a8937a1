"""The report of a monthly check by teacher or by class: a printable page and a CSV download.

The journal's own report route answers HTML or comma-separated CSV only, so both are built here
from the check's JSON (findings at opening and now, remarks with the status the journal shows),
grouped and counted by `services.web.domain.check_report`; no rule of the check is applied here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common.webapp.session import SignedIn
from services.web.application.checks import CheckApi, pupil_names
from services.web.application.ports import ApiRefused
from services.web.domain.check_models import STATUS_LABELS, Check, Names, check_of, names_of
from services.web.domain.check_report import (
    COUNT_HEADINGS,
    GROUP_HEADINGS,
    csv_filename,
    report_csv,
    report_rows,
)
from services.web.domain.checks import GroupBy, is_token, month_label, scope_label
from services.web.entrypoints.check_forms import check_api, group_by
from services.web.entrypoints.pages import render

router = APIRouter(tags=["monthly check"])


@dataclass(frozen=True, slots=True)
class _Report:
    """A check as its report reads it: grouped `grouping`, with the roster's names."""

    api: CheckApi
    grouping: GroupBy
    check: Check
    names: Names


async def _report(request: Request, session: SignedIn, check_id: str, by: str | None) -> _Report:
    """The check and the roster's names, read at once, grouped as `?by=` asks; an id that is
    no check's is refused (the refusal page, 404) without asking the journal."""
    if not is_token(check_id):
        raise ApiRefused(404, "check_not_found", "no such check")
    api, grouping = check_api(request, session), group_by(by)
    raw, roster = await asyncio.gather(api.check(check_id), api.roster())
    return _Report(api, grouping, check_of(raw), names_of(roster))


@router.get("/checks/{check_id}/report", summary="The check's report as a printable page")
async def report_page(
    request: Request, session: SignedIn, check_id: str, by: str | None = None
) -> Response:
    report = await _report(request, session, check_id, by)
    check, names, grouping = report.check, report.names, report.grouping
    context = {
        "check": check,
        "names": names,
        "by": grouping,
        "rows": report_rows(check, grouping, names),
        "pupils": await pupil_names(report.api, {f.class_id for f in check.now if f.pupil_id}),
        "group_heading": GROUP_HEADINGS[grouping],
        "count_headings": COUNT_HEADINGS,
        "status_labels": STATUS_LABELS,
        "month_label": month_label(check.month),
        "scope_label": scope_label(check.scope, check.target_id, names),
    }
    return render(request, "checks/report.html", context)


@router.get("/checks/{check_id}/report.csv", summary="The check's report as a CSV file")
async def report_file(
    request: Request, session: SignedIn, check_id: str, by: str | None = None
) -> Response:
    report = await _report(request, session, check_id, by)
    rows = report_rows(report.check, report.grouping, report.names)
    text = report_csv(rows, report.grouping)
    filename = csv_filename(check_id, report.grouping)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
