"""The report of a monthly check by teacher or by class: a printable page and a CSV download.

The journal's own report route answers HTML or comma-separated CSV only, so both are built here
from the check's JSON (findings at opening and now, remarks with the status the journal shows),
grouped and counted by `services.web.domain.check_report`; no rule of the check is applied here.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common.webapp.session import SignedIn
from services.web.application.checks import pupil_names
from services.web.domain.check_models import STATUS_LABELS, check_of, names_of
from services.web.domain.check_report import (
    COUNT_HEADINGS,
    GROUP_HEADINGS,
    csv_filename,
    report_csv,
    report_rows,
)
from services.web.domain.checks import is_token, month_label, scope_label
from services.web.entrypoints.check_forms import check_api, group_by
from services.web.entrypoints.pages import refusal_page, render

router = APIRouter(tags=["monthly check"])


@router.get("/checks/{check_id}/report", summary="The check's report as a printable page")
async def report_page(
    request: Request, session: SignedIn, check_id: str, by: str | None = None
) -> Response:
    if not is_token(check_id):
        return refusal_page(request, 404, "check_not_found", "no such check")
    api, grouping = check_api(request, session), group_by(by)
    raw, roster = await asyncio.gather(api.check(check_id), api.roster())
    check, names = check_of(raw), names_of(roster)
    context = {
        "check": check,
        "names": names,
        "by": grouping,
        "rows": report_rows(check, grouping, names),
        "pupils": await pupil_names(api, {f.class_id for f in check.now if f.pupil_id}),
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
    if not is_token(check_id):
        return refusal_page(request, 404, "check_not_found", "no such check")
    api, grouping = check_api(request, session), group_by(by)
    raw, roster = await asyncio.gather(api.check(check_id), api.roster())
    text = report_csv(report_rows(check_of(raw), grouping, names_of(roster)), grouping)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(check_id, grouping)}"'
        },
    )
