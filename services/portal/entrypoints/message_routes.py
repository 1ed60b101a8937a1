"""Messages for teachers, parents and pupils: the list of threads, a thread with its reply form,
a message's files, and the menu's count of unread messages.

The fixed addresses (`/messages/badge`, and `/messages/new` of `message_new_routes`, which
is registered first) come before `/messages/{thread_id}`.

Every page asks the diary with the reader's token; the diary decides whose threads they are
(someone else's thread is its 404, shown as the refusal page). Opening a thread marks it read
up to the last message shown, through the diary's `POST …/threads/{id}/read`. A reply is posted
as the diary's multipart form (text and files) under the form's Idempotency-Key; what the
diary refuses of it (a file too large, of a type it does not take, an empty text) is shown
beside the field, with nothing recorded.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.limits import upload
from services.common.webapp.backends import ApiRefused, ApiUnavailable
from services.common.webapp.session import Session, SignedIn, session_of
from services.portal.domain.message_forms import (
    ACCEPTED_FILES,
    ATTACHMENT_HINT,
    TEXT_MAX,
    refusal_errors,
    reply_errors,
)
from services.portal.domain.messages import NOTICE, places_of, thread_lines, thread_page
from services.portal.entrypoints.family_common import checked_id, profile
from services.portal.entrypoints.form_parts import (
    FILES_FIELD,
    key_of,
    new_key,
    read_form,
    school_zone,
)
from services.portal.entrypoints.pages import deps_of, render, today

router = APIRouter(tags=["messages"])
_REPLY_FIELDS = {"text": "text", "files": "files"}


def messages_path(request: Request) -> str:
    """The diary's path of the school's messages."""
    return f"/schools/{deps_of(request).school}/messages"


def reader_uid(session: Session) -> int:
    """The signed-in portal user's UID (a portal session always has one; the diary refuses a
    token without it the same way)."""
    if session.principal.uid is None:
        raise ApiRefused(403, "no_uid", "a portal user's token carries a UID")
    return session.principal.uid


@router.get("/messages", summary="My threads, the latest first, with unread counts")
async def threads_page(request: Request, session: SignedIn) -> HTMLResponse:
    found, own = await asyncio.gather(
        deps_of(request).diary.get(f"{messages_path(request)}/threads", session.token),
        profile(request, session),
    )
    lines = thread_lines(found["threads"], places_of(own), today(request), school_zone(request))
    context = {
        "threads": lines,
        "unread": int(found["unread"]),
        "notice": NOTICE,
        "can_start": "teacher" in session.principal.roles,
    }
    return render(request, "messages/index.html", context)


@router.get("/messages/badge", summary="The menu's count of unread messages (htmx fragment)")
async def unread_badge(request: Request) -> HTMLResponse:
    """Never a page of its own: signed out, refused or during an outage it is simply empty, so
    the page around it stays as it is."""
    session = session_of(request)
    unread = 0
    if session is not None:
        try:
            answer = await deps_of(request).diary.get(
                f"{messages_path(request)}/unread", session.token
            )
            unread = int(answer["unread"])
        except (ApiRefused, ApiUnavailable):
            unread = 0
    page = render(request, "messages/_badge.html", {"unread": unread})
    page.headers["Cache-Control"] = "no-store"
    return page


@router.get("/messages/{thread_id}", summary="A thread: its messages and the reply form")
async def thread(request: Request, session: SignedIn, thread_id: str) -> HTMLResponse:
    return await _thread_page(request, session, checked_id(thread_id), mark_read=True)


@router.post("/messages/{thread_id}", summary="Reply in a thread (text and files)")
@upload("attachment_too_large")
async def reply(request: Request, session: SignedIn, thread_id: str) -> Response:
    checked_id(thread_id)
    fields, uploads = await read_form(request)
    key = key_of(fields)
    errors = reply_errors(fields)
    if errors:  # nothing sent: the key stays unbound and the form keeps it
        return await _thread_page(request, session, thread_id, errors, fields, key, status=422)
    parts = [(FILES_FIELD, (u.name, u.content, u.media_type)) for u in uploads]
    try:
        answer = await deps_of(request).diary.send(
            "POST",
            f"{messages_path(request)}/threads/{thread_id}/messages",
            session.token,
            data={"text": fields["text"]},
            files=parts,
            idempotency_key=key,
        )
    except ApiRefused as refused:
        shown = refusal_errors(refused.status, refused.reason, refused.errors, _REPLY_FIELDS)
        if shown is None:
            raise
        # The diary bound the key to the refused request: the form comes back with a new one.
        return await _thread_page(
            request, session, thread_id, shown, fields, new_key(), status=refused.status
        )
    return RedirectResponse(f"/messages/{thread_id}#m{answer['index']}", status_code=303)


async def _thread_page(
    request: Request,
    session: Session,
    thread_id: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    key: str | None = None,
    *,
    mark_read: bool = False,
    status: int = 200,
) -> HTMLResponse:
    path = f"{messages_path(request)}/threads/{thread_id}"
    found, own = await asyncio.gather(
        deps_of(request).diary.get(path, session.token), profile(request, session)
    )
    view = thread_page(
        found,
        reader=reader_uid(session),
        places=places_of(own),
        today=today(request),
        zone=school_zone(request),
    )
    if mark_read and view.unread:
        await _mark_read(request, session, path, view.last_index)
    context: dict[str, Any] = {
        "view": view,
        "notice": NOTICE,
        "errors": errors or {},
        "values": values or {},
        "key": key or new_key(),
        "accepted": ACCEPTED_FILES,
        "hint": ATTACHMENT_HINT,
        "text_max": TEXT_MAX,
    }
    return render(request, "messages/thread.html", context, status=status)


async def _mark_read(request: Request, session: Session, path: str, up_to: int) -> None:
    """Mark the thread read up to the last message shown (not beyond: a message arriving
    meanwhile stays unread). Reading is what was asked for: if the diary refuses or cannot
    record the mark now, the page still shows, and the next opening marks it."""
    try:
        await deps_of(request).diary.send(
            "POST", f"{path}/read", session.token, json={"up_to": up_to}
        )
    except (ApiRefused, ApiUnavailable):
        return


@router.get(
    "/messages/{thread_id}/files/{attachment_id}",
    summary="A message's file (the diary's download)",
)
async def message_file(
    request: Request, session: SignedIn, thread_id: str, attachment_id: str
) -> Response:
    checked_id(thread_id)
    checked_id(attachment_id)
    path = f"{messages_path(request)}/threads/{thread_id}/attachments/{attachment_id}"
    file = await deps_of(request).diary.download(path, session.token)
    return file.response()
