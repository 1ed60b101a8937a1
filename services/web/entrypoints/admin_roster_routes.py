"""`/admin/roster`: the classes and their pupils; registering a pupil, joining, leaving and
transferring, teaching assignments and the class teacher.

Every page first reads the year's list of pupils (`GET …/pupils`), which the journal gives the
administration only, so a teacher gets the refusal page before seeing anything. The roster
views follow a write by a moment: the note after a change says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.domain.admin import (
    class_sizes,
    day_after,
    membership,
    next_pupil_id,
    pupils_by_class,
)
from services.web.entrypoints.admin_forms import (
    FormRefusal,
    attempt,
    back_to,
    form_context,
    journal_year,
    missing,
    posted,
    present,
    request_key,
    seg,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render, today

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
    base, key = journal_year(request, session), await request_key(request)
    backends = deps_of(request).backends
    if not values.get("pupil_id"):
        return await _roster(request, session, missing("pupil", values, "pupil_id"))
    body = present(values, "full_name", "birth_date")
    path = f"{base}/pupils/{seg(values['pupil_id'])}"
    call = backends.send("journal", "PUT", path, session.token, json=body, idempotency_key=key)
    refusal = await attempt("pupil", values, call)
    if refusal is None and values.get("class_id"):
        join = {"pupil_id": values["pupil_id"], "since": values.get("since", "")}
        path = f"{base}/classes/{seg(values['class_id'])}/members"
        call = backends.send("journal", "POST", path, session.token, json=join, idempotency_key=key)
        refusal = await attempt("pupil", {**values, "registered": "1"}, call)
    if refusal is not None:
        return await _roster(request, session, refusal)
    if values.get("class_id"):
        return back_to(request, f"{ROSTER}/{seg(values['class_id'])}", done="joined")
    return back_to(request, ROSTER, done="registered")


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
    members = _with_states(
        (await backends.get("journal", path, session.token))["members"], today(request)
    )
    order = [k["class_id"] for k in roster["classes"]]
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    others = [p for p in pupils if p.get("class_id") != class_id]
    context: dict[str, Any] = {
        **_of_roster(roster, class_id),
        "members": members,
        "current_options": _current(members),
        "joinable": _grouped(others, order, labels),
        **form_context(request, refusal),
    }
    return render(request, "admin/class.html", context, status=status_of(refusal))


def _of_roster(roster: dict[str, Any], class_id: str) -> dict[str, Any]:
    """What the class page shows from the year's roster: the class, its teachers, the names."""
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    return {
        "class_id": class_id,
        "klass": next((k for k in roster["classes"] if k["class_id"] == class_id), None),
        "labels": labels,
        "assignments": [a for a in roster["assignments"] if a["class_id"] == class_id],
        "staff": {s["staff_id"]: s for s in roster["staff"]},
        "teacher_options": [
            (s["staff_id"], f"{s['full_name']} — {s['position']}") for s in roster["staff"]
        ],
        "subjects": {s["subject_id"]: s["name"] for s in roster["subjects"]},
        "other_classes": [(k, v) for k, v in labels.items() if k != class_id],
    }


def _with_states(members: list[dict[str, Any]], on: dt.date) -> list[dict[str, Any]]:
    """The membership intervals, each with where it stands on the day (`state`)."""
    for member in members:
        last_day = member["last_day"]
        member["state"] = membership(
            dt.date.fromisoformat(member["since"]),
            None if last_day is None else dt.date.fromisoformat(last_day),
            on,
        )
    return members


def _current(members: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pupils in the class now (or about to join), once each, for a select."""
    found = {
        m["pupil_id"]: f"{m['full_name'] or m['pupil_id']} ({m['pupil_id']})"
        for m in members
        if m["state"] != "left"
    }
    return sorted(found.items(), key=lambda item: item[1])


def _grouped(
    pupils: list[dict[str, Any]], order: list[str], labels: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Pupils for a select, grouped by their class today (`optgroup`s)."""
    return [
        (
            f"Класс {labels.get(k, k)}" if k else "Не в классе",
            [(p["pupil_id"], f"{p['full_name']} ({p['pupil_id']})") for p in group],
        )
        for k, group in pupils_by_class(pupils, order)
    ]


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
    key = await request_key(request)
    call = deps_of(request).backends.send(
        "journal", method, path, session.token, json=body, idempotency_key=key
    )
    refusal = await attempt(form, values, call)
    if refusal is not None:
        return await _class(request, session, class_id, refusal)
    return back_to(request, f"{ROSTER}/{seg(class_id)}", done=form)


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
    backends, base = deps_of(request).backends, journal_year(request, session)
    key = await request_key(request)  # scoped to each path: one for the leaving, one the joining
    reason = values.get("reason") or "перевод в другой класс"
    leave_path = f"{base}/classes/{seg(class_id)}/members/{seg(pupil)}/leave"
    leaving = {"last_day": values["last_day"], "reason": reason}
    call = backends.send(
        "journal", "POST", leave_path, session.token, json=leaving, idempotency_key=key
    )
    refusal = await attempt("transfer", values, call)
    if refusal is None:
        joining = {"pupil_id": pupil, "since": since}
        join_path = f"{base}/classes/{seg(target)}/members"
        call = backends.send(
            "journal", "POST", join_path, session.token, json=joining, idempotency_key=key
        )
        refusal = await attempt("transfer", {**values, "left": "1"}, call)
    if refusal is not None:
        return await _class(request, session, class_id, refusal)
    return back_to(request, f"{ROSTER}/{seg(target)}", done="transferred")


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
