"""Replaying a stream into a projection's tables: the rebuild path of the projector.

It reads through an ephemeral consumer (the live runner's durable one is not touched) and
commits through the same decode/apply/checkpoint code as the live runner, so a rebuilt
projection equals the live one row for row.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from contracts.registry import Registry
from services.common.db import Connection
from services.common.projector_batch import (
    Batch,
    Written,
    decode_batch_interleaved,
    raise_if_cancelled,
    relaxed_gc,
    seq_of,
)
from services.common.projector_source import StreamSource
from services.common.projector_writer import BatchWriter, write_batch
from services.common.pullfeed import PullFeed

OnBatch = Callable[[Batch, Written, float, str], None]


class Replay:
    """Replays one stream source into projections' tables, reporting each batch."""

    def __init__(self, source: StreamSource, registry: Registry, on_batch: OnBatch) -> None:
        self._source = source
        self._registry = registry
        self._on_batch = on_batch

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
        msgs = await feed.take(self._source.batch_size, self._source.fetch_timeout)
        if not msgs:
            return None
        return _cut(await decode_batch_interleaved(msgs, self._registry), until)


async def _abandon(writing: asyncio.Future[Written]) -> None:
    """Cancel a write in flight and wait until it has let go of the connection."""
    writing.cancel()
    await asyncio.wait([writing])
    if not writing.cancelled():
        writing.exception()  # retrieved: the error that stops the replay is the other one


def _more(batch: Batch, until: int) -> bool:
    """Whether anything up to `until` may follow `batch`."""
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
