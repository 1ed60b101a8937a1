"""The messages' commands: start a thread, post, mark read, on the one command loop
(`services.common.command_loop`): load -> decide -> append, retried on conflict, recorded at
most once per command id (a retried request answers what it did; it must carry the same
request: see `services.common.idempotency`).

`execute` is that loop for any aggregate of the PORTAL stream: the threads here, a portal
user's own data in `services.diary.application.profile`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from contracts import subjects
from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import Attachment
from contracts.portal import Message, Participant
from contracts.registry import PORTAL_REGISTRY
from contracts.roles import Role
from services.common.aggregate import Aggregate, Decision, EventLog
from services.common.command_loop import Outcome, run_command
from services.common.eventstore import Loaded, StoredEvent
from services.common.idempotency import earlier_event
from services.diary.application.ports import Deps
from services.diary.domain import recipients as r
from services.diary.domain import thread as t
from services.diary.domain.access import Caller, Denied, check_portal_caller
from services.diary.domain.attachments import Upload, check_uploads, describe

S = TypeVar("S")
THREAD_KIND = "thread"
_IDS = uuid.UUID("9a3e2f61-0c4b-4d8e-b6a7-3c5d1e9f2b84")
THREAD = Aggregate(t.INITIAL, t.evolve, PORTAL_REGISTRY)


@dataclass(frozen=True, slots=True)
class Request:
    """Who sends a command to which school, under which ids; `fingerprint` is the request's
    under an Idempotency-Key ("" without one)."""

    school: str
    caller: Caller
    command_id: str
    correlation_id: str
    fingerprint: str = ""

    @property
    def uid(self) -> int:
        """The caller's portal UID (checked before any command runs)."""
        if self.caller.uid is None:
            raise Denied("no_uid", "the token carries no portal UID")
        return self.caller.uid


@dataclass(frozen=True, slots=True)
class StartThread:
    """What a teacher asks for when starting a thread."""

    class_id: str
    subject_id: str | None
    addressed: r.Addressed
    title: str
    text: str
    year: int | None = None
    uploads: tuple[Upload, ...] = ()


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a command did on a thread (`duplicate`: a retry of a command already recorded)."""

    thread_id: str
    seq: int
    duplicate: bool = False
    event: Event | None = None


def thread_subject(school: str, thread_id: str) -> str:
    """The thread's subject on the PORTAL stream."""
    return subjects.portal(school, THREAD_KIND, thread_id)


def _id(prefix: str, command_id: str) -> str:
    """An id derived from the command, so a retried request makes the same one."""
    return f"{prefix}-{uuid.uuid5(_IDS, command_id).hex}"


def fold(history: Loaded) -> t.Thread:
    """The thread after its whole history."""
    return THREAD.fold(history)


def thread_year(history: Loaded) -> int:
    """The school year a thread belongs to: its first event's."""
    if not history.events:
        raise t.ThreadNotFound("no such thread among yours")
    return history.events[0].envelope.year


async def start_thread(deps: Deps, req: Request, cmd: StartThread) -> Recorded:
    """Start a thread from a teacher to the pupils and/or parents of their class.

    A retry answers from the record before the recipients are resolved again: they may have
    changed since, and the thread was started with the first ones.
    """
    uid = r.check_teacher(req.caller, req.school)
    check_uploads(deps.messages.limits, cmd.uploads)  # refused files: nothing stored or sent
    thread_id = _id("t", req.command_id)
    history = await deps.messages.store.load(thread_subject(req.school, thread_id))
    if (earlier := _earlier(history, req, thread_id)) is not None:
        return earlier
    today = deps.clock.today()
    year = cmd.year or r.school_year_of(today)
    mine = await deps.reads.grants_of(req.school, year, uid)
    r.check_teaches(req.caller, mine, cmd.class_id, cmd.subject_id)
    members = await deps.reads.members(req.school, year, cmd.class_id)
    pupils = r.addressed_pupils(members, cmd.class_id, cmd.addressed, today)
    found = await deps.messages.directory.pupil_grants(req.school, year, pupils)
    to = r.recipients(pupils, found, cmd.addressed.audience, author=uid)
    attachments = tuple(describe(req.command_id, i, u) for i, u in enumerate(cmd.uploads))
    message_id = _id("m", req.command_id)
    start = t.StartThread(
        thread_id=thread_id,
        class_id=cmd.class_id,
        subject_id=cmd.subject_id,
        title=cmd.title,
        participants=(Participant(uid=uid, role="teacher"), *to),
        message=Message(message_id=message_id, author=uid, text=cmd.text, attachments=attachments),
    )

    async def decide(state: t.Thread, _history: Loaded) -> list[Event]:
        events = t.decide(start, state)
        await _store_files(deps, attachments, cmd.uploads)  # only once the start is allowed
        return events

    return await _execute(deps, req, start.thread_id, year, "teacher", decide)


