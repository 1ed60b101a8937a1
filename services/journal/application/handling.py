"""The one imperative loop every command goes through: load -> decide -> append, retried on
conflict, recorded at most once per command id (a retry must carry the same request: see
`services.common.idempotency`)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, TypeVar

from contracts.base import Event
from contracts.envelope import Actor, Envelope
from contracts.personal import Opener
from contracts.registry import JOURNAL_REGISTRY
from services.common.decoding import decode_events
from services.common.eventstore import ConcurrencyConflict, Loaded, StoredEvent
from services.common.idempotency import check_same_request, earlier_event
from services.common.keystore import ring_for_history, seal_payload
from services.journal.application.ports import Deps

S = TypeVar("S")
MAX_ATTEMPTS = 5
_EVENT_IDS = uuid.UUID("6f1d8a52-6a38-4a8e-9d0c-7c1b1f0e2a11")


@dataclass(frozen=True, slots=True)
class Meta:
    """Who sends a command, for which school year, and under which ids; `fingerprint` is the
    request's under an Idempotency-Key ("" without one, and for commands made in-process)."""

    command_id: str
    correlation_id: str
    actor: Actor
    school: str
    year: int
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a command did: the event it recorded (or had recorded before, when `duplicate`)."""

    subject: str
    seq: int
    event_type: str
    duplicate: bool = False


class Aggregate(Generic[S]):
    """How to rebuild one kind of aggregate from its events, remembering recent states.

    A remembered state is reused only when the history still ends, at the same position, with the
    event it was folded up to (compared by chain hash, which covers everything before it), so
    only events appended since are decoded and folded.
    """

    def __init__(
        self, initial: S, evolve: Callable[[S, Event], S], *, memory: int = 20_000
    ) -> None:
        self.initial = initial
        self.evolve = evolve
        self._memo: OrderedDict[str, tuple[int, str, S]] = OrderedDict()
        self._memory = memory

    def fold(self, history: Loaded, opener: Opener | None = None) -> S:
        """The aggregate's state after its whole history (`opener` opens sealed personal data)."""
        events = history.events
        done, state = 0, self.initial
        remembered = self._memo.pop(history.subject, None)
        if remembered is not None:
            count, last_hash, memo_state = remembered
            if 0 < count <= len(events) and events[count - 1].hash == last_hash:
                done, state = count, memo_state
        state = reduce(self.evolve, decode_all(events[done:], opener), state)
        if events:
            self._memo[history.subject] = (len(events), events[-1].hash, state)
            if len(self._memo) > self._memory:
                self._memo.popitem(last=False)
        return state


async def fold_of(deps: Deps, aggregate: Aggregate[S], subject: str) -> S:
    """An aggregate's current state, loaded and folded with the keys its history needs."""
    history = await deps.store.load(subject)
    return aggregate.fold(history, await ring_for_history(deps.keys, history.events))


def decode_all(events: Sequence[StoredEvent], opener: Opener | None = None) -> list[Event]:
    """Payloads of stored events, upcast to the current versions (`UndecodableEvent` names
    one that cannot be, and the HTTP edge answers it with a reason instead of a 500)."""
    return decode_events(JOURNAL_REGISTRY, events, opener)


def msg_id_for(meta: Meta, subject: str, *, shared: bool) -> str:
    """The deduplication id: the command id, plus the subject when one command spans many."""
    return f"{meta.command_id}:{subject}" if shared else meta.command_id


def earlier_record(history: Loaded, meta: Meta, *, shared: bool = False) -> Recorded | None:
    """What the command recorded on this subject before (it is a retry), if anything; a key
    recorded with another request is refused (`IdempotencyKeyReused`)."""
    msg_id = msg_id_for(meta, history.subject, shared=shared)
    earlier = earlier_event(history, msg_id, meta.fingerprint)
    if earlier is None:
        return None
    return Recorded(history.subject, earlier.seq, earlier.envelope.event_type, duplicate=True)


async def execute(
    deps: Deps,
    meta: Meta,
    subject: str,
    aggregate: Aggregate[S],
    decide: Callable[[S], list[Event]],
    *,
    shared: bool = False,
) -> Recorded:
    """Run one command against one aggregate.

    A command already recorded on the subject (a retried request) answers with what it recorded
    then. A conflict reloads and decides again on fresh state, at most MAX_ATTEMPTS times.
    """
    async with _LOCKS.hold((id(deps.store), subject)):
        return await _attempts(deps, meta, subject, aggregate, decide, shared=shared)


async def _attempts(
    deps: Deps,
    meta: Meta,
    subject: str,
    aggregate: Aggregate[S],
    decide: Callable[[S], list[Event]],
    *,
    shared: bool,
) -> Recorded:
    msg_id = msg_id_for(meta, subject, shared=shared)
    conflict = ConcurrencyConflict(subject, 0)
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # another process wrote first: back off a little, with jitter
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311
        history = await deps.store.load(subject)
        if (earlier := earlier_record(history, meta, shared=shared)) is not None:
            return earlier
        keys = await ring_for_history(deps.keys, history.events)
        (event,) = decide(aggregate.fold(history, keys))
        data = await seal_payload(deps.keys, meta.school, event)
        envelope = envelope_for(deps, meta, subject, event, data)
        try:
            appended = await deps.store.append(
                subject,
                envelope,
                expected=history.version,
                msg_id=msg_id,
                fingerprint=meta.fingerprint,
            )
        except ConcurrencyConflict as error:
            conflict = error
            continue
        if appended.duplicate:  # JetStream's window caught it: on this subject or another
            check_same_request(appended.fingerprint, meta.fingerprint)
        return Recorded(subject, appended.seq, event.event_type, duplicate=appended.duplicate)
    raise conflict


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


def envelope_for(
    deps: Deps, meta: Meta, subject: str, event: Event, data: dict[str, Any]
) -> Envelope:
    """Wrap a payload (`data`: the event's, sealed); the event id is derived from the command so
    a retry reproduces it."""
    return Envelope(
        event_id=uuid.uuid5(_EVENT_IDS, f"{meta.command_id}:{subject}"),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=deps.clock.now(),
        actor=meta.actor,
        school=meta.school,
        year=meta.year,
        correlation_id=meta.correlation_id,
        causation_id=meta.command_id,
        data=data,
    )
