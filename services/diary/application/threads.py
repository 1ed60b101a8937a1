"""The messages' views: my threads with unread counts, one thread, an attachment's bytes.

A thread is read from its own history (the event store), so a participant sees their post at
once; the list and the unread total come from the messages' read model. Nobody but a participant
learns that a thread exists: to anyone else it is `ThreadNotFound`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.journal import Attachment
from contracts.portal import MessagePosted, Participant, ThreadStarted
from services.diary.application.messaging import Request, fold, thread_subject, thread_year
from services.diary.application.portal_ports import ThreadSummary
from services.diary.application.ports import Deps
from services.diary.domain import recipients as r
from services.diary.domain import thread as t
from services.diary.domain.access import check_portal_caller

# The events that carry a message: the start (message 1), then each post.
_POSTS = frozenset({ThreadStarted.event_type, MessagePosted.event_type})


@dataclass(frozen=True, slots=True)
class ShownMessage:
    """A message as a participant sees it."""

    index: int
    message_id: str
    author: int
    text: str
    attachments: tuple[Attachment, ...]
    posted_at: dt.datetime
    unread: bool


@dataclass(frozen=True, slots=True)
class ThreadView:
    """A thread as one participant sees it."""

    thread_id: str
    year: int
    class_id: str
    subject_id: str | None
    title: str
    started_by: int
    participants: tuple[Participant, ...]
    messages: tuple[ShownMessage, ...]
    read_up_to: int
    unread: int
    can_post: bool


async def read_thread(deps: Deps, req: Request, thread_id: str) -> ThreadView:
    """The messages the caller wrote or received, what is new, and whether they may post."""
    check_portal_caller(req.caller, req.school)
    history = await deps.messages.store.load(thread_subject(req.school, thread_id))
    state = fold(history)
    uid = req.uid
    if state.thread_id is None or state.class_id is None or not state.is_participant(uid):
        raise t.ThreadNotFound("no such thread among yours")
    year = thread_year(history)
    grants = await deps.messages.directory.live_grants(req.school, year, [uid])
    can_post = r.entitled(state.participants[uid], grants, state.class_id, state.subject_id)
    read_up_to = state.read.get(uid, 0)
    # Message i (from 1) is the i-th event carrying a message; its time is that event's.
    times = [e.envelope.occurred_at for e in history.events if e.envelope.event_type in _POSTS]
    shown = tuple(
        ShownMessage(
            index=p.index,
            message_id=p.message.message_id,
            author=p.message.author,
            text=p.message.text,
            attachments=p.message.attachments,
            posted_at=times[p.index - 1],
            unread=uid in p.recipients and p.index > read_up_to,
        )
        for p in state.visible(uid)
    )
    return ThreadView(
        thread_id=state.thread_id,
        year=year,
        class_id=state.class_id,
        subject_id=state.subject_id,
        title=state.title,
        started_by=state.started_by or 0,
        participants=tuple(state.participants.values()),
        messages=shown,
        read_up_to=read_up_to,
        unread=state.unread(uid),
        can_post=can_post,
    )


async def my_threads(deps: Deps, req: Request, limit: int) -> list[ThreadSummary]:
    """The caller's threads, the latest message first, with their unread counts."""
    check_portal_caller(req.caller, req.school)
    return await deps.messages.threads.threads_of(req.school, req.uid, limit)


async def unread_total(deps: Deps, req: Request) -> int:
    """How many messages sent to the caller they have not read yet."""
    check_portal_caller(req.caller, req.school)
    return await deps.messages.threads.unread_total(req.school, req.uid)


@dataclass(frozen=True, slots=True)
class Download:
    """A message's file the caller may download."""

    name: str
    media_type: str
    data: bytes


async def download(deps: Deps, req: Request, thread_id: str, attachment_id: str) -> Download:
    """The bytes of a file of a message the caller wrote or received; ThreadNotFound else."""
    check_portal_caller(req.caller, req.school)
    state = fold(await deps.messages.store.load(thread_subject(req.school, thread_id)))
    if not state.is_participant(req.uid):
        raise t.ThreadNotFound("no such thread among yours")
    for posted in state.visible(req.uid):
        for attachment in posted.message.attachments:
            if attachment.attachment_id == attachment_id:
                data = await deps.messages.attachments.get(attachment_id)
                if data is None:
                    break
                return Download(attachment.name, attachment.media_type, data)
    raise AttachmentNotFound(f"no file {attachment_id!r} among the messages you see")


class AttachmentNotFound(t.MessagingError):
    """No such file in a message the caller sees (or its bytes are gone)."""