async def post_message(
    deps: Deps, req: Request, thread_id: str, text: str, uploads: tuple[Upload, ...]
) -> Recorded:
    """Post to a thread the caller takes part in and still has access to, with files."""
    check_portal_caller(req.caller, req.school)
    check_uploads(deps.messages.limits, uploads)  # refused files: nothing stored, nothing sent
    attachments = tuple(describe(req.command_id, i, u) for i, u in enumerate(uploads))
    message = Message(
        message_id=_id("m", req.command_id), author=req.uid, text=text, attachments=attachments
    )

    async def decide(state: t.Thread, history: Loaded) -> list[Event]:
        entitled = await _entitled(deps, req, state, history)
        if req.uid not in entitled:
            raise Denied("access_revoked", "your access ended: you may read, not post")
        events = t.decide(t.PostMessage(message, entitled), state)
        await _store_files(deps, attachments, uploads)  # only once the post is allowed
        return events

    year = await _year_of(deps, req, thread_id)
    return await _execute(deps, req, thread_id, year, None, decide)


async def mark_read(deps: Deps, req: Request, thread_id: str, up_to: int | None) -> Recorded:
    """Record that the caller read the thread up to a message (the last one by default)."""
    check_portal_caller(req.caller, req.school)

    async def decide(state: t.Thread, _history: Loaded) -> list[Event]:
        return t.decide(t.MarkRead(req.uid, up_to), state)

    year = await _year_of(deps, req, thread_id)
    return await _execute(deps, req, thread_id, year, None, decide)


async def _store_files(
    deps: Deps, attachments: tuple[Attachment, ...], uploads: tuple[Upload, ...]
) -> None:
    """Put a message's files into the portal's bucket under their attachment ids (putting the
    same bytes again on a retry of the decision overwrites them with themselves)."""
    for attachment, upload in zip(attachments, uploads, strict=True):
        await deps.messages.attachments.put(
            attachment.attachment_id, upload.media_type, upload.data
        )


async def _year_of(deps: Deps, req: Request, thread_id: str) -> int:
    return thread_year(await deps.messages.store.load(thread_subject(req.school, thread_id)))


async def _entitled(deps: Deps, req: Request, state: t.Thread, history: Loaded) -> frozenset[int]:
    """The participants whose grants still give them access to the thread."""
    if state.class_id is None or not state.is_participant(req.uid):
        raise t.ThreadNotFound("no such thread among yours")
    grants = await deps.messages.directory.live_grants(
        req.school, thread_year(history), list(state.participants)
    )
    return r.entitled_uids(state.participants.values(), grants, state.class_id, state.subject_id)


Decide = Callable[[t.Thread, Loaded], Awaitable[list[Event]]]
Decided = Callable[[S, Loaded], Awaitable[tuple[Event, Role] | None]]
"""Decides on an aggregate of the PORTAL stream: the one event to record and the role it is
recorded in (None: the command changes nothing)."""


async def execute(
    deps: Deps, req: Request, subject: str, year: int, aggregate: Aggregate[S], decide: Decided[S]
) -> Outcome[S]:
    """Run one command on an aggregate of the PORTAL stream, its event recorded in `year` by
    the caller in the role the decision names."""

    async def decision(state: S, history: Loaded) -> Decision | None:
        decided = await decide(state, history)
        if decided is None:
            return None
        event, role = decided
        return Decision(event, Actor(id=str(req.uid), role=role), year)

    log = EventLog(deps.messages.store, deps.clock.now)
    return await run_command(log, req, subject, aggregate, decision)


async def _execute(
    deps: Deps, req: Request, thread_id: str, year: int, role: Role | None, decide: Decide
) -> Recorded:
    """`execute` on a thread: `decide` sees the thread folded; the event is recorded in `role`,
    else in the caller's role among the participants."""

    async def on_thread(state: t.Thread, history: Loaded) -> tuple[Event, Role] | None:
        events = await decide(state, history)
        if not events:
            return None
        (event,) = events
        return event, role or _role_in(state, req.uid)

    subject = thread_subject(req.school, thread_id)
    done = await execute(deps, req, subject, year, THREAD, on_thread)
    if done.earlier is not None:
        return _answer(thread_id, done.earlier)
    return Recorded(thread_id, done.seq, done.duplicate, done.event)


def _earlier(history: Loaded, req: Request, thread_id: str) -> Recorded | None:
    """What the command recorded on the thread before (it is a retry), as it recorded it; a
    key recorded with another request is refused (`IdempotencyKeyReused`)."""
    earlier = earlier_event(history, req.command_id, req.fingerprint)
    return None if earlier is None else _answer(thread_id, earlier)


def _answer(thread_id: str, earlier: StoredEvent) -> Recorded:
    """A retry's answer: the event the command recorded before."""
    (event,) = THREAD.decode([earlier])
    return Recorded(thread_id, earlier.seq, duplicate=True, event=event)


def _role_in(state: t.Thread, uid: int) -> Role:
    participant = state.participants.get(uid)
    if participant is None:
        raise t.ThreadNotFound("no such thread among yours")
    return participant.role
