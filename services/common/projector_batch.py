"""A batch of a projection: the types a projection sees, and decoding stream messages.

Used by `services.common.projector` for both the live runner and rebuilds, so a rebuilt
projection goes through exactly the code that built the live one. Writing a batch lives in
`services.common.projector_writer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import asyncpg

from contracts.base import Event
from contracts.envelope import HEADER_EVENT_TYPE
from contracts.registry import Registry
from services.common.db import Connection
from services.common.eventstore import StoredEvent, decode_stored
from services.common.pullfeed import position

if TYPE_CHECKING:
    from nats.aio.msg import Msg

_REASON_LIMIT = 2000

# Errors that say nothing about the event: retry later, never dead-letter.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.InsufficientResourcesError,
)
# Errors that mean the tables were swapped under a prepared statement (a rebuild): resync.
SCHEMA_CHANGED_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.InvalidCachedStatementError,
    asyncpg.exceptions.OutdatedSchemaCacheError,
    asyncpg.exceptions.UndefinedTableError,
)


@dataclass(frozen=True, slots=True)
class Projected:
    """A decoded event as a projection receives it: where it was stored, and the event model."""

    stored: StoredEvent
    event: Event


class Projection(Protocol):
    """A read model built from a stream. `name` keys its checkpoint and its durable consumer."""

    @property
    def name(self) -> str:
        """Stable name, e.g. `journal_view_v1`; a new version of the tables gets a new name."""
        ...

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Write the effect of `batch` (in stream order) inside the caller's transaction."""
        ...


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message the projection cannot apply, kept with the reason and its raw content."""

    seq: int
    subject: str
    event_type: str | None
    reason: str
    body: str
    headers: str


Item = Projected | DeadLetter


@dataclass(frozen=True, slots=True)
class Batch:
    """Decoded messages in stream order, the raw messages beside them, and what is left."""

    items: tuple[Item, ...]
    msgs: tuple[Msg, ...]
    pending: int

    @property
    def first_seq(self) -> int:
        """Stream sequence of the first message."""
        return seq_of(self.items[0])

    @property
    def last_seq(self) -> int:
        """Stream sequence of the last message (the checkpoint after this batch)."""
        return seq_of(self.items[-1])


@dataclass(frozen=True, slots=True)
class Written:
    """What a committed batch changed."""

    applied: int = 0
    dead_letters: int = 0


class CheckpointMovedError(Exception):
    """The stored checkpoint is not the one this writer committed: the tables were swapped."""

    def __init__(self, checkpoint: int) -> None:
        super().__init__(f"checkpoint moved to {checkpoint}")
        self.checkpoint = checkpoint


class ApplyFailedError(Exception):
    """The projection raised while applying events (not a connection or schema problem)."""


def seq_of(item: Item) -> int:
    """Stream sequence of a decoded item."""
    return item.stored.seq if isinstance(item, Projected) else item.seq


def _text(raw: str) -> str:
    # PostgreSQL text (and jsonb) cannot hold NUL; keep it visible instead.
    return raw.replace("\x00", "\\x00")


def dead_letter(msg: Msg, seq: int, reason: str, event_type: str | None = None) -> DeadLetter:
    """A dead letter for a raw message, with its body and headers as readable text."""
    headers = {k: _text(v) for k, v in (msg.headers or {}).items()}
    return DeadLetter(
        seq=seq,
        subject=msg.subject,
        event_type=event_type or headers.get(HEADER_EVENT_TYPE),
        reason=_text(reason[:_REASON_LIMIT]),
        body=_text(msg.data.decode("utf-8", "backslashreplace")),
        headers=json.dumps(headers),
    )


def decode(msg: Msg, registry: Registry) -> Item:
    """Decode one stream message into an event, or into a dead letter saying why not."""
    seq, recorded_at, _ = position(msg.reply)
    try:
        stored = decode_stored(msg.subject, seq, msg.data, msg.headers or {}, recorded_at)
        envelope = stored.envelope
        event = registry.decode(envelope.event_type, envelope.schema_version, envelope.data)
    except Exception as error:  # any decode failure is the message's fault
        return dead_letter(msg, seq, f"{type(error).__name__}: {error}")
    return Projected(stored, event)


def decode_batch(msgs: Sequence[Msg], registry: Registry) -> Batch:
    """Decode messages in order, dropping redelivered copies that break the increasing order."""
    items: list[Item] = []
    kept: list[Msg] = []
    last = 0
    for msg in msgs:
        item = decode(msg, registry)
        seq = seq_of(item)
        if seq > last:
            items.append(item)
            kept.append(msg)
            last = seq
    pending = position(kept[-1].reply)[2] if kept else 0
    return Batch(tuple(items), tuple(kept), pending)


_RELAXED_GEN0 = 100_000
_relaxed_depth = 0
_saved_thresholds: tuple[int, ...] = ()


@contextlib.contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect the youngest generation rarely while batches of decoded events are alive.

    A batch keeps thousands of small tracked objects (envelopes, models, dicts) alive while
    the next ones are allocated. With CPython's default threshold (700) they are promoted and
    rescanned by ever older collections, which measured at more than half of a replay's CPU
    time. Reference counting still frees them as soon as a batch is done; only cycles wait
    longer. Nested and concurrent uses share one setting, restored when the last one ends.
    """
    global _relaxed_depth, _saved_thresholds  # noqa: PLW0603 - one process-wide GC setting
    if _relaxed_depth == 0:
        _saved_thresholds = gc.get_threshold()
        gc.set_threshold(max(_saved_thresholds[0], _RELAXED_GEN0), *_saved_thresholds[1:])
    _relaxed_depth += 1
    try:
        yield
    finally:
        _relaxed_depth -= 1
        if _relaxed_depth == 0:
            gc.set_threshold(*_saved_thresholds)


def raise_if_cancelled() -> None:
    """Raise CancelledError if the current task was asked to stop."""
    # Some awaits inside client libraries (asyncio.wait_for on 3.11) can swallow a cancellation
    # that races with their result; the request stays counted on the task, so honour it here.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
