"""`/admin/periods`: the school year's periods, open or closed, the grades working in each
(quarters for some grades, halves for others: `/admin/year-plan` sets them), closing (after a
confirm step) and reopening them with the reason.

The page reads the rollover's status (`GET …/rollover`), which the journal gives the
administration only; it says whether the year is sealed. The roster lists every period of any
grade with its grades and whether it is closed (closing a period closes it for those grades).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.domain.admin import period_state
from services.web.domain.periods import periods_of
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    back_to,
    form_context,
    journal_year,
    posted,
    present,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render, today

router = APIRouter(tags=["admin"])
PERIODS = "/admin/periods"


@router.get(PERIODS, summary="The periods of the year, open or closed; closing and reopening")
async def periods_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _periods(request, session)


async def _periods(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends, base = deps_of(request).backends, journal_year(request, session)
    status, roster = await asyncio.gather(
        backends.get("journal", f"{base}/rollover", session.token),
        backends.get("journal", f"{base}/roster", session.token),
    )
    on = today(request)
    periods: list[dict[str, Any]] = [
        {"period": p, "state": period_state(p.starts_on, p.ends_on, on)} for p in periods_of(roster)
    ]
    asked = request.query_params.get("close", "")
    context: dict[str, Any] = {
        "periods": periods,
        "closed_into": status["closed_into"],
        "confirming": next((p for p in periods if p["period"].period_id == asked), None),
        **form_context(request, refusal),
    }
    return render(request, "admin/periods.html", context, status=status_of(refusal))


@router.post(PERIODS + "/{period_id}/close", summary="Close a period (after the confirm step)")
async def close_period(period_id: str, request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    if values.get("confirm") != "yes":
        return back_to(request, PERIODS, close=period_id)
    return await _period_command(request, session, period_id, values, ("close", "closed"))


@router.post(PERIODS + "/{period_id}/reopen", summary="Reopen a closed period, with the reason")
async def reopen_period(period_id: str, request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    body = present(values, "reason")
    return await _period_command(request, session, period_id, values, ("reopen", "reopened"), body)


async def _period_command(
    request: Request,
    session: Session,
    period_id: str,
    values: dict[str, str],
    action: tuple[str, str],
    body: dict[str, str] | None = None,
) -> Response:
    """Send the period's command (`action`: its route, also the form's name, and the note of
    it done); back to the page, or the page with the refusal."""
    route, done = action
    path = f"{journal_year(request, session)}/periods/{seg(period_id)}/{route}"
    command: Command = ("journal", "POST", path)
    shown = {**values, "period_id": period_id}
    _, refusal = await send_form(request, session, route, shown, command, body)
    page_again = partial(_periods, request, session)
    return await settled(request, refusal, page_again, PERIODS, done=done)
