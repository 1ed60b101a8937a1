"""`/admin/roster/<class>`: one class, its pupils (joining, leaving, transferring), its teaching
assignments and its class teacher. Read as the roster's pages are (`admin_roster_routes`): the
year's list of pupils first, for the administration only."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.domain.admin import (
    day_after,
)
from services.web.domain.class_page import (
    class_of_roster,
    current_pupils,
    grouped_pupils,
    with_states,
)
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
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
from services.web.entrypoints.admin_roster_routes import ROSTER
from services.web.entrypoints.pages import deps_of, render, today

router = APIRouter(tags=["admin"])


@router.get(ROSTER + "/{class_id}", summary="A class: its pupils, assignments and class teacher")
async def class_page(class_id: str, request: Request, session: SignedIn) -> HTMLResponse:
    return await _class(request, session, class_id)


async def _class(
    request: Request, session: Session, class_id: str, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends, base = deps_of(request).backends, journal_year(request, session)
    pupils = (await backends.get("journal", f"{base}/pupils", session.token))["pupils"]
    roster = await backends.get("journal", f"{base}/roster", session.token)
    path = f"{base}/classes/{seg(class_id)}/members"
    members = with_states(
        (await backends.get("journal", path, session.token))["members"], today(request)
    )
    order = [k["class_id"] for k in roster["classes"]]
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    others = [p for p in pupils if p.get("class_id") != class_id]
    context: dict[str, Any] = {
        **class_of_roster(roster, class_id),
        "members": members,
        "current_options": current_pupils(members),
        "joinable": grouped_pupils(others, order, labels),
        **form_context(request, refusal),
    }
    return render(request, "admin/class.html", context, status=status_of(refusal))


async def _class_command(
    request: Request,
    session: Session,
    class_id: str,
    form: str,
    how: tuple[str, str],
    body: dict[str, Any],
) -> Response:
    """Send one command about the class; back to its page, or the page with the refusal."""
    values = await posted(request)
    method, tail = how
    path = f"{journal_year(request, session)}/classes/{seg(class_id)}{tail}"
    _, refusal = await send_form(request, session, form, values, ("journal", method, path), body)
    page_again = partial(_class, request, session, class_id)
    return await settled(request, refusal, page_again, f"{ROSTER}/{seg(class_id)}", done=form)


@router.post(ROSTER + "/{class_id}/join", summary="A pupil joins the class")
async def join(class_id: str, request: Request, session: SignedIn) -> Response:
    body = present(await posted(request), "pupil_id", "since")
    return await _class_command(request, session, class_id, "join", ("POST", "/members"), body)


@router.post(ROSTER + "/{class_id}/leave", summary="A pupil leaves the class")
async def leave(class_id: str, request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    pupil = values.get("pupil_id", "")
    if not pupil:
        return await _class(request, session, class_id, missing("leave", values, "pupil_id"))
    body = present(values, "last_day", "reason")
    how = ("POST", f"/members/{seg(pupil)}/leave")
    return await _class_command(request, session, class_id, "leave", how, body)


@router.post(ROSTER + "/{class_id}/transfer", summary="A pupil moves to another class")
async def transfer(class_id: str, request: Request, session: SignedIn) -> Response:
    """«Перевод»: the pupil leaves this class on the last day and joins the other the next."""
    values = await posted(request)
    pupil, target = values.get("pupil_id", ""), values.get("to_class_id", "")
    for name, given in (("pupil_id", pupil), ("to_class_id", target)):
        if not given:
            return await _class(request, session, class_id, missing("transfer", values, name))
    since = day_after(values.get("last_day", ""))
    if since is None:
        return await _class(request, session, class_id, missing("transfer", values, "last_day"))
    base = journal_year(request, session)
    # one request id for both commands: the API scopes a key to each path
    reason = values.get("reason") or "перевод в другой класс"
    leave_path = f"{base}/classes/{seg(class_id)}/members/{seg(pupil)}/leave"
    leaving = {"last_day": values["last_day"], "reason": reason}
    leave: Command = ("journal", "POST", leave_path)
    _, refusal = await send_form(request, session, "transfer", values, leave, leaving)
    if refusal is None:
        joining = {"pupil_id": pupil, "since": since}
        join: Command = ("journal", "POST", f"{base}/classes/{seg(target)}/members")
        left = {**values, "left": "1"}
        _, refusal = await send_form(request, session, "transfer", left, join, joining)
    page_again = partial(_class, request, session, class_id)
    return await settled(
        request, refusal, page_again, f"{ROSTER}/{seg(target)}", done="transferred"
    )


@router.post(ROSTER + "/{class_id}/assignments", summary="A teacher teaches a subject here")
async def assign(class_id: str, request: Request, session: SignedIn) -> Response:
    body = present(await posted(request), "teacher_id", "subject_id", "group")
    how = ("POST", "/assignments")
    return await _class_command(request, session, class_id, "assign", how, body)


@router.post(ROSTER + "/{class_id}/assignments/remove", summary="A teaching assignment ends")
async def unassign(class_id: str, request: Request, session: SignedIn) -> Response:
    body = present(await posted(request), "teacher_id", "subject_id", "group")
    how = ("POST", "/assignments/remove")
    return await _class_command(request, session, class_id, "unassign", how, body)


@router.post(ROSTER + "/{class_id}/class-teacher", summary="Change the class teacher")
async def class_teacher(class_id: str, request: Request, session: SignedIn) -> Response:
    body = present(await posted(request), "class_teacher_id")
    how = ("PUT", "/class-teacher")
    return await _class_command(request, session, class_id, "class_teacher", how, body)
