"""Rebuilding a projection: replay its stream from sequence 1 into a scratch schema, then swap
that schema in for the live one.

A rebuild reads through the hand-driven feed (`services.common.projector_replay`), never the
live FastStream subscription: a full replay is where the feed's throughput counts. An operator's
command that wants to show how far it has come sets `REBUILD_PROGRESS` around it (the rebuilds
of a service's runtime are wired deep inside it; the command only runs them).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from services.common.db import Pool, migrate, swap_schema
from services.common.projector_replay import Replay
from services.common.projector_status import RebuildResult
from services.common.projector_writer import BatchWriter
from services.common.scratch import drop_stale_schemas, scratch_schema

if TYPE_CHECKING:
    from pathlib import Path

    from contracts.registry import Registry
    from services.common.keystore import KeySource
    from services.common.projector_batch import Batch, Projection, Written
    from services.common.projector_replay import OnBatch
    from services.common.projector_source import StreamSource

logger = structlog.get_logger()

RebuildProgress = Callable[[str, int, int], None]
"""Told (projection, the last sequence applied, the sequence the rebuild goes up to) when a
rebuild starts and after each batch."""

REBUILD_PROGRESS: ContextVar[RebuildProgress | None] = ContextVar("rebuild_progress", default=None)


@dataclass(frozen=True, slots=True)
class Rebuilder:
    """Replays one projection's stream into schemas of its own (the runner's wiring)."""

    pool: Pool
    source: StreamSource
    registry: Registry
    projection: Projection
    on_batch: OnBatch
    stall_limit: float
    keys: KeySource | None

    async def rebuild_into(
        self, schema: str, *migrations: Path, until: int | None = None
    ) -> RebuildResult:
        """Replay the stream into `schema` (migrated first) up to `until` or the current end.

        Goes through the same decode/apply/checkpoint path as the live runner, from the
        schema's own checkpoint + 1 (sequence 1 for a new schema), so it can be resumed.
        The replay uses an ephemeral consumer; the live runner's durable one is not touched.
        """
        started = time.perf_counter()
        await migrate(self.pool, schema, *migrations)
        until = await self.source.last_seq() if until is None else until
        writer = BatchWriter(self.projection, search_path=schema)
        async with self.pool.acquire() as conn:
            _, dead_before = await writer.load(conn)
            replay = Replay(
                self.source,
                self.registry,
                _reporting(self.on_batch, self.projection.name, until),
                stall_limit=self.stall_limit,
                keys=self.keys,
            )
            events = await replay.run(conn, writer, until)
            _, dead_after = await writer.load(conn)
        seconds = time.perf_counter() - started
        return RebuildResult(schema, writer.committed, events, dead_after - dead_before, seconds)

    async def rebuild(
        self, schema: str, *migrations: Path, until: int | None = None
    ) -> RebuildResult:
        """Rebuild from sequence 1 (up to `until` or the current end) and swap it in as `schema`.

        The old schema is dropped in the swap transaction. A runner on the same pool notices the
        changed checkpoint at its next batch and resyncs from the rebuilt checkpoint. What an
        interrupted rebuild left behind is dropped first (`services.common.scratch`).
        """
        await drop_stale_schemas(self.pool, schema)
        async with scratch_schema(self.pool, schema, "rebuild") as fresh:
            result = await self.rebuild_into(fresh, *migrations, until=until)
            await swap_schema(self.pool, live=schema, fresh=fresh)
        logger.info(
            "projection.rebuilt",
            projection=self.projection.name,
            schema=schema,
            last_seq=result.last_seq,
            seconds=round(result.seconds, 3),
        )
        return dataclasses.replace(result, schema=schema)


def _reporting(on_batch: OnBatch, projection: str, until: int) -> OnBatch:
    """`on_batch`, and the progress after each batch when someone follows it."""
    report = REBUILD_PROGRESS.get()
    if report is None:
        return on_batch
    report(projection, 0, until)

    def reported(batch: Batch, written: Written, started: float, event: str) -> None:
        on_batch(batch, written, started, event)
        report(projection, batch.last_seq, until)

    return reported
