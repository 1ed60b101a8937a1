"""`/admin/rollover/timetables`: the timetables the rollover proposed for the next year's
classes, each reviewed and confirmed by the administrator (it is in force only then).

The page's year is the closing one, as on the rollover page (`?year=`); its classes are those
of the year after. It first reads the rollover's status (`GET …/rollover`), which the journal
gives the administration only, then the next year's roster (absent until the rollover opened
the year) and each class's proposal (`GET …/timetable/draft`, 404 when there is none: confirmed,
replaced by a timetable set by hand, or a new first grade). The head and the deputy read the
proposals; the journal lets the administrator alone confirm them, so only they see the button.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import ApiRefused, Backends
from services.web.domain.timetable_drafts import classes_in_order, day_shown, slot_rows
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    form_context,
    journal_year,
    posted,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render, school_year

router = APIRouter(tags=["admin"])
TIMETABLES: Final = "/admin/rollover/timetables"
CONFIRMS: Final = ("admin",)
"""Who the journal lets confirm a proposed timetable (the operator's system account aside)."""


def _next_year(request: Request, session: Session) -> tuple[int, str]:
    """The next year and its journal path (the rollover's next year is always year + 1)."""
    following = school_year(request) + 1
    return following, f"/schools/{seg(session.school)}/years/{following}"


@router.get(TIMETABLES, summary="The next year's classes and the timetables proposed for them")
async def timetables_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _timetables(request, session)


async def _timetables(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends = deps_of(request).backends
    status = await backends.get(
        "journal", f"{journal_year(request, session)}/rollover", session.token
    )
    following, base = _next_year(request, session)
    roster = await _optional(backends.get("journal", f"{base}/roster", session.token))
    classes = await _classes(backends, session, base, roster) if roster else []
    context: dict[str, Any] = {
        "closed_into": status["closed_into"],
        "next_year": following,
        "opened": roster is not None,
        "classes": classes,
        "confirms": session.principal.has(*CONFIRMS),
        "confirmed": request.query_params.get("confirmed", ""),
        **form_context(request, refusal),
    }
    return render(request, "admin/timetables.html", context, status=status_of(refusal))


async def _optional(call: Any) -> Any:  # noqa: ANN401 - the API's JSON answer
    """The answer, or None when the API has none (404)."""
    try:
        return await call
    except ApiRefused as error:
        if error.status != 404:
            raise
        return None


async def _classes(
    backends: Backends, session: Session, base: str, roster: dict[str, Any]
) -> list[dict[str, Any]]:
    """The next year's classes in order, each with its proposal (None when it has none)."""
    classes = classes_in_order(roster["classes"])
    drafts = await asyncio.gather(
        *(
            _optional(
                backends.get(
                    "journal",
                    f"{base}/classes/{seg(k['class_id'])}/timetable/draft",
                    session.token,
                )
            )
            for k in classes
        )
    )
    subjects = {s["subject_id"]: s["name"] for s in roster["subjects"]}
    staff = {s["staff_id"]: s["full_name"] for s in roster["staff"]}
    return [
        {
            **k,
            "teacher": staff.get(k["class_teacher_id"], k["class_teacher_id"]),
            "draft": draft,
            "from": day_shown(draft["effective_from"]) if draft else "",
            "rows": slot_rows(draft["slots"], subjects, staff) if draft else [],
        }
        for k, draft in zip(classes, drafts, strict=True)
    ]


@router.post(TIMETABLES + "/{class_id}/confirm", summary="Confirm a class's proposed timetable")
async def confirm_timetable(request: Request, session: SignedIn, class_id: str) -> Response:
    values = await posted(request)
    _following, base = _next_year(request, session)
    path = f"{base}/classes/{seg(class_id)}/timetable/draft/confirm"
    command: Command = ("journal", "POST", path)
    _, refusal = await send_form(request, session, f"confirm-{class_id}", values, command)
    page_again = partial(_timetables, request, session)
    return await settled(request, refusal, page_again, TIMETABLES, confirmed=class_id)
