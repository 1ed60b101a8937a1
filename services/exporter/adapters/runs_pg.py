"""The runs table and the run lock, in PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from contracts.diary import BatchKind
from services.common.advisory_lock import held
from services.common.db import Pool
from services.exporter.application.ports import RunRecord

_COLUMNS = (
    "run_id, school, year, kind, trigger, from_seq, started_at, status, batch_id, to_seq, "
    "finished_at, records, files_copied, files_missing, checksum, duration_ms, error, "
    "names_redacted"
)
_SAVE = (
    f"INSERT INTO runs ({_COLUMNS}) VALUES "  # noqa: S608 - constant column list
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
    "ON CONFLICT (run_id) DO UPDATE SET from_seq = excluded.from_seq, "
    "status = excluded.status, batch_id = excluded.batch_id, to_seq = excluded.to_seq, "
    "finished_at = excluded.finished_at, records = excluded.records, "
    "files_copied = excluded.files_copied, files_missing = excluded.files_missing, "
    "checksum = excluded.checksum, "
    "duration_ms = excluded.duration_ms, error = excluded.error, "
    "names_redacted = excluded.names_redacted"
)
_SELECT = f"SELECT {_COLUMNS} FROM runs"  # noqa: S608 - constant column list
_INTERRUPT = (
    "UPDATE runs SET status = 'failed', finished_at = now(), "
    "error = 'interrupted: the process running it stopped' "
    "WHERE school = $1 AND year = $2 AND status = 'running'"
)

_CLAIM = (
    "INSERT INTO scheduled_claims (school, year, kind, due_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING RETURNING true"
)


def _run(row: Any) -> RunRecord:  # noqa: ANN401 - an asyncpg record
    return RunRecord(*row)


class PgRuns:
    """`Runs` on the exporter's schema; the lock is a session advisory lock per (school, year)."""

    def __init__(self, pool: Pool, concurrent_runs: int = 2) -> None:
        self._pool = pool
        # Waiters queue here, not on pooled connections: a run needs up to three connections
        # besides the one holding its lock, and blocked waiters must not take them all.
        self._local: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._running = asyncio.Semaphore(concurrent_runs)

    @contextlib.asynccontextmanager
    async def lock(self, school: str, year: int) -> AsyncIterator[None]:
        """Hold the advisory lock of the school year on a connection of its own for the whole run.

        Runs of this process queue in memory first (one per school year, at most
        `concurrent_runs` at once); the PostgreSQL lock then keeps other processes out. If the
        process dies, PostgreSQL ends the session and the lock with it.
        """
        key = f"exporter:run:{school}:{year}"
        async with self._local[key], self._running, held(self._pool, key):
            yield

    async def claim(self, school: str, year: int, kind: BatchKind, due: dt.datetime) -> bool:
        """As `Runs.claim`: the row of `scheduled_claims` this call inserted, if it did."""
        return bool(await self._pool.fetchval(_CLAIM, school, year, kind, due))

    async def interrupt_stale(self, school: str, year: int) -> int:
        """Mark runs left 'running' by a dead process as failed (call under the lock)."""
        status = await self._pool.execute(_INTERRUPT, school, year)
        return int(status.rsplit(" ", 1)[-1])

    async def last_cut(self, school: str, year: int) -> RunRecord | None:
        """The 'published' or 'empty' run (delta or full) of the school year that reached
        furthest into the journal."""
        row = await self._pool.fetchrow(
            f"{_SELECT} WHERE school = $1 AND year = $2 "
            "AND status IN ('published', 'empty') ORDER BY to_seq DESC, started_at DESC LIMIT 1",
            school,
            year,
        )
        return None if row is None else _run(row)

    async def find_done(self, batch_id: str) -> RunRecord | None:
        """A run that published (or found empty) this batch."""
        row = await self._pool.fetchrow(
            f"{_SELECT} WHERE batch_id = $1 AND status IN ('published', 'empty') "
            "ORDER BY started_at LIMIT 1",
            batch_id,
        )
        return None if row is None else _run(row)

    async def save(self, run: RunRecord) -> None:
        """Insert or update a run."""
        await self._pool.execute(
            _SAVE,
            run.run_id,
            run.school,
            run.year,
            run.kind,
            run.trigger,
            run.from_seq,
            run.started_at,
            run.status,
            run.batch_id,
            run.to_seq,
            run.finished_at,
            run.records,
            run.files_copied,
            run.files_missing,
            run.checksum,
            run.duration_ms,
            run.error,
            run.names_redacted,
        )

    async def get(self, run_id: uuid.UUID) -> RunRecord | None:
        """One run."""
        row = await self._pool.fetchrow(f"{_SELECT} WHERE run_id = $1", run_id)
        return None if row is None else _run(row)

    async def recent(self, school: str, year: int, limit: int) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = await self._pool.fetch(
            f"{_SELECT} WHERE school = $1 AND year = $2 ORDER BY started_at DESC LIMIT $3",
            school,
            year,
            limit,
        )
        return [_run(row) for row in rows]

    async def years(self) -> list[tuple[str, int]]:
        """Every (school, year) with a run."""
        rows = await self._pool.fetch("SELECT DISTINCT school, year FROM runs ORDER BY 1, 2")
        return [(row[0], row[1]) for row in rows]
