"""The enrollment's commands on the one command loop (`services.common.command_loop`): load ->
decide -> append, retried on conflict, recorded at most once per command id (a retry must carry
the same request: see `services.common.idempotency`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from contracts.base import Event
from contracts.registry import ENROLLMENT_REGISTRY
from services.common import aggregate as common
from services.common import command_loop
from services.common.aggregate import EventLog, Issued
from services.common.command_loop import OneEvent, Outcome, one_event, run_command
from services.common.eventstore import Loaded
from services.enrollment.application.ports import Deps

S = TypeVar("S")
SCHOOL_YEAR_STARTS = 9
"""The month a school year starts: an event's envelope `year` is the school year of its day."""


Meta = Issued
"""An enrollment command's metadata: who sends it, for which school, under which ids (its
events belong to the school year of the day they are recorded)."""


@dataclass(frozen=True, slots=True)
class Recorded(command_loop.Recorded, Generic[S]):
    """What a command did, and the aggregate's state after it (after the earlier event, when
    `duplicate`): a retry answers what the first request did."""

    state: S = field(kw_only=True)


class Aggregate(common.Aggregate[S]):
    """An enrollment aggregate: its events decode with the enrollment's registry."""

    def __init__(self, initial: S, evolve: Callable[[S, Event], S]) -> None:
        super().__init__(initial, evolve, ENROLLMENT_REGISTRY)


def school_year(day: dt.date) -> int:
    """The school year (its first calendar year) that `day` belongs to."""
    return day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1


async def execute(
    deps: Deps, meta: Meta, subject: str, aggregate: Aggregate[S], decide: OneEvent[S]
) -> Recorded[S]:
    """Run one command, deciding one event, against one aggregate; the event belongs to the
    school year of the day it is recorded.

    The command id alone is the deduplication id (it is scoped to the caller and the path): a
    key reused with another body on another aggregate then meets the first one's fingerprint in
    JetStream's window instead of slipping through as a new command.
    """
    decision = one_event(decide, meta.actor, lambda: school_year(deps.clock.today()))
    log = EventLog(deps.store, deps.clock.now, deps.keys)
    done = await run_command(log, meta, subject, aggregate, decision)
    after = await _after(log, aggregate, done)
    return Recorded(done.subject, done.seq, done.event_type, done.duplicate, state=after)


async def _after(log: EventLog, aggregate: Aggregate[S], done: Outcome[S]) -> S:
    """The aggregate right after the command's event, so a retry answers what the first
    request did."""
    if done.earlier is not None:
        until = tuple(e for e in done.history.events if e.seq <= done.earlier.seq)
        return await log.fold(aggregate, Loaded(done.subject, until))
    assert done.state is not None  # noqa: S101 - decided now: the loop folded it
    return done.state
