"""Writing a decoded batch: rows, dead letters and checkpoint in one PostgreSQL transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence

import structlog

from services.common import metrics
from services.common.db import Connection, quote_ident
from services.common.projector_batch import (
    ApplyFailedError,
    Batch,
    CheckpointMovedError,
    DeadLetter,
    Delivered,
    Item,
    KeepsDeadLetters,
    Projected,
    Projection,
    Written,
    seq_of,
)
from services.common.projector_decode import dead_letter
from services.common.projector_retry import SCHEMA_CHANGED_ERRORS, TRANSIENT_ERRORS

logger = structlog.get_logger()

_LOCK_CHECKPOINT = "SELECT last_seq FROM projection_checkpoints WHERE name = $1 FOR UPDATE"
_SAVE_CHECKPOINT = (
    "INSERT INTO projection_checkpoints (name, last_seq) VALUES ($1, $2) "
    "ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq, updated_at = now()"
)
_INIT_CHECKPOINT = (
    "INSERT INTO projection_checkpoints (name, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING"
)
_COUNT_DEAD = "SELECT count(*) FROM dead_letters WHERE projection = $1"
_INSERT_DEAD = (
    "INSERT INTO dead_letters (projection, stream_seq, subject, event_type, reason, body, headers) "
    "SELECT $1, d.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::jsonb[]) AS d ON CONFLICT (projection, stream_seq) DO NOTHING"
)
# `fields` travel as one JSON array per event: unnest cannot take an array of arrays of
# different lengths.
_INSERT_REPAIRS = (
    "INSERT INTO text_repairs (projection, stream_seq, subject, event_type, fields) "
    "SELECT $1, r.seq, r.subject, r.event_type, "
    "ARRAY(SELECT jsonb_array_elements_text(r.fields::jsonb)) "
    "FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) "
    "AS r(seq, subject, event_type, fields) ON CONFLICT (projection, stream_seq) DO NOTHING"
)
TEXT_REPAIRS_BY_PROJECTION = (
    "SELECT projection, count(*) FROM {schema}.text_repairs GROUP BY 1 ORDER BY 1"
)
"""Events applied after a text repair, per projection ({schema}: a quoted schema name)."""


class BatchWriter:
    """Commits batches of one projection, each with its checkpoint, in one transaction.

    `committed` is the checkpoint this writer last read or wrote. Every transaction first locks
    the stored checkpoint and refuses to go on (`CheckpointMovedError`) if it differs: that is
    how a runner notices that a rebuild swapped the tables under it. `search_path`, when given,
    is set for each transaction only, so a rebuild can write into another schema on a live pool.
    """

    def __init__(self, projection: Projection, *, search_path: str | None = None) -> None:
        self.projection = projection
        self.committed = 0
        self._set_path = (
            f"SET LOCAL search_path TO {quote_ident(search_path)}" if search_path else ""
        )

    async def load(self, conn: Connection) -> tuple[int, int]:
        """Make sure the checkpoint row exists; return (checkpoint, dead letters recorded)."""
        name = self.projection.name
        async with conn.transaction():
            await self._enter(conn)
            await conn.execute(_INIT_CHECKPOINT, name)
            checkpoint = await conn.fetchval(_LOCK_CHECKPOINT, name)
            dead = await conn.fetchval(_COUNT_DEAD, name)
        self.committed = int(checkpoint)
        return self.committed, int(dead)

    async def write(self, conn: Connection, batch: Batch) -> Written:
        """Apply the events after the checkpoint, record dead letters, move the checkpoint."""
        if batch.last_seq <= self.committed:  # a redelivered batch: nothing to do
            return Written()
        good, letters = _split(batch.items, after=self.committed)
        async with conn.transaction():
            await self._enter(conn)
            await self._check(conn)
            repaired = 0
            if good:
                await self._apply(conn, good)
                repaired = await self._insert_repairs(conn, good)
            dead = await self._insert_dead(conn, letters)
            await conn.execute(_SAVE_CHECKPOINT, self.projection.name, batch.last_seq)
        self.committed = batch.last_seq
        if repaired:
            metrics.instruments().text_repairs.labels(self.projection.name).inc(repaired)
        return Written(applied=len(good), dead_letters=dead, text_repairs=repaired)

    async def write_each(self, conn: Connection, batch: Batch) -> Written:
        """Commit a batch one event per transaction, dead-lettering events whose apply raises."""
        applied = dead = repaired = 0
        for item, msg in zip(batch.items, batch.msgs, strict=True):
            single = Batch((item,), (msg,), batch.pending)
            try:
                written = await self.write(conn, single)
            except ApplyFailedError as failure:
                reason = f"apply failed: {failure}"
                poisoned = dead_letter(msg, seq_of(item), reason, _event_type(item))
                written = await self.write(conn, Batch((poisoned,), (msg,), batch.pending))
            applied += written.applied
            dead += written.dead_letters
            repaired += written.text_repairs
        return Written(applied=applied, dead_letters=dead, text_repairs=repaired)

    async def _enter(self, conn: Connection) -> None:
        if self._set_path:
            await conn.execute(self._set_path)

    async def _check(self, conn: Connection) -> None:
        stored = await conn.fetchval(_LOCK_CHECKPOINT, self.projection.name)
        checkpoint = int(stored or 0)
        if checkpoint != self.committed:
            raise CheckpointMovedError(checkpoint)

    async def _apply(self, conn: Connection, good: list[Projected]) -> None:
        try:
            await self.projection.apply(conn, good)
        except (*TRANSIENT_ERRORS, *SCHEMA_CHANGED_ERRORS):
            raise
        except Exception as error:
            raise ApplyFailedError(f"{type(error).__name__}: {error}") from error

    async def _insert_repairs(self, conn: Connection, good: list[Projected]) -> int:
        """Record the events applied after a repair of their text (`text_repair`)."""
        repaired = [p.stored for p in good if isinstance(p.stored, Delivered) and p.stored.repaired]
        if not repaired:
            return 0
        status = await conn.execute(
            _INSERT_REPAIRS,
            self.projection.name,
            [r.seq for r in repaired],
            [r.subject for r in repaired],
            [r.envelope.event_type for r in repaired],
            [json.dumps(r.repaired) for r in repaired],
        )
        return int(status.rsplit(" ", 1)[-1])  # "INSERT 0 <rows>"

    async def _insert_dead(self, conn: Connection, dead: list[DeadLetter]) -> int:
        if not dead:
            return 0
        status = await conn.execute(
            _INSERT_DEAD,
            self.projection.name,
            [d.seq for d in dead],
            [d.subject for d in dead],
            [d.event_type for d in dead],
            [d.reason for d in dead],
            [d.body for d in dead],
            [d.headers for d in dead],
        )
        if isinstance(self.projection, KeepsDeadLetters):
            await self.projection.apply_dead_letters(conn, dead)
        return int(status.rsplit(" ", 1)[-1])  # "INSERT 0 <rows>"


def _split(items: Sequence[Item], *, after: int) -> tuple[list[Projected], list[DeadLetter]]:
    """Events and dead letters after sequence `after`, in one pass (this runs per message)."""
    good: list[Projected] = []
    letters: list[DeadLetter] = []
    for item in items:
        if isinstance(item, Projected):
            if item.stored.seq > after:
                good.append(item)
        elif item.seq > after:
            letters.append(item)
    return good, letters


def _event_type(item: Item) -> str | None:
    return item.stored.envelope.event_type if isinstance(item, Projected) else item.event_type


async def write_batch(conn: Connection, writer: BatchWriter, batch: Batch) -> Written:
    """Commit a batch; if the projection refuses it, find the poison event one by one."""
    try:
        return await writer.write(conn, batch)
    except ApplyFailedError as failure:
        logger.warning(
            "projection.poison_batch",
            projection=writer.projection.name,
            first_seq=batch.first_seq,
            last_seq=batch.last_seq,
            error=str(failure),
        )
        return await writer.write_each(conn, batch)
