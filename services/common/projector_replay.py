"""Replaying a stream into a projection's tables: the rebuild path of the projector.

It reads through an ephemeral consumer (the live runner's durable one is not touched) and
commits through the same decode/apply/checkpoint code as the live runner, so a rebuilt
projection equals the live one row for row.

A replay ends where it set out to end, never on a silence: at the target sequence fixed by the
caller, or when the server says nothing matching is left (the consumer's pending count, in
every delivery's reply subject, is 0; at creation, `num_pending`). Both are exact and cost no
round trip. A fetch that comes back empty only means the server is still on its way: for a
filtered replay it may be skipping a million messages of other schools before the first match,
which takes longer than one fetch timeout. Such a wait is logged and allowed up to a generous
stall limit, after which the replay fails (rather than report a partial rebuild as complete).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

from contracts.registry import Registry
from services.common.db import Connection
from services.common.keystore import KeySource, ring_for_messages
from services.common.projector_batch import Batch, Written, seq_of
from services.common.projector_decode import decode_batch_interleaved, relaxed_gc
from services.common.projector_retry import raise_if_cancelled
from services.common.projector_source import StreamSource
from services.common.projector_writer import BatchWriter, write_batch
from services.common.pullfeed import PullFeed

if TYPE_CHECKING:
    from nats.aio.msg import Msg

OnBatch = Callable[[Batch, Written, float, str], None]
logger = structlog.get_logger()

STALL_LIMIT = 600.0
"""Seconds a replay waits for the next delivery while the server still holds matching events
(a filtered replay behind millions of other messages waits seconds, not minutes)."""
_WAIT_LOG_EVERY = 10.0  # seconds between the warnings of a long wait


class ReplayStalledError(Exception):
    """The server delivered nothing for `STALL_LIMIT` seconds before the replay's target."""


class Replay:
    """Replays one stream source into projections' tables, reporting each batch."""

    def __init__(
        self,
        source: StreamSource,
        registry: Registry,
        on_batch: OnBatch,
        *,
        stall_limit: float = STALL_LIMIT,
        keys: KeySource | None = None,
    ) -> None:
        self._source = source
        self._keys = keys
        self._registry = registry
        self._on_batch = on_batch
        self._stall_limit = stall_limit

    async def run(self, conn: Connection, writer: BatchWriter, until: int) -> int:
        """Apply the stream after `writer.committed` up to `until`; return the events applied."""
        if writer.committed >= until:
            return 0
        feed, consumer, pending = await self._source.open_replay(writer.committed + 1)
        try:
            with relaxed_gc():
                return await self._batches(conn, writer, feed, until=until, pending=pending)
        finally:
            await feed.close()
            await self._source.delete_quietly(consumer)

    async def _batches(
        self, conn: Connection, writer: BatchWriter, feed: PullFeed, *, until: int, pending: int
    ) -> int:
        """Write each batch while the next one is read and decoded.

        The batch being written runs as a task; decoding the next one gives it a turn every few
        dozen messages, so Python decodes while PostgreSQL writes. Batches are still written one
        at a time, in order, on the one connection.
        """
        events = 0
        batch = await self._next(feed, until) if pending and writer.committed < until else None
        while batch is not None:
            raise_if_cancelled()
            started = time.perf_counter()
            writing = asyncio.ensure_future(write_batch(conn, writer, batch))
            try:
                following = await self._next(feed, until) if _more(batch, until) else None
            except BaseException:
                await _abandon(writing)
                raise
            written = await writing
            events += written.applied
            self._on_batch(batch, written, started, "projection.rebuild_batch")
            batch = following
        return events

    async def _next(self, feed: PullFeed, until: int) -> Batch | None:
        """The next batch up to `until`; only called while the server holds more for us."""
        msgs = await self._take(feed, until)
        opener = await ring_for_messages(self._keys, msgs)
        return _cut(await decode_batch_interleaved(msgs, self._registry, opener), until)

    async def _take(self, feed: PullFeed, until: int) -> list[Msg]:
        """The next deliveries: a silent fetch waits again, up to the stall limit (timed from
        the first silent fetch, so the common case costs nothing)."""
        source = self._source
        watch: StallWatch | None = None
        while not (msgs := await feed.take(source.batch_size, source.fetch_timeout)):
            watch = watch or StallWatch(source.stream, until, self._stall_limit)
            watch.silent()
        return msgs


class StallWatch:
    """Silence in a read that has a target: long waits are logged, one past the limit fails."""

    def __init__(self, stream: str, until: int, limit: float) -> None:
        self._stream = stream
        self._until = until
        self._limit = limit
        self._since = self._logged = time.monotonic()

    def delivered(self) -> None:
        """Something arrived (or the read was started again): no silence so far."""
        self._since = self._logged = time.monotonic()

    def silent(self) -> None:
        """A fetch came back empty; raise `ReplayStalledError` once the limit is passed."""
        now = time.monotonic()
        waited = now - self._since
        where = {"stream": self._stream, "until": self._until, "seconds": round(waited)}
        if waited >= self._limit:
            logger.error("projection.replay_stalled", **where, limit=self._limit)
            msg = f"{self._stream}: nothing delivered for {waited:.0f}s before seq {self._until}"
            raise ReplayStalledError(msg)
        if now - self._logged >= _WAIT_LOG_EVERY:
            self._logged = now
            logger.warning("projection.replay_waiting", **where, limit=self._limit)


async def _abandon(writing: asyncio.Future[Written]) -> None:
    """Cancel a write in flight and wait until it has let go of the connection."""
    writing.cancel()
    await asyncio.wait([writing])
    if not writing.cancelled():
        writing.exception()  # retrieved: the error that stops the replay is the other one


def _more(batch: Batch, until: int) -> bool:
    """Whether anything up to `until` may follow `batch`: the server still holds matching
    messages (the pending count of the batch's last delivery) and `until` is not reached."""
    return batch.pending > 0 and batch.last_seq < until


def _cut(batch: Batch, until: int) -> Batch | None:
    """The part of a batch up to sequence `until` (None when nothing is left)."""
    if batch.items and batch.last_seq <= until:
        return batch
    keep = [i for i, item in enumerate(batch.items) if seq_of(item) <= until]
    if not keep:
        return None
    n = keep[-1] + 1
    return Batch(batch.items[:n], batch.msgs[:n], 0)
