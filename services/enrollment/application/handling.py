"""The one imperative loop every command goes through: load -> decide -> append, retried on
conflict, recorded at most once per command id."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Generic, TypeVar

from contracts.base import Event
from contracts.envelope import Actor, Envelope
from contracts.registry import ENROLLMENT_REGISTRY
from services.common.eventstore import ConcurrencyConflict, StoredEvent
from services.enrollment.application.ports import Deps

S = TypeVar("S")
MAX_ATTEMPTS = 5
_EVENT_IDS = uuid.UUID("0b7d6c1e-3a5f-4e2b-9c8d-2f4a6b8c0e13")
SCHOOL_YEAR_STARTS = 9
"""The month a school year starts: an event's envelope `year` is the school year of its day."""


@dataclass(frozen=True, slots=True)
class Meta:
    """Who sends a command for which school, and under which ids."""

    command_id: str
    correlation_id: str
    actor: Actor
    school: str


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

    def fold(self, events: Sequence[StoredEvent]) -> S:
        """The state after `events`."""
        return reduce(self.evolve, decode_all(events), self.initial)


def decode_all(events: Sequence[StoredEvent]) -> list[Event]:
    """Payloads of stored events, upcast to the current versions."""
    return [
        ENROLLMENT_REGISTRY.decode(
            e.envelope.event_type, e.envelope.schema_version, e.envelope.data
        )
        for e in events
    ]


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
    # The subject is part of the deduplication id: JetStream deduplicates across the whole
    # stream, so a key reused for another aggregate must not pass for this one's record.
    msg_id = f"{meta.command_id}:{subject}"
    conflict = ConcurrencyConflict(subject, 0)
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # another writer got there first: back off a little, with jitter
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311
        history = await deps.store.load(subject)
        state = aggregate.fold(history.events)
        earlier = next((e for e in reversed(history.events) if e.msg_id == msg_id), None)
        if earlier is not None:
            event_type = earlier.envelope.event_type
            return Recorded(subject, earlier.seq, event_type, state, duplicate=True)
        (event,) = decide(state)
        envelope = envelope_for(deps, meta, subject, event)
        try:
            appended = await deps.store.append(
                subject, envelope, expected=history.version, msg_id=msg_id
            )
        except ConcurrencyConflict as error:
            conflict = error
            continue
        after = aggregate.evolve(state, event)
        return Recorded(subject, appended.seq, event.event_type, after, appended.duplicate)
    raise conflict


def envelope_for(deps: Deps, meta: Meta, subject: str, event: Event) -> Envelope:
    """Wrap a payload; the event id is derived from the command so a retry reproduces it."""
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
        data=event.model_dump(mode="json"),
    )
