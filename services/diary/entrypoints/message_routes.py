"""Messages in the e-diary: teachers write to the parents or pupils of their classes; they reply.

Every answer about threads carries `notice`: the messages are informal, not the school's
official correspondence. Someone who is not a participant gets 404 `thread_not_found` whether or
not the thread exists, so thread ids reveal nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import Json

from contracts.base import Token
from contracts.journal import Attachment
from contracts.portal import MessagePosted, MessageText, ThreadStarted
from services.common.limits import upload
from services.common.text_problems import FILE_NAME, checked_text
from services.diary.application import messaging, profile, threads
from services.diary.application.ports import Deps
from services.diary.domain.attachments import Upload
from services.diary.domain.recipients import Addressed
from services.diary.entrypoints.deps import DepsDep, MessageRequestDep, TeacherMessageRequestDep
from services.diary.entrypoints.message_dto import (
    NOTICE,
    AttachmentOut,
    MessageOut,
    ParticipantOut,
    ReadBody,
    ReadOut,
    RecordedOut,
    StartBody,
    ThreadItem,
    ThreadOut,
    ThreadsOut,
    UnreadOut,
)

PREFIX = "/diary/v1/schools/{school}/messages"
router = APIRouter(prefix=PREFIX, tags=["messages"])
_REFUSALS = (
    "403 `wrong_role` | `no_uid` | `wrong_school` | `no_grant` | `subject_required` | "
    "`not_in_class` | `access_revoked`; 404 `thread_not_found` (not a participant, or no such "
    "thread)."
)


def _files(school: str, thread_id: str, files: tuple[Attachment, ...]) -> list[AttachmentOut]:
    base = f"/diary/v1/schools/{school}/messages/threads/{thread_id}/attachments"
    return [
        AttachmentOut(**a.model_dump(exclude={"sha256"}), url=f"{base}/{a.attachment_id}")
        for a in files
    ]


def _recorded(school: str, recorded: messaging.Recorded) -> RecordedOut:
    event = recorded.event
    if isinstance(event, ThreadStarted):
        index, message, count = 1, event.message, len(event.participants) - 1
    elif isinstance(event, MessagePosted):
        index, message, count = event.index, event.message, len(event.recipients)
    else:  # pragma: no cover - starts and posts record one of those two
        raise TypeError(f"unexpected {event!r}")
    return RecordedOut(
        thread_id=recorded.thread_id,
        index=index,
        message_id=message.message_id,
        recipients=count,
        attachments=_files(school, recorded.thread_id, message.attachments),
        duplicate=recorded.duplicate,
    )


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


@router.post(
    "/threads",
    status_code=201,
    summary="Start a thread (teacher UID) to pupils and/or parents of a class",
    description=f"{NOTICE}\n\nRefusals: {_REFUSALS} 422 `no_recipients`.",
)
async def start(body: StartBody, req: TeacherMessageRequestDep, deps: DepsDep) -> RecordedOut:
    """Recipients are resolved now, from live grants, and recorded as the participants."""
    return _recorded(req.school, await messaging.start_thread(deps, req, _start(body, ())))


@router.post(
    "/threads/with-files",
    status_code=201,
    summary="Start a thread with files (multipart: `start` as JSON, up to 5 `files`)",
    description=(
        f"{NOTICE}\n\nThe same as POST .../threads, its first message carrying files. 413 "
        f"`attachment_too_large` | `too_many_attachments`; 415 `unsupported_attachment_type`; "
        f"422 `empty_attachment` | `no_recipients`: nothing is recorded then. {_REFUSALS}"
    ),
)
@upload("attachment_too_large")
async def start_with_files(
    req: TeacherMessageRequestDep,
    deps: DepsDep,
    start: Annotated[Json[StartBody], Form(description="the thread, as POST .../threads takes it")],
    files: Annotated[list[UploadFile] | None, File(description="attachments")] = None,
) -> RecordedOut:
    """Recipients are resolved now; the files are stored only once the start is allowed."""
    uploads = await _uploads(deps, files)
    return _recorded(req.school, await messaging.start_thread(deps, req, _start(start, uploads)))


def _start(body: StartBody, uploads: tuple[Upload, ...]) -> messaging.StartThread:
    pupils = None if body.to.pupils == "all" else frozenset(body.to.pupils)
    return messaging.StartThread(
        class_id=body.class_id,
        subject_id=body.subject_id,
        addressed=Addressed(pupils, body.to.audience),
        title=body.title,
        text=body.text,
        year=body.year,
        uploads=uploads,
    )


async def _uploads(deps: Deps, files: list[UploadFile] | None) -> tuple[Upload, ...]:
    """The request's files, read no further than it takes to refuse one that is too big."""
    limits = deps.messages.limits
    uploads: list[Upload] = []
    for index, file in enumerate((files or [])[: limits.max_files + 1]):  # one more refuses
        data = await file.read(limits.max_bytes + 1)
        given = (file.filename or "").strip()[:200] or "file"
        name = checked_text(FILE_NAME, given, ("body", "files", index, "filename"))
        media_type = (file.content_type or "application/octet-stream").split(";")[0]
        uploads.append(Upload(name, media_type.strip().lower(), data))
    return tuple(uploads)


@router.get(
    "/threads/{thread_id}",
    summary="A thread: the messages I wrote or received",
    description=f"{NOTICE}\n\nReading does not mark read: POST .../read does. {_REFUSALS}",
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
                attachments=_files(req.school, view.thread_id, m.attachments),
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
    description=f"{NOTICE}\n\n422 `read_beyond_end`; {_REFUSALS}",
)
async def mark_read(
    thread_id: Token, req: MessageRequestDep, deps: DepsDep, body: ReadBody | None = None
) -> ReadOut:
    """Read positions only move forward; marking again records nothing."""
    await messaging.mark_read(deps, req, thread_id, body.up_to if body else None)
    view = await threads.read_thread(deps, req, thread_id)
    return ReadOut(thread_id=thread_id, read_up_to=view.read_up_to, unread=view.unread)


@router.post(
    "/threads/{thread_id}/messages",
    status_code=201,
    summary="Post a message (multipart: text and up to 5 files)",
    description=(
        f"{NOTICE}\n\n413 `attachment_too_large` | `too_many_attachments`; 415 "
        f"`unsupported_attachment_type`; 422 `empty_attachment`: nothing is recorded then. "
        f"{_REFUSALS}"
    ),
)
@upload("attachment_too_large")
async def post_message(
    thread_id: Token,
    req: MessageRequestDep,
    deps: DepsDep,
    text: Annotated[MessageText, Form()],
    files: Annotated[list[UploadFile] | None, File(description="attachments")] = None,
) -> RecordedOut:
    """The participants whose grants still hold receive it."""
    uploads = await _uploads(deps, files)
    recorded = await messaging.post_message(deps, req, thread_id, text, uploads)
    return _recorded(req.school, recorded)


@router.get(
    "/threads/{thread_id}/attachments/{attachment_id}",
    summary="A file of a message I wrote or received",
    description=f"{NOTICE}\n\n404 `attachment_not_found`; {_REFUSALS}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(
    thread_id: Token, attachment_id: Token, req: MessageRequestDep, deps: DepsDep
) -> Response:
    """The bytes, named."""
    found = await threads.download(deps, req, thread_id, attachment_id)
    return Response(
        content=found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}"},
    )
