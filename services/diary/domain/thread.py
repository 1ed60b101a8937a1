"""A message thread of the portal: its state, commands, `decide` and `evolve`.

Pure: who may post, and who receives a message, come in as values the application resolved
from live grants (`services.diary.domain.recipients`); ids and the clock come in too.

Reading rules kept here, so that every view agrees: a participant sees the messages they wrote
or received; their unread messages are those they received after their read position; writing
a message, or starting the thread, reads the thread up to that message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from contracts.base import Event
from contracts.portal import Message, MessagePosted, Participant, ThreadRead, ThreadStarted


class MessagingError(Exception):
    """A message command the thread refuses."""


class ThreadNotFound(MessagingError):
    """No such thread, or the caller is not one of its participants (the same answer for both,
    so that a thread's existence is not revealed to outsiders)."""


class ThreadAlreadyStarted(MessagingError):
    """A thread of that id exists already."""


class ReadBeyondEnd(MessagingError):
    """A read position past the thread's last message."""


@dataclass(frozen=True, slots=True)
class Posted:
    """A message as the thread holds it: its place, the message, and who received it."""

    index: int
    message: Message
    recipients: frozenset[int]

    def visible_to(self, uid: int) -> bool:
        """Its author wrote it, or it was sent to them."""
        return self.message.author == uid or uid in self.recipients


_NO_PARTICIPANTS: Mapping[int, Participant] = MappingProxyType({})
_NO_READS: Mapping[int, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Thread:
    """The state of one thread (`started` False until its ThreadStarted)."""

    thread_id: str | None = None
    class_id: str | None = None
    subject_id: str | None = None
    title: str = ""
    started_by: int | None = None
    participants: Mapping[int, Participant] = field(default_factory=lambda: _NO_PARTICIPANTS)
    messages: tuple[Posted, ...] = ()
    read: Mapping[int, int] = field(default_factory=lambda: _NO_READS)

    @property
    def started(self) -> bool:
        """The thread exists."""
        return self.thread_id is not None

    def is_participant(self, uid: int) -> bool:
        """`uid` was added to the thread."""
        return uid in self.participants

    def visible(self, uid: int) -> tuple[Posted, ...]:
        """The messages `uid` wrote or received, in order."""
        return tuple(m for m in self.messages if m.visible_to(uid))

    def unread(self, uid: int) -> int:
        """Messages sent to `uid` after their read position (never negative)."""
        position = self.read.get(uid, 0)
        return sum(1 for m in self.messages if m.index > position and uid in m.recipients)


INITIAL = Thread()


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class ThreadCommand:
    """A command on a thread."""


@dataclass(frozen=True, slots=True)
class StartThread(ThreadCommand):
    """Start a thread with its first message; participants include the teacher who starts it."""

    thread_id: str
    class_id: str
    subject_id: str | None
    title: str
    participants: tuple[Participant, ...]
    message: Message


@dataclass(frozen=True, slots=True)
class PostMessage(ThreadCommand):
    """Post a message; `entitled` are the participants whose grants still give them access."""

    message: Message
    entitled: frozenset[int]


@dataclass(frozen=True, slots=True)
class MarkRead(ThreadCommand):
    """Participant `uid` has read up to message `up_to` (None: the last one)."""

    uid: int
    up_to: int | None = None


def decide(cmd: ThreadCommand, state: Thread) -> list[Event]:
    """The events a command yields on the thread: one, or none when it changes nothing."""
    match cmd:
        case StartThread():
            return [_start(cmd, state)]
        case PostMessage(message=message, entitled=entitled):
            return [_post(state, message, entitled)]
        case MarkRead(uid=uid, up_to=up_to):
            return _mark_read(state, uid, up_to)
        case _:
            raise TypeError(f"not a thread command: {cmd!r}")


def _start(cmd: StartThread, state: Thread) -> ThreadStarted:
    if state.started:
        raise ThreadAlreadyStarted(f"thread {cmd.thread_id!r} exists already")
    return ThreadStarted(
        thread_id=cmd.thread_id,
        class_id=cmd.class_id,
        subject_id=cmd.subject_id,
        title=cmd.title,
        started_by=cmd.message.author,
        participants=cmd.participants,
        message=cmd.message,
    )


def _post(state: Thread, message: Message, entitled: frozenset[int]) -> MessagePosted:
    if state.thread_id is None or not state.is_participant(message.author):
        raise ThreadNotFound("no such thread among yours")
    recipients = sorted(uid for uid in state.participants if uid in entitled)
    return MessagePosted(
        thread_id=state.thread_id,
        index=len(state.messages) + 1,
        message=message,
        recipients=tuple(uid for uid in recipients if uid != message.author),
    )


def _mark_read(state: Thread, uid: int, up_to: int | None) -> list[Event]:
    if state.thread_id is None or not state.is_participant(uid):
        raise ThreadNotFound("no such thread among yours")
    last = len(state.messages)
    target = last if up_to is None else up_to
    if target > last:
        raise ReadBeyondEnd(f"the thread has {last} messages, not {target}")
    if target <= state.read.get(uid, 0):
        return []  # already read that far: reading again records nothing
    return [ThreadRead(thread_id=state.thread_id, uid=uid, up_to=target)]


def evolve(state: Thread, event: Event) -> Thread:
    """The thread after one of its events (other events leave it alone)."""
    match event:
        case ThreadStarted():
            first = Posted(
                1,
                event.message,
                frozenset(p.uid for p in event.participants if p.uid != event.started_by),
            )
            return Thread(
                thread_id=event.thread_id,
                class_id=event.class_id,
                subject_id=event.subject_id,
                title=event.title,
                started_by=event.started_by,
                participants=MappingProxyType({p.uid: p for p in event.participants}),
                messages=(first,),
                read=MappingProxyType({event.started_by: 1}),
            )
        case MessagePosted(index=index, message=message, recipients=recipients):
            posted = Posted(index, message, frozenset(recipients))
            return replace(
                state,
                messages=(*state.messages, posted),
                read=_advanced(state.read, message.author, index),
            )
        case ThreadRead(uid=uid, up_to=up_to):
            return replace(state, read=_advanced(state.read, uid, up_to))
        case _:
            return state


def _advanced(read: Mapping[int, int], uid: int, position: int) -> Mapping[int, int]:
    """Read positions only move forward (a late or repeated event never moves one back)."""
    return MappingProxyType({**read, uid: max(read.get(uid, 0), position)})
