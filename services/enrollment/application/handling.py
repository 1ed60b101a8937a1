"""The one imperative loop every command goes through: load -> decide -> append, retried on
conflict, recorded at most once per command id (a retry must carry the same request: see
`services.common.idempotency`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, TypeVar

from contracts.base import Event
from contracts.envelope import Actor, Envelope
from contracts.personal import Opener
from contracts.registry import ENROLLMENT_REGISTRY
from services.common.decoding import decode_events
from services.common.eventstore import ConcurrencyConflict, Loaded, StoredEvent
from services.common.idempotency import check_same_request, earlier_event
from services.common.keystore import ring_for_history, seal_payload
from services.enrollment.application.ports import Deps

S = TypeVar("S")
MAX_ATTEMPTS = 5
_EVENT_IDS = uuid.UUID("0b7d6c1e-3a5f-4e2b-9c8d-2f4a6b8c0e13")
SCHOOL_YEAR_STARTS = 9
"""The month a school year starts: an event's envelope `year` is the school year of its day."""


@dataclass(frozen=True, slots=True)
class Meta:
    """Who sends a command for which school, and under which ids; `fingerprint` is the
    request's under an Idempotency-Key ("" without one)."""

    command_id: str
    correlation_id: str
    actor: Actor
    school: str
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class Recorded(Generic[S]):
    """What a command did: the event it recorded (or had recorded before, when `duplicate`)
    and the aggregate's state after it."""

    subject: str
    seq: int
    event_type: str
    state: S
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Aggregate(Generic[S]):
    """How to rebuild one kind of aggregate from its events."""

    initial: S
    evolve: Callable[[S, Event], S]

    def fold(self, events: Sequence[StoredEvent], opener: Opener | None = None) -> S:
        """The state after `events` (`opener` opens sealed personal data)."""
        return reduce(self.evolve, decode_all(events, opener), self.initial)


def decode_all(events: Sequence[StoredEvent], opener: Opener | None = None) -> list[Event]:
    """Payloads of stored events, upcast to the current versions (`UndecodableEvent` names
    one that cannot be, and the HTTP edge answers it with a reason instead of a 500)."""
    return decode_events(ENROLLMENT_REGISTRY, events, opener)


def school_year(day: dt.date) -> int:
    """The school year (its first calendar year) that `day` belongs to."""
    return day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1


async def execute(
    deps: Deps,
    meta: Meta,
    subject: str,
    aggregate: Aggregate[S],
    decide: Callable[[S], list[Event]],
) -> Recorded[S]:
    """Run one command against one aggregate.

    A command already recorded on the subject (a retried request) answers with what it recorded
    then. A conflict reloads and decides again on fresh state, at most MAX_ATTEMPTS times.
    """
    # The command id alone is the deduplication id (it is scoped to the caller and the path):
    # a key reused with another body on another aggregate then meets the first one's
    # fingerprint in JetStream's window instead of slipping through as a new command.
    conflict = ConcurrencyConflict(subject, 0)
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # another writer got there first: back off a little, with jitter
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311
        history = await deps.store.load(subject)
        keys = await ring_for_history(deps.keys, history.events)
        if (earlier := earlier_record(history, meta, aggregate, keys)) is not None:
            return earlier
        state = aggregate.fold(history.events, keys)
        (event,) = decide(state)
        data = await seal_payload(deps.keys, meta.school, event)
        envelope = envelope_for(deps, meta, subject, event, data)
        try:
            appended = await deps.store.append(
                subject,
                envelope,
                expected=history.version,
                msg_id=meta.command_id,
                fingerprint=meta.fingerprint,
            )
        except ConcurrencyConflict as error:
            conflict = error
            continue
        if appended.duplicate:  # JetStream's window caught it: on this subject or another
            check_same_request(appended.fingerprint, meta.fingerprint)
        after = aggregate.evolve(state, event)
        return Recorded(subject, appended.seq, event.event_type, after, appended.duplicate)
    raise conflict


def earlier_record(
    history: Loaded, meta: Meta, aggregate: Aggregate[S], opener: Opener | None = None
) -> Recorded[S] | None:
    """What the command recorded on this subject before (it is a retry), with the state right
    after it, so the retry answers what the first request did; a key recorded with another
    request is refused (`IdempotencyKeyReused`)."""
    earlier = earlier_event(history, meta.command_id, meta.fingerprint)
    if earlier is None:
        return None
    state = aggregate.fold(tuple(e for e in history.events if e.seq <= earlier.seq), opener)
    return Recorded(history.subject, earlier.seq, earlier.envelope.event_type, state, True)


def envelope_for(
    deps: Deps, meta: Meta, subject: str, event: Event, data: dict[str, Any]
) -> Envelope:
    """Wrap a payload (`data`: the event's, sealed); the event id is derived from the command so
    a retry reproduces it."""
    now = deps.clock.now()
    return Envelope(
        event_id=uuid.uuid5(_EVENT_IDS, f"{meta.command_id}:{subject}"),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=now,
        actor=meta.actor,
        school=meta.school,
        year=school_year(deps.clock.local_date(now)),
        correlation_id=meta.correlation_id,
        causation_id=meta.command_id,
        data=data,
    )
