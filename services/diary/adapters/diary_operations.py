"""The diary's feed as its operators see it, on PostgreSQL (the `DiaryOperations` port): the
batches decided, the feed's status, the records as they stand."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from services.common.db import Pool
from services.diary.application.ports import BatchInfo, FeedStatus, PendingBatch

_RECORDS = (
    "SELECT kind, record_id, seq, digest, content::text AS content FROM records "
    "WHERE school = $1 AND year = $2 AND ($3::text IS NULL OR kind = $3) "
    'ORDER BY kind COLLATE "C", record_id COLLATE "C"'
)
_CURSOR_PREFETCH = 500


class PgDiaryOperations:
    """The `DiaryOperations` port: batches, the feed's status, the current records."""

    def __init__(self, pool: Pool, projection: str) -> None:
        self._pool = pool
        self._projection = projection

    async def batches(self, school: str, year: int, limit: int) -> list[BatchInfo]:
        """The most recent decided batches of a school year."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT batch_id, school, year, kind, status, reason, from_seq, to_seq, records, "
                "received_at, applied_at, drift_missing, drift_extra, drift_different, drift_same "
                "FROM batches WHERE school = $1 AND year = $2 ORDER BY stream_seq DESC LIMIT $3",
                school,
                year,
                limit,
            )
        return [BatchInfo(**dict(r)) for r in rows]

    async def status(self, school: str, year: int) -> FeedStatus:
        """Checkpoint, dead letters, batches staged but not applied."""
        async with self._pool.acquire() as conn:
            checkpoint = await conn.fetchval(
                "SELECT last_seq FROM projection_checkpoints WHERE name = $1", self._projection
            )
            dead = await conn.fetchval(
                "SELECT count(*) FROM dead_letters WHERE projection = $1", self._projection
            )
            pending = await conn.fetch(
                "SELECT batch_id, count(*) AS records, min(staged_at) AS first_staged_at "
                "FROM staged_records WHERE school = $1 AND year = $2 "
                "GROUP BY batch_id ORDER BY min(staged_at)",
                school,
                year,
            )
            decided = await conn.fetch(
                "SELECT status, count(*) AS n FROM batches WHERE school = $1 AND year = $2 "
                "GROUP BY status",
                school,
                year,
            )
        counts = {r["status"]: int(r["n"]) for r in decided}
        return FeedStatus(
            projection=self._projection,
            checkpoint=int(checkpoint or 0),
            dead_letters=int(dead or 0),
            staged_records=sum(int(r["records"]) for r in pending),
            pending_batches=tuple(
                PendingBatch(r["batch_id"], int(r["records"]), r["first_staged_at"])
                for r in pending
            ),
            applied_batches=counts.get("applied", 0),
            rejected_batches=counts.get("rejected", 0),
        )

    async def records(
        self, school: str, year: int, kind: str | None
    ) -> AsyncIterator[dict[str, Any]]:
        """Current records ordered by kind and id (byte order), read through a cursor."""
        async with self._pool.acquire() as conn, conn.transaction():
            cursor = conn.cursor(_RECORDS, school, year, kind, prefetch=_CURSOR_PREFETCH)
            async for row in cursor:
                yield {
                    "kind": row["kind"],
                    "id": row["record_id"],
                    "seq": row["seq"],
                    "digest": row["digest"],
                    "content": json.loads(row["content"]),
                }
