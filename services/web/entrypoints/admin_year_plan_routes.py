"""`/admin/year-plan`: the year's plan per grade — which periods each grade works in (a scheme
for chosen grades), how each subject is assessed grade by grade, and the school calendar's
holidays and vacations.

Only the administrator sets the plan (the journal lets no one else), so only the administrator
is shown the page: it is nothing but the plan's forms and what they set. Each form sends the
journal one command with the page's request id as the `Idempotency-Key`; a refusal is shown
beside its form. The journal keeps the calendar as one list, so adding or removing a day off
sends the whole new list, read from the roster when the form is posted.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import partial
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import ApiRefused
from services.web.domain.assessment import ALL_GRADES, ASSESSMENTS, assessment_label
from services.web.domain.days_off import KINDS, calendar_with, calendar_without, days_off_of
from services.web.domain.year_plan_forms import (
    assessment_body,
    calendar_fields,
    scheme_fields,
    scheme_form,
)
from services.web.domain.year_plan_view import grade_groups, scheme_draft, subject_lines
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    back_to,
    form_context,
    journal_year,
    missing,
    posted,
    posted_list,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
PLAN: Final = "/admin/year-plan"
SETS_PLAN: Final = ("admin",)
"""Who the journal lets set the year's plan (the operator's system account aside)."""


def _admin_only(session: Session) -> None:
    if not session.principal.has(*SETS_PLAN):
        raise ApiRefused(403, "role_not_allowed", "the year's plan is the administrator's to set")


async def _roster(request: Request, session: Session) -> dict[str, Any]:
    roster: dict[str, Any] = await deps_of(request).backends.get(
        "journal", f"{journal_year(request, session)}/roster", session.token
    )
    return roster


@router.get(PLAN, summary="The year's plan: periods per grade, assessment, the calendar")
async def plan_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _plan(request, session)


async def _plan(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    _admin_only(session)
    base = journal_year(request, session)
    status, roster = await asyncio.gather(
        deps_of(request).backends.get("journal", f"{base}/rollover", session.token),
        _roster(request, session),
    )
    subjects = subject_lines(roster)
    context: dict[str, Any] = {
        "closed_into": status["closed_into"],
        "groups": grade_groups(roster),
        "subjects": subjects,
        "subject_options": [(s.subject_id, s.name) for s in subjects],
        "days_off": days_off_of(roster),
        "draft": scheme_draft(roster, request.query_params.get("scheme", "")),
        "all_grades": ALL_GRADES,
        "assessments": [(a, assessment_label(a)) for a in ASSESSMENTS],
        "kind_options": list(KINDS.items()),
        **form_context(request, refusal),
    }
    return render(request, "admin/year_plan.html", context, status=status_of(refusal))


async def _posted_with_grades(request: Request) -> tuple[dict[str, str], list[str]]:
    """The posted fields, and the grades ticked (also kept in the fields, comma-separated, for
    the form shown again)."""
    values, grades = await posted(request), await posted_list(request, "grades")
    return {**values, "grades": ",".join(grades)}, grades


@router.post(PLAN + "/schemes", summary="Set the periods of chosen grades (a scheme)")
async def set_scheme(request: Request, session: SignedIn) -> Response:
    values, grades = await _posted_with_grades(request)
    page_again = partial(_plan, request, session)
    scheme_id = values.get("scheme_id", "")
    if not scheme_id:
        return await page_again(missing("scheme", values, "scheme_id"))
    form = scheme_form(values, grades)
    path = f"{journal_year(request, session)}/config/period-schemes/{seg(scheme_id)}"
    command: Command = ("journal", "PUT", path)
    _, refusal = await send_form(request, session, "scheme", values, command, form.body)
    if refusal is not None and refusal.errors:
        refusal = replace(refusal, fields=scheme_fields(refusal.errors, form.rows))
    return await settled(request, refusal, page_again, PLAN, done="scheme")


@router.post(PLAN + "/assessments", summary="Set how a subject is assessed in chosen grades")
async def set_assessment(request: Request, session: SignedIn) -> Response:
    values, grades = await _posted_with_grades(request)
    page_again = partial(_plan, request, session)
    subject_id = values.get("subject_id", "")
    if not subject_id:
        return await page_again(missing("assessment", values, "subject_id"))
    path = f"{journal_year(request, session)}/subjects/{seg(subject_id)}/assessment"
    command: Command = ("journal", "PUT", path)
    body = assessment_body(values, grades)
    _, refusal = await send_form(request, session, "assessment", values, command, body)
    return await settled(request, refusal, page_again, PLAN, done="assessment")


@router.post(PLAN + "/calendar", summary="Add a holiday or a vacation to the school calendar")
async def add_day_off(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    days = days_off_of(await _roster(request, session))
    command: Command = ("journal", "PUT", f"{journal_year(request, session)}/config/calendar")
    body = calendar_with(days, values)
    _, refusal = await send_form(request, session, "day_off", values, command, body)
    if refusal is not None and refusal.errors:
        refusal = replace(refusal, fields=calendar_fields(refusal.errors, len(days)))
    return await settled(request, refusal, partial(_plan, request, session), PLAN, done="added")


@router.post(PLAN + "/calendar/remove", summary="Remove a holiday or a vacation")
async def remove_day_off(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    days = days_off_of(await _roster(request, session))
    body = calendar_without(days, values.get("key", ""))
    if body is None:  # removed already (a second click, another administrator)
        return back_to(request, PLAN, done="removed")
    command: Command = ("journal", "PUT", f"{journal_year(request, session)}/config/calendar")
    _, refusal = await send_form(request, session, "remove", values, command, body)
    return await settled(request, refusal, partial(_plan, request, session), PLAN, done="removed")
