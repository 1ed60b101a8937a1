"""The messages' commands: start a thread, post, mark read. Load -> decide -> append, retried
on conflict, recorded at most once per command id (a retried request answers what it did; it
must carry the same request: see `services.common.idempotency`).

`execute` is that path for any aggregate of the PORTAL stream: the threads here, a portal
user's own data in `services.diary.application.profile`."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import reduce

from contracts import subjects
from contracts.base import Event
from contracts.envelope import Actor, Envelope, Role
from contracts.journal import Attachment
from contracts.portal import Message, Participant
from contracts.registry import PORTAL_REGISTRY
from services.common.decoding import decode_events
from services.common.eventstore import ConcurrencyConflict, Loaded
from services.common.idempotency import check_same_request, earlier_event
from services.diary.application.ports import Deps
from services.diary.domain import recipients as r
from services.diary.domain import thread as t
from services.diary.domain.access import Caller, Denied, check_portal_caller
from services.diary.domain.attachments import Upload, check_uploads, describe

MAX_ATTEMPTS = 5
THREAD_KIND = "thread"
_IDS = uuid.UUID("9a3e2f61-0c4b-4d8e-b6a7-3c5d1e9f2b84")


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
    return reduce(t.evolve, decode_events(PORTAL_REGISTRY, history.events), t.INITIAL)


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


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did on its aggregate: the subject's sequence after it, whether it was a
    retry of a command recorded before, and the event recorded (None: nothing to record)."""

    seq: int
    duplicate: bool = False
    event: Event | None = None


Decision = Callable[[Loaded], Awaitable[tuple[Event, Role] | None]]
"""Decides on an aggregate's history: the one event to record and the role it is recorded in
(None: the command changes nothing)."""


async def execute(deps: Deps, req: Request, subject: str, year: int, decide: Decision) -> Outcome:
    """Load, decide, append; a conflict reloads and decides again, at most MAX_ATTEMPTS times."""
    store = deps.messages.store
    conflict = ConcurrencyConflict(subject, 0)
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # another writer got there first: back off a little, with jitter
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311
        history = await store.load(subject)
        if (earlier := earlier_outcome(history, req)) is not None:
            return earlier
        decided = await decide(history)
        if decided is None:
            return Outcome(history.version.seq)
        event, role = decided
        try:
            appended = await store.append(
                subject,
                _envelope(deps, req, year, role, event),
                expected=history.version,
                msg_id=req.command_id,
                fingerprint=req.fingerprint,
            )
        except ConcurrencyConflict as error:
            conflict = error
            continue
        if appended.duplicate:  # JetStream's window caught it: on this subject or another
            check_same_request(appended.fingerprint, req.fingerprint)
        return Outcome(appended.seq, appended.duplicate, event)
    raise conflict


def earlier_outcome(history: Loaded, req: Request) -> Outcome | None:
    """What the command recorded on the aggregate before (it is a retry), as it recorded it; a
    key recorded with another request is refused (`IdempotencyKeyReused`)."""
    earlier = earlier_event(history, req.command_id, req.fingerprint)
    if earlier is None:
        return None
    (again,) = decode_events(PORTAL_REGISTRY, [earlier])
    return Outcome(earlier.seq, duplicate=True, event=again)


async def _execute(
    deps: Deps, req: Request, thread_id: str, year: int, role: Role | None, decide: Decide
) -> Recorded:
    """`execute` on a thread: `decide` sees the thread folded; the event is recorded in `role`,
    else in the caller's role among the participants."""

    async def on_thread(history: Loaded) -> tuple[Event, Role] | None:
        state = fold(history)
        events = await decide(state, history)
        if not events:
            return None
        (event,) = events
        return event, role or _role_in(state, req.uid)

    done = await execute(deps, req, thread_subject(req.school, thread_id), year, on_thread)
    return Recorded(thread_id, done.seq, done.duplicate, done.event)


def _earlier(history: Loaded, req: Request, thread_id: str) -> Recorded | None:
    """What the command recorded on the thread before (it is a retry), as it recorded it."""
    earlier = earlier_outcome(history, req)
    if earlier is None:
        return None
    return Recorded(thread_id, earlier.seq, duplicate=True, event=earlier.event)


def _role_in(state: t.Thread, uid: int) -> Role:
    participant = state.participants.get(uid)
    if participant is None:
        raise t.ThreadNotFound("no such thread among yours")
    return participant.role


def _envelope(deps: Deps, req: Request, year: int, role: Role, event: Event) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=deps.messages.now(),
        actor=Actor(id=str(req.uid), role=role),
        school=req.school,
        year=year,
        correlation_id=req.correlation_id,
        causation_id=req.command_id,
        data=event.model_dump(mode="json"),
    )
