"""Writing messages in the e-diary: a teacher starts a thread (with files or without) to the
pupils and/or parents of a class; participants post to it. Every answer carries `notice`, as the
reading routes' do (`message_routes`); files are checked before anything is recorded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import Json

from contracts.base import Token
from contracts.portal import MessagePosted, MessageText, ThreadStarted
from services.common.limits import upload
from services.common.text_problems import FILE_NAME, checked_text
from services.diary.application import messaging
from services.diary.application.ports import Deps
from services.diary.domain.attachments import Upload
from services.diary.domain.recipients import Addressed
from services.diary.entrypoints.deps import DepsDep, MessageRequestDep, TeacherMessageRequestDep
from services.diary.entrypoints.message_dto import (
    NOTICE,
    RecordedOut,
    StartBody,
)
from services.diary.entrypoints.message_routes import PREFIX, REFUSALS, attachments_out

router = APIRouter(prefix=PREFIX, tags=["messages"])


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
        attachments=attachments_out(school, recorded.thread_id, message.attachments),
        duplicate=recorded.duplicate,
    )


@router.post(
    "/threads",
    status_code=201,
    summary="Start a thread (teacher UID) to pupils and/or parents of a class",
    description=f"{NOTICE}\n\nRefusals: {REFUSALS} 422 `no_recipients`.",
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
        f"422 `empty_attachment` | `no_recipients`: nothing is recorded then. {REFUSALS}"
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


@router.post(
    "/threads/{thread_id}/messages",
    status_code=201,
    summary="Post a message (multipart: text and up to 5 files)",
    description=(
        f"{NOTICE}\n\n413 `attachment_too_large` | `too_many_attachments`; 415 "
        f"`unsupported_attachment_type`; 422 `empty_attachment`: nothing is recorded then. "
        f"{REFUSALS}"
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
