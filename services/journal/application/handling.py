"""The journal's commands on the one command loop (`services.common.command_loop`): load ->
decide -> append, retried on conflict, recorded at most once per command id (a retry must carry
the same request: see `services.common.idempotency`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from contracts.base import Event
from contracts.personal import Opener
from contracts.registry import JOURNAL_REGISTRY
from services.common import aggregate as common
from services.common import command_loop
from services.common.aggregate import EventLog, Issued
from services.common.command_loop import OneEvent, one_event, run_command
from services.common.decoding import decode_events
from services.common.eventstore import Loaded, StoredEvent
from services.common.idempotency import earlier_event
from services.journal.application.ports import Deps

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class Meta(Issued):
    """A journal command's metadata: who sends it, for which school, under which ids, and the
    school year its events belong to (`Meta(command_id, correlation_id, actor, school, year)`)."""

    year: int


Recorded = command_loop.Recorded
"""What a command did (the journal's commands answer with it)."""


class Aggregate(common.Aggregate[S]):
    """A journal aggregate: its events decode with the journal's registry."""

    def __init__(self, initial: S, evolve: Callable[[S, Event], S]) -> None:
        super().__init__(initial, evolve, JOURNAL_REGISTRY)


def event_log(deps: Deps) -> EventLog:
    """The JOURNAL stream as commands use it: personal data and the texts that name a pupil
    sealed, events stamped now."""
    return EventLog(deps.store, deps.clock.now, deps.keys, deps.pupil_names)


async def fold_of(deps: Deps, aggregate: Aggregate[S], subject: str) -> S:
    """An aggregate's current state, loaded and folded with the keys its history needs."""
    return await event_log(deps).current(aggregate, subject)


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
    decide: OneEvent[S],
    *,
    shared: bool = False,
) -> Recorded:
    """Run one command, deciding one event, against one aggregate of the school year `meta`
    names (`shared`: one command of many subjects, each deduplicated on its own)."""
    decision = one_event(decide, meta.actor, lambda: meta.year)
    msg_id = msg_id_for(meta, subject, shared=shared)
    done = await run_command(event_log(deps), meta, subject, aggregate, decision, msg_id=msg_id)
    return done.recorded
