"""`/admin/exports`: the exports of the journal to the parents' diary: recent runs, running a
daily delta or a full export now, and the diary check (does the diary show what the journal
says?).

The page first reads the runs, which the exporter shows the administrator only. A run and the
check may take long (a full export of the year, every record compared): their routes wait as
long as the APIs' own long deadline.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.limits import long_running
from services.common.webapp.session import Session, SignedIn
from services.web.entrypoints.admin_forms import (
    FormRefusal,
    answer_of,
    back_to,
    exporter_year,
    form_context,
    posted,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
EXPORTS = "/admin/exports"
RECENT: Final = "30"


@router.get(EXPORTS, summary="Recent export runs, and running one now")
async def exports_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _exports(request, session)


async def _exports(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    path = f"{exporter_year(request, session)}/runs"
    runs = await deps_of(request).backends.get(
        "exporter", path, session.token, params={"limit": RECENT}
    )
    shown = request.query_params.get("run", "")
    context: dict[str, Any] = {
        "runs": runs,
        "shown": next((r for r in runs if r["run_id"] == shown), None),
        "already": request.query_params.get("already") == "1",
        **form_context(request, refusal),
    }
    return render(request, "admin/exports.html", context, status=status_of(refusal))


@router.post(EXPORTS + "/runs", summary="Run a daily (delta) or a full export now")
@long_running
async def run_export(request: Request, session: SignedIn) -> Response:
    """Waits for the run to end (a run of the same year in progress first), then shows it."""
    values = await posted(request)
    body: dict[str, Any] = {"kind": values.get("kind", "")}
    if values.get("force") and body["kind"] == "full":
        body["force"] = True
    path = f"{exporter_year(request, session)}/runs"
    call = deps_of(request).backends.send("exporter", "POST", path, session.token, json=body)
    run, refusal = await answer_of("run", values, call)
    if refusal is not None:
        return await _exports(request, session, refusal)
    already = "1" if run.get("already_exported") else ""
    return back_to(request, EXPORTS, run=str(run["run_id"]), already=already)


@router.get(EXPORTS + "/check", summary="The diary check: the journal against the diary")
@long_running
async def diary_check(request: Request, session: SignedIn) -> HTMLResponse:
    path = f"{exporter_year(request, session)}/check"
    report = await deps_of(request).backends.get("exporter", path, session.token)
    return render(
        request, "admin/diary_check.html", {"report": report, **form_context(request, None)}
    )
