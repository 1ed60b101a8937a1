"""Aggregates as the command loop sees them: folded from their histories on a service's stream.

`Aggregate` says how one kind of aggregate is rebuilt from its events (and remembers recent
states); `EventLog` is a service's stream as its commands use it (the store, the keys of sealed
personal data, the clock that stamps new events); `Issued` is who sends a command and under
which ids, `Decision` what a command decided, and `event_id` the id its event gets.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Generic, Protocol, TypeVar

from contracts.base import Event
from contracts.envelope import Actor, Envelope
from contracts.personal import Opener, holds_sealed
from contracts.registry import Registry
from services.common.decoding import decode_events
from services.common.eventstore import EventStore, Loaded, StoredEvent
from services.common.keystore import KeyStore, keys_of_payloads, seal_payload
from services.common.named_sealing import PupilNames, seal_named_texts

S = TypeVar("S")

_EVENT_IDS = uuid.UUID("6f1d8a52-6a38-4a8e-9d0c-7c1b1f0e2a11")


class Aggregate(Generic[S]):
    """How to rebuild one kind of aggregate from its events (decoded with `registry`),
    remembering recent states.

    A remembered state is reused only when the history still ends, at the same position, with the
    event it was folded up to (compared by chain hash, which covers everything before it), so
    only events appended since are decoded and folded.
    """

    def __init__(
        self,
        initial: S,
        evolve: Callable[[S, Event], S],
        registry: Registry,
        *,
        memory: int = 20_000,
    ) -> None:
        self.initial = initial
        self.evolve = evolve
        self.registry = registry
        self._memo: OrderedDict[str, tuple[int, str, S]] = OrderedDict()
        self._memory = memory

    def fold(self, history: Loaded, opener: Opener | None = None) -> S:
        """The aggregate's state after `history` (`opener` opens sealed personal data); kept
        for the next fold of the same subject.

        A history holding sealed data is folded whole and never kept: a state folded without
        keys (texts redacted) must not serve a fold with keys, nor one with keys outlive an
        erasure."""
        events = history.events
        if any(holds_sealed(e.envelope.data) for e in events):
            self._memo.pop(history.subject, None)
            return reduce(self.evolve, self.decode(events, opener), self.initial)
        done, state = 0, self.initial
        remembered = self._memo.pop(history.subject, None)
        if remembered is not None:
            count, last_hash, memo_state = remembered
            if 0 < count <= len(events) and events[count - 1].hash == last_hash:
                done, state = count, memo_state
        state = reduce(self.evolve, self.decode(events[done:], opener), state)
        if events:
            self._memo[history.subject] = (len(events), events[-1].hash, state)
            if len(self._memo) > self._memory:
                self._memo.popitem(last=False)
        return state

    def decode(self, events: Sequence[StoredEvent], opener: Opener | None = None) -> list[Event]:
        """Payloads of stored events, upcast to the current versions (`UndecodableEvent` names
        one that cannot be, and the HTTP edge answers it with a reason instead of a 500)."""
        return decode_events(self.registry, events, opener)


class CommandMeta(Protocol):
    """What the command loop needs of a command's identity (each service's metadata has it);
    `fingerprint` is the request's under an Idempotency-Key ("" without one)."""

    @property
    def command_id(self) -> str: ...

    @property
    def correlation_id(self) -> str: ...

    @property
    def school(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Issued:
    """Who sends a command, for which school, and under which ids: the metadata every service's
    commands carry (a service's own `Meta` may add to it). `fingerprint` is the request's under
    an Idempotency-Key ("" without one, and for commands made in-process)."""

    command_id: str
    correlation_id: str
    actor: Actor
    school: str
    fingerprint: str = field(default="", kw_only=True)


@dataclass(frozen=True, slots=True)
class Decision:
    """The one event a command records, who records it and the school year it belongs to."""

    event: Event
    actor: Actor
    year: int


def event_id(command_id: str, subject: str) -> uuid.UUID:
    """The id of the event a command records on a subject: a retry reproduces it."""
    return uuid.uuid5(_EVENT_IDS, f"{command_id}:{subject}")


@dataclass(frozen=True, slots=True)
class EventLog:
    """A service's stream as its commands use it. `keys` seals and opens personal data (None: a
    stream that carries none); `now` stamps the events recorded."""

    store: EventStore
    now: Callable[[], dt.datetime]
    keys: KeyStore | None = None
    names: PupilNames | None = None
    """The school's pupils, to seal the free texts that name one (None: texts as typed)."""

    async def fold(self, aggregate: Aggregate[S], history: Loaded) -> S:
        """The aggregate after `history`, with the keys its sealed events need.

        A state with personal data opened is not remembered (`Aggregate.fold`): once the
        person's key is destroyed (an erasure), the next fold must find their data gone, not a
        copy kept in memory.
        """
        sealed = keys_of_payloads(e.envelope.data for e in history.events)
        if self.keys is None or not sealed:
            return aggregate.fold(history)
        return aggregate.fold(history, await self.keys.ring(sealed))

    async def current(self, aggregate: Aggregate[S], subject: str) -> S:
        """An aggregate's current state, loaded and folded."""
        return await self.fold(aggregate, await self.store.load(subject))

    async def envelope(self, meta: CommandMeta, subject: str, decision: Decision) -> Envelope:
        """The decided event as it goes on the stream, personal data sealed."""
        event = decision.event
        return Envelope(
            event_id=event_id(meta.command_id, subject),
            event_type=event.event_type,
            schema_version=event.schema_version,
            occurred_at=self.now(),
            actor=decision.actor,
            school=meta.school,
            year=decision.year,
            correlation_id=meta.correlation_id,
            causation_id=meta.command_id,
            data=await self._payload(meta.school, event),
        )

    async def _payload(self, school: str, event: Event) -> dict[str, Any]:
        if self.keys is None:
            return event.model_dump(mode="json")
        payload = await seal_payload(self.keys, school, event)
        if self.names is None:
            return payload
        return await seal_named_texts(self.keys, self.names, school, type(event), payload)
