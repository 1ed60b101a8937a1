"""The one command loop of every service that writes: load -> decide -> append.

A command loads its aggregate's history, decides on the folded state and appends the one event
it decided with optimistic concurrency (the history's version is the expected last subject
sequence). A conflict, another process having written first, reloads and decides again on fresh
state (after a short jittered backoff from the second retry on), at most MAX_ATTEMPTS times;
then `ConcurrencyConflict` goes up (409 at the HTTP edge).

A command is recorded at most once. Its message id (`Nats-Msg-Id`, the command id) lets
JetStream's duplicate window stop concurrent doubles, and a retried request finds its earlier
record in the history and is answered with it; the same Idempotency-Key with another request is
refused (`services.common.idempotency`). The event id is derived from the command id and the
subject (`services.common.aggregate.event_id`), so a retry reproduces it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from contracts.base import Event
from contracts.envelope import Actor
from services.common.aggregate import Aggregate, CommandMeta, Decision, EventLog
from services.common.eventstore import ConcurrencyConflict, Loaded, StoredEvent
from services.common.idempotency import check_same_request, earlier_event

S = TypeVar("S")
MAX_ATTEMPTS = 5
_ON_CONFLICT = retry_if_exception_type(ConcurrencyConflict)
_PAUSE = wait_random_exponential(multiplier=0.01)
"""Before a later retry, a pause drawn from [0, 0.01 * 2**n] seconds: writers that collided
spread out instead of colliding again."""

Decide = Callable[[S, Loaded], Awaitable[Decision | None]]
"""Decides on the aggregate's state (and its history): the one event to record, or None when
the command changes nothing."""
OneEvent = Callable[[S], list[Event]]
"""A domain decider bound to its command: the state in, the command's one event out (a list of
exactly one, as the deciders return it)."""


def one_event(decide: OneEvent[S], actor: Actor, year: Callable[[], int]) -> Decide[S]:
    """`decide` as the loop runs it: its one event, recorded by `actor` in the school year that
    `year()` gives when the command is decided."""

    async def decision(state: S, _history: Loaded) -> Decision:
        (event,) = decide(state)
        return Decision(event, actor, year())

    return decision


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a command did: the event it recorded (or had recorded before, when `duplicate`)."""

    subject: str
    seq: int
    event_type: str
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Outcome(Generic[S]):
    """What a command did on its aggregate: the subject's sequence after it and the history it
    was decided on (or answered from).

    `event` is the event recorded now (None when the command recorded nothing); `earlier` is the
    event a retried command recorded before, answered instead of deciding again; `duplicate`
    says the command had been recorded before (found in the history or in JetStream's window);
    `state` is the aggregate after the command (None when answered from `earlier`).
    """

    subject: str
    seq: int
    history: Loaded
    state: S | None = None
    event: Event | None = None
    earlier: StoredEvent | None = None
    duplicate: bool = False

    @property
    def event_type(self) -> str:
        """The type of the event recorded now or before ("" when nothing was recorded)."""
        if self.earlier is not None:
            return self.earlier.envelope.event_type
        return self.event.event_type if self.event is not None else ""

    @property
    def recorded(self) -> Recorded:
        """What the command did, without the history it was decided on."""
        return Recorded(self.subject, self.seq, self.event_type, self.duplicate)


async def run_command(
    log: EventLog,
    meta: CommandMeta,
    subject: str,
    aggregate: Aggregate[S],
    decide: Decide[S],
    *,
    msg_id: str | None = None,
) -> Outcome[S]:
    """Run one command against one aggregate; `msg_id` is the command id unless one command
    writes to several subjects (then each needs its own)."""
    async with _LOCKS.hold((id(log.store), subject)):
        # Nearly every command meets no other writer: its first attempt runs without the
        # retry machinery, which costs about as much as the command's own decision.
        with contextlib.suppress(ConcurrencyConflict):
            return await _attempt(log, meta, subject, aggregate, decide, msg_id)
        async for attempt in _retries():
            with attempt:
                return await _attempt(log, meta, subject, aggregate, decide, msg_id)
    raise AssertionError  # unreachable: with reraise=True the last conflict went up


def _retries() -> AsyncRetrying:
    """The attempts after a conflict: the first at once (the reload itself waits for the
    server, and the other writer's append is already done), the next ones after a jittered
    pause, up to MAX_ATTEMPTS in all; then the last conflict goes up."""
    return AsyncRetrying(
        retry=_ON_CONFLICT,
        stop=stop_after_attempt(MAX_ATTEMPTS - 1),
        wait=_PAUSE,
        reraise=True,
    )


async def _attempt(
    log: EventLog,
    meta: CommandMeta,
    subject: str,
    aggregate: Aggregate[S],
    decide: Decide[S],
    msg_id: str | None,
) -> Outcome[S]:
    msg_id = msg_id or meta.command_id
    history = await log.store.load(subject)
    if (earlier := earlier_event(history, msg_id, meta.fingerprint)) is not None:
        return Outcome(subject, earlier.seq, history, earlier=earlier, duplicate=True)
    state = await log.fold(aggregate, history)
    decision = await decide(state, history)
    if decision is None:
        return Outcome(subject, history.version.seq, history, state)
    appended = await log.store.append(
        subject,
        await log.envelope(meta, subject, decision),
        expected=history.version,
        msg_id=msg_id,
        fingerprint=meta.fingerprint,
    )
    if appended.duplicate:  # JetStream's window caught it: on this subject or another
        check_same_request(appended.fingerprint, meta.fingerprint)
    after = aggregate.evolve(state, decision.event)
    return Outcome(subject, appended.seq, history, after, decision.event, None, appended.duplicate)


class _SubjectLocks:
    """One lock per aggregate and store, so commands on it through one store (one process)
    queue instead of conflicting.

    Optimistic concurrency still guards against other processes; the locks only spare the
    retries that writers sharing a store would otherwise cause each other.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[tuple[int, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @contextlib.asynccontextmanager
    async def hold(self, key: tuple[int, str]) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield


_LOCKS = _SubjectLocks()
