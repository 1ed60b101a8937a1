"""Messages in the e-diary: teachers write to the parents or pupils of their classes; they reply.
Here the reading (threads, unread counts, a thread, read positions, files); the writing is
`message_write_routes`.

Every answer about threads carries `notice`: the messages are informal, not the school's
official correspondence. Someone who is not a participant gets 404 `thread_not_found` whether or
not the thread exists, so thread ids reveal nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from contracts.base import Token
from contracts.journal import Attachment
from services.diary.application import messaging, profile, threads
from services.diary.entrypoints.deps import DepsDep, MessageRequestDep
from services.diary.entrypoints.message_dto import (
    NOTICE,
    AttachmentOut,
    MessageOut,
    ParticipantOut,
    ReadBody,
    ReadOut,
    ThreadItem,
    ThreadOut,
    ThreadsOut,
    UnreadOut,
)

PREFIX = "/diary/v1/schools/{school}/messages"
router = APIRouter(prefix=PREFIX, tags=["messages"])
REFUSALS = (
    "403 `wrong_role` | `no_uid` | `wrong_school` | `no_grant` | `subject_required` | "
    "`not_in_class` | `access_revoked`; 404 `thread_not_found` (not a participant, or no such "
    "thread)."
)


def attachments_out(
    school: str, thread_id: str, files: tuple[Attachment, ...]
) -> list[AttachmentOut]:
    base = f"/diary/v1/schools/{school}/messages/threads/{thread_id}/attachments"
    return [
        AttachmentOut(**a.model_dump(exclude={"sha256"}), url=f"{base}/{a.attachment_id}")
        for a in files
    ]


@router.get("/threads", summary="My threads with their unread counts", description=NOTICE)
async def my_threads(
    req: MessageRequestDep, deps: DepsDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> ThreadsOut:
    """Threads the caller takes part in (teacher, parent or pupil), latest message first."""
    found = await threads.my_threads(deps, req, limit)
    names = await profile.subject_names(deps, req.school, (t.year for t in found))
    return ThreadsOut(
        unread=await threads.unread_total(deps, req),
        threads=[
            ThreadItem.model_validate(t, from_attributes=True).model_copy(
                update={"subject_name": names[t.year].get(t.subject_id or "")}
            )
            for t in found
        ],
    )


@router.get("/unread", summary="How many messages I have not read", description=NOTICE)
async def unread(req: MessageRequestDep, deps: DepsDep) -> UnreadOut:
    """Over all the caller's threads."""
    return UnreadOut(unread=await threads.unread_total(deps, req))


@router.get(
    "/threads/{thread_id}",
    summary="A thread: the messages I wrote or received",
    description=f"{NOTICE}\n\nReading does not mark read: POST .../read does. {REFUSALS}",
)
async def read_thread(thread_id: Token, req: MessageRequestDep, deps: DepsDep) -> ThreadOut:
    """After the caller's grant ended, what was sent before stays readable. Everyone is shown
    by role and the label they set («Родитель (мама Маши)»), never by a bare UID."""
    view = await threads.read_thread(deps, req, thread_id)
    labels = await profile.thread_labels(deps, req.school, view)
    return ThreadOut(
        thread_id=view.thread_id,
        year=view.year,
        class_id=view.class_id,
        subject_id=view.subject_id,
        subject_name=labels.subject_name,
        title=view.title,
        started_by=view.started_by,
        started_by_label=labels.of(view.started_by),
        participants=[
            ParticipantOut(uid=p.uid, role=p.role, pupils=list(p.pupils), label=labels.of(p.uid))
            for p in view.participants
        ],
        messages=[
            MessageOut(
                index=m.index,
                message_id=m.message_id,
                author=m.author,
                author_label=labels.of(m.author),
                text=m.text,
                posted_at=m.posted_at,
                unread=m.unread,
                attachments=attachments_out(req.school, view.thread_id, m.attachments),
            )
            for m in view.messages
        ],
        read_up_to=view.read_up_to,
        unread=view.unread,
        can_post=view.can_post,
    )


@router.post(
    "/threads/{thread_id}/read",
    summary="Mark the thread read (up to a message)",
    description=f"{NOTICE}\n\n422 `read_beyond_end`; {REFUSALS}",
)
async def mark_read(
    thread_id: Token, req: MessageRequestDep, deps: DepsDep, body: ReadBody | None = None
) -> ReadOut:
    """Read positions only move forward; marking again records nothing."""
    await messaging.mark_read(deps, req, thread_id, body.up_to if body else None)
    view = await threads.read_thread(deps, req, thread_id)
    return ReadOut(thread_id=thread_id, read_up_to=view.read_up_to, unread=view.unread)


@router.get(
    "/threads/{thread_id}/attachments/{attachment_id}",
    summary="A file of a message I wrote or received",
    description=f"{NOTICE}\n\n404 `attachment_not_found`; {REFUSALS}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_message_file(
    thread_id: Token, attachment_id: Token, req: MessageRequestDep, deps: DepsDep
) -> Response:
    """The bytes, named."""
    found = await threads.download(deps, req, thread_id, attachment_id)
    return Response(
        content=found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}"},
    )
