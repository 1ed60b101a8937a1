"""`/admin/staff`: the staff of the school year with their portal UIDs; registering or renaming
a member of staff (journal), recording and revoking a UID (enrollment).

The page first reads the enrollment's staff list, which only the administration reads, then
the journal's roster (the names as the journal has them this year, the enrollment's may follow
by a moment).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    enrollment_school,
    form_context,
    journal_year,
    missing,
    posted,
    present,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
STAFF = "/admin/staff"


@router.get(STAFF, summary="The staff with their portal UIDs")
async def staff_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _staff(request, session)


async def _staff(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends = deps_of(request).backends
    uids = await backends.get("enrollment", f"{enrollment_school(session)}/staff", session.token)
    roster = await backends.get(
        "journal", f"{journal_year(request, session)}/roster", session.token
    )
    held = {u["staff_id"]: u for u in uids}
    people = [{**s, "enrollment": held.get(s["staff_id"])} for s in roster["staff"]]
    known = {s["staff_id"] for s in roster["staff"]}
    people += [
        {**u, "enrollment": u, "elsewhere": True} for u in uids if u["staff_id"] not in known
    ]
    editing = request.query_params.get("edit", "")
    context: dict[str, Any] = {
        "people": people,
        "editing": next((p for p in people if p["staff_id"] == editing), None),
        "options": [(p["staff_id"], f"{p['full_name']} ({p['staff_id']})") for p in people],
        "holders": [
            (p["staff_id"], f"{p['full_name']} — UID {p['enrollment']['uid']}")
            for p in people
            if p["enrollment"] and p["enrollment"]["uid"] is not None
        ],
        **form_context(request, refusal),
    }
    return render(request, "admin/staff.html", context, status=status_of(refusal))


async def _staff_command(
    request: Request,
    session: Session,
    form: str,
    target: Command,
    values: dict[str, str],
    body: dict[str, Any],
) -> Response:
    """Send one command; back to the page, or the page with the refusal beside the form."""
    if not values.get("staff_id"):
        return await _staff(request, session, missing(form, values, "staff_id"))
    _, refusal = await send_form(request, session, form, values, target, body)
    return await settled(request, refusal, partial(_staff, request, session), STAFF, done=form)


@router.post(STAFF, summary="Register or rename a member of staff")
async def register_staff(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    path = f"{journal_year(request, session)}/staff/{seg(values.get('staff_id', ''))}"
    body = present(values, "full_name", "position")
    return await _staff_command(request, session, "member", ("journal", "PUT", path), values, body)


@router.post(STAFF + "/uid", summary="Record the portal UID a member of staff registered")
async def record_uid(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    path = f"{enrollment_school(session)}/staff/{seg(values.get('staff_id', ''))}/uid"
    target: Command = ("enrollment", "PUT", path)
    return await _staff_command(request, session, "uid", target, values, present(values, "uid"))


@router.post(STAFF + "/uid/revoke", summary="Revoke a member of staff's portal UID")
async def revoke_uid(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    path = f"{enrollment_school(session)}/staff/{seg(values.get('staff_id', ''))}/uid"
    target: Command = ("enrollment", "DELETE", path)
    return await _staff_command(
        request, session, "revoke", target, values, present(values, "reason")
    )
