"""`/admin/roster`: the classes of the year and their sizes, the pupils in no class, and
registering a pupil (placing them in a class at once); one class's page is `admin_class_routes`.

Every page first reads the year's list of pupils (`GET …/pupils`), which the journal gives the
administration only, so a teacher gets the refusal page before seeing anything. The roster
views follow a write by a moment: the note after a change says so.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.domain.admin import (
    class_sizes,
    next_pupil_id,
)
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    back_to,
    form_context,
    journal_year,
    missing,
    posted,
    present,
    seg,
    send_form,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
ROSTER = "/admin/roster"


@router.get(ROSTER, summary="The classes of the year and registering a pupil")
async def roster_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _roster(request, session)


async def _roster(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends, base = deps_of(request).backends, journal_year(request, session)
    pupils = (await backends.get("journal", f"{base}/pupils", session.token))["pupils"]
    roster = await backends.get("journal", f"{base}/roster", session.token)
    staff = {s["staff_id"]: s for s in roster["staff"]}
    context: dict[str, Any] = {
        "roster": roster,
        "staff": staff,
        "sizes": class_sizes(pupils),
        "unplaced": [p for p in pupils if not p.get("class_id")],
        "pupil_count": len(pupils),
        "suggested_id": next_pupil_id(p["pupil_id"] for p in pupils),
        "classes": [(k["class_id"], k["label"]) for k in roster["classes"]],
        **form_context(request, refusal),
    }
    return render(request, "admin/roster.html", context, status=status_of(refusal))


@router.post(ROSTER + "/pupils", summary="Register (or rename) a pupil, and place them in a class")
async def register_pupil(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    base = journal_year(request, session)
    if not values.get("pupil_id"):
        return await _roster(request, session, missing("pupil", values, "pupil_id"))
    body = present(values, "full_name", "birth_date")
    register: Command = ("journal", "PUT", f"{base}/pupils/{seg(values['pupil_id'])}")
    _, refusal = await send_form(request, session, "pupil", values, register, body)
    if refusal is None and values.get("class_id"):  # the same request id: another path
        join = {"pupil_id": values["pupil_id"], "since": values.get("since", "")}
        placing: Command = ("journal", "POST", f"{base}/classes/{seg(values['class_id'])}/members")
        registered = {**values, "registered": "1"}
        _, refusal = await send_form(request, session, "pupil", registered, placing, join)
    if refusal is not None:
        return await _roster(request, session, refusal)
    if values.get("class_id"):
        return back_to(request, f"{ROSTER}/{seg(values['class_id'])}", done="joined")
    return back_to(request, ROSTER, done="registered")
