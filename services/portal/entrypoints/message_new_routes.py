"""`/messages/new`: a teacher UID starts a thread to the parents and/or pupils of a class.

The classes offered are the teacher's live grants (the diary's profile): a subject of a class,
or the whole class for its class teacher. The diary resolves the recipients from live grants
when the thread starts and checks the grant again; its refusal of a field is shown beside it,
with nothing recorded. A first message with files goes to the diary's multipart start
(`POST …/threads/with-files`: the same body as JSON in the part `start`, the files beside it);
one without files to its plain JSON start. Either answers the same and records nothing it
refuses (a file too large, of a type it does not take): the form comes back with the error
beside the files and asks for them again, as a browser keeps no file of a form shown again.

Registered before `message_routes`, whose `/messages/{thread_id}` would otherwise take `new`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.limits import upload
from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import Session, SignedIn
from services.portal.domain.message_forms import (
    ACCEPTED_FILES,
    ATTACHMENT_HINT,
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
from services.portal.entrypoints.form_parts import (
    FILES_FIELD,
    Upload,
    key_of,
    new_key,
    read_form,
)
from services.portal.entrypoints.message_routes import messages_path
from services.portal.entrypoints.pages import deps_of, render, school_year

router = APIRouter(tags=["messages"])
_START_FIELDS = {
    "class_id": "class",
    "subject_id": "class",
    "to": "audience",
    "title": "title",
    "text": "text",
    "files": "files",
}
START_FIELD = "start"
"""The part of the diary's multipart start that carries the thread, as its JSON start takes it."""


async def _choices(request: Request, session: Session) -> list[ClassChoice]:
    """The teacher's classes to write about; a portal user who is no teacher is refused."""
    if "teacher" not in session.principal.roles:
        raise ApiRefused(403, "wrong_role", "only a teacher's UID starts a thread")
    return class_choices((await profile(request, session)).get("classes") or [])


@router.get("/messages/new", summary="The form to start a thread (teacher UID)")
async def new_thread_page(request: Request, session: SignedIn, to: str = "") -> HTMLResponse:
    choices = await _choices(request, session)
    return _form(request, choices, {"class": to, "audience": "parents"}, {}, new_key())


@router.post("/messages/new", summary="Start a thread (teacher UID), with files or without")
@upload("attachment_too_large")
async def start_thread(request: Request, session: SignedIn) -> Response:
    choices = await _choices(request, session)
    fields, uploads = await read_form(request)
    key = key_of(fields)
    wanted, errors = new_thread(fields, choices)
    if wanted is None:  # nothing sent: the key stays unbound and the form keeps it
        return _form(request, choices, fields, errors, key, status=422, files_lost=bool(uploads))
    try:
        answer = await _start(request, session, wanted.body(school_year(request)), uploads, key)
    except ApiRefused as refused:
        shown = refusal_errors(refused.status, refused.reason, refused.errors, _START_FIELDS)
        if shown is None:
            raise
        # The diary bound the key to the refused request: the form comes back with a new one.
        return _form(
            request,
            choices,
            fields,
            shown,
            new_key(),
            status=refused.status,
            files_lost=bool(uploads),
        )
    return RedirectResponse(f"/messages/{answer['thread_id']}", status_code=303)


async def _start(
    request: Request, session: Session, body: dict[str, Any], uploads: list[Upload], key: str
) -> Any:  # noqa: ANN401 - the diary's RecordedOut as JSON
    """Start the thread: the JSON start, or the multipart one when files go with it."""
    path = f"{messages_path(request)}/threads"
    diary = deps_of(request).diary
    if not uploads:
        return await diary.send("POST", path, session.token, json=body, idempotency_key=key)
    return await diary.send(
        "POST",
        f"{path}/with-files",
        session.token,
        data={START_FIELD: json.dumps(body)},
        files=[(FILES_FIELD, (u.name, u.content, u.media_type)) for u in uploads],
        idempotency_key=key,
    )


def _form(
    request: Request,
    choices: list[ClassChoice],
    values: dict[str, str],
    errors: dict[str, str],
    key: str,
    status: int = 200,
    *,
    files_lost: bool = False,
) -> HTMLResponse:
    """The form; `files_lost`: files were chosen but not sent (a browser keeps no file of a
    form shown again), so the person is asked to choose them again."""
    context: dict[str, Any] = {
        "choices": choices,
        "audiences": AUDIENCES,
        "values": values,
        "errors": errors,
        "key": key,
        "notice": NOTICE,
        "title_max": TITLE_MAX,
        "text_max": TEXT_MAX,
        "accepted": ACCEPTED_FILES,
        "hint": ATTACHMENT_HINT,
        "files_lost": files_lost or "files" in errors,
    }
    return render(request, "messages/new.html", context, status=status)
