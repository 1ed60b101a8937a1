"""`/messages/new`: a teacher UID starts a thread to the parents and/or pupils of a class.

The classes offered are the teacher's live grants (the diary's profile): a subject of a class,
or the whole class for its class teacher. The diary resolves the recipients from live grants
when the thread starts and checks the grant again; its refusal of a field is shown beside it,
with nothing recorded. The diary's start takes no files: they go with the replies.

Registered before `message_routes`, whose `/messages/{thread_id}` would otherwise take `new`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import Session, SignedIn
from services.portal.domain.message_forms import (
    AUDIENCES,
    TEXT_MAX,
    TITLE_MAX,
    ClassChoice,
    class_choices,
    new_thread,
    refusal_errors,
)
from services.portal.domain.messages import NOTICE
from services.portal.entrypoints.family_common import profile
from services.portal.entrypoints.form_parts import key_of, new_key, read_form
from services.portal.entrypoints.message_routes import messages_path
from services.portal.entrypoints.pages import deps_of, render, school_year

router = APIRouter(tags=["messages"])
_START_FIELDS = {
    "class_id": "class",
    "subject_id": "class",
    "to": "audience",
    "title": "title",
    "text": "text",
}


async def _choices(request: Request, session: Session) -> list[ClassChoice]:
    """The teacher's classes to write about; a portal user who is no teacher is refused."""
    if "teacher" not in session.principal.roles:
        raise ApiRefused(403, "wrong_role", "only a teacher's UID starts a thread")
    return class_choices((await profile(request, session)).get("classes") or [])


@router.get("/messages/new", summary="The form to start a thread (teacher UID)")
async def new_thread_page(request: Request, session: SignedIn, to: str = "") -> HTMLResponse:
    choices = await _choices(request, session)
    return _form(request, choices, {"class": to, "audience": "parents"}, {}, new_key())


@router.post("/messages/new", summary="Start a thread (teacher UID)")
async def start_thread(request: Request, session: SignedIn) -> Response:
    choices = await _choices(request, session)
    fields, _files = await read_form(request)
    key = key_of(fields)
    wanted, errors = new_thread(fields, choices)
    if wanted is None:  # nothing sent: the key stays unbound and the form keeps it
        return _form(request, choices, fields, errors, key, status=422)
    try:
        answer = await deps_of(request).diary.send(
            "POST",
            f"{messages_path(request)}/threads",
            session.token,
            json=wanted.body(school_year(request)),
            idempotency_key=key,
        )
    except ApiRefused as refused:
        shown = refusal_errors(refused.status, refused.reason, refused.errors, _START_FIELDS)
        if shown is None:
            raise
        return _form(request, choices, fields, shown, new_key(), status=refused.status)
    return RedirectResponse(f"/messages/{answer['thread_id']}", status_code=303)


def _form(
    request: Request,
    choices: list[ClassChoice],
    values: dict[str, str],
    errors: dict[str, str],
    key: str,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "choices": choices,
        "audiences": AUDIENCES,
        "values": values,
        "errors": errors,
        "key": key,
        "notice": NOTICE,
        "title_max": TITLE_MAX,
        "text_max": TEXT_MAX,
    }
    return render(request, "messages/new.html", context, status=status)
