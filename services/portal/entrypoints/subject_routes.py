"""A child's subject page: every mark of the period with its date and kind of work, the
weighted average the diary computed and the period mark beside it; `?period=` chooses another
period (`year`: the whole year and the year's mark)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.common.webapp.session import SignedIn
from services.portal.domain.children import children_of
from services.portal.domain.subject_view import subject_view
from services.portal.entrypoints.family_common import (
    checked_id,
    checked_pupil,
    the_child,
    with_profile,
)
from services.portal.entrypoints.pages import render, year_path

router = APIRouter(tags=["family"])


@router.get("/children/{pupil}/subjects/{subject_id}", summary="A child's marks in a subject")
async def subject_page(
    request: Request, session: SignedIn, pupil: str, subject_id: str, period: str = ""
) -> HTMLResponse:
    checked_pupil(pupil)
    checked_id(subject_id)
    params = {"period": checked_id(period)} if period else None
    path = f"{year_path(request)}/pupils/{pupil}/subjects/{subject_id}"
    mine, answer = await with_profile(request, session, path, params)
    child = the_child(children_of(mine), pupil)
    # The periods of the child's class come with the answer (an older diary's do not: then the
    # school's, with the profile).
    periods = answer.get("periods") or mine.get("periods", [])
    context = {"child": child, "view": subject_view({**answer, "periods": periods})}
    return render(request, "family/subject.html", context)
