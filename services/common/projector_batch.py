"""A batch of a projection: the types a projection sees and the errors a batch may meet.

Used by `services.common.projector` for both the live runner and rebuilds, so a rebuilt
projection goes through exactly the code that built the live one. Decoding stream messages into
a batch lives in `services.common.projector_decode`, writing one in
`services.common.projector_writer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from contracts.base import Event
from contracts.envelope import (
    EnvelopeMeta,
)
from services.common.db import Connection

if TYPE_CHECKING:
    import datetime as dt

    from nats.aio.msg import Msg


class Stored(Protocol):
    """Where and when an event was stored, and its envelope, as a projection may read them.

    The projector hands projections a `Delivered`; the event store's `StoredEvent` fits too.
    """

    @property
    def subject(self) -> str:
        """The aggregate's subject."""
        ...

    @property
    def seq(self) -> int:
        """Stream sequence."""
        ...

    @property
    def envelope(self) -> EnvelopeMeta:
        """The envelope (its payload is the event model beside it, already validated)."""
        ...

    @property
    def msg_id(self) -> str:
        """The command id the event was appended with (`Nats-Msg-Id`)."""
        ...

    @property
    def recorded_at(self) -> dt.datetime:
        """When the server stored it."""
        ...

    @property
    def prev_hash(self) -> str:
        """The `Prev-Hash` header: the hash of the subject's previous event ("" when absent)."""
        ...


class Delivered(NamedTuple):
    """A stream message as the projector read it.

    Unlike `StoredEvent` it has no chain hash of its own: no projection needs one, and
    computing it for every message of a replay is measurable; the audit checks the chains (and
    logs `prev_hash`, the header as written, which costs nothing to pass on). A `NamedTuple`, like
    `Projected`, because one is built per message and is several times cheaper to build than a
    frozen dataclass.
    """

    subject: str
    seq: int
    envelope: EnvelopeMeta
    msg_id: str
    recorded_at: dt.datetime
    prev_hash: str = ""
    repaired: tuple[str, ...] = ()
    """Fields whose NUL or lone surrogates were replaced before decoding (`text_repair`)."""
    sealed: Mapping[str, Any] | None = None
    """The payload's sealed personal data as it travelled (`contracts.personal`), for a
    projection that keeps payloads as written (the audit's log), not opened."""


class Projected(NamedTuple):
    """A decoded event as a projection receives it: where it was stored, and the event model."""

    stored: Stored
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
    recorded_at: dt.datetime | None = None
    """The server's timestamp of the message (None when the reply subject does not carry it)."""


Item = Projected | DeadLetter


@runtime_checkable
class KeepsDeadLetters(Protocol):
    """A projection that also records the dead letters of its batches in its own tables.

    Optional: the projector calls it, in the batch's transaction, with the dead letters it has
    just recorded (e.g. the audit log notes that an undecodable message exists).
    """

    async def apply_dead_letters(self, conn: Connection, letters: Sequence[DeadLetter]) -> None:
        """Write what the projection keeps of `letters` inside the caller's transaction."""
        ...


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
    text_repairs: int = 0
    """Events applied after their unstorable text was replaced (recorded in `text_repairs`)."""


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
