"""The published grants, the grant sync lock and the marks of due syncs, in PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter

from contracts.diary import AccessGranted, AccessRevoked
from contracts.diary import Scope as ScopeField
from services.common.advisory_lock import held
from services.common.db import Pool
from services.exporter.application.grant_ports import Due, GrantRow, Unsent
from services.exporter.domain.grants import Change, Published, Scope

_SCOPE: TypeAdapter[Scope] = TypeAdapter(ScopeField)

_PUBLISHED = "SELECT grant_id, uid, scope::text, live FROM grants WHERE school = $1 AND year = $2"
_RECORD = (
    "INSERT INTO grants (school, year, grant_id, uid, scope, live, since, reason, event_id, sent) "
    "SELECT $1, $2, u.grant_id, u.uid, u.scope::jsonb, u.live, $3, u.reason, u.event_id, false "
    "FROM unnest($4::text[], $5::bigint[], $6::text[], $7::boolean[], $8::text[], $9::uuid[]) "
    "AS u(grant_id, uid, scope, live, reason, event_id) "
    "ON CONFLICT (school, year, grant_id) DO UPDATE SET live = excluded.live, "
    "since = excluded.since, reason = excluded.reason, event_id = excluded.event_id, sent = false"
)
# Revocations first: while a sync publishes, access is never wider than before and after.
_UNSENT = (
    "SELECT event_id, since, grant_id, uid, scope::text, live, reason FROM grants "
    "WHERE school = $1 AND year = $2 AND NOT sent ORDER BY live, grant_id"
)
_SENT = (
    "UPDATE grants SET sent = true "
    "WHERE school = $1 AND year = $2 AND event_id = ANY($3::uuid[]) AND NOT sent"
)
_ROWS = (
    "SELECT grant_id, uid, scope::text, live, since, reason, sent FROM grants "
    "WHERE school = $1 AND year = $2 ORDER BY uid, grant_id"
)
_YEARS = "SELECT DISTINCT school, year FROM grants ORDER BY school, year"
_MARK = (
    "INSERT INTO {table} AS d (school, year) SELECT * FROM unnest($1::text[], $2::int[]) "
    "ON CONFLICT (school, year) DO UPDATE SET version = d.version + 1"
)
_DUE = "SELECT school, year, version FROM grant_syncs_due ORDER BY school, year"
_DONE = "DELETE FROM grant_syncs_due WHERE school = $1 AND year = $2 AND version = $3"


def mark_due_statement(table: str = "grant_syncs_due") -> str:
    """The statement that marks (school[], year[]) due in `table` (a projection's batch runs
    it in its own transaction, qualified when its search_path is another schema)."""
    return _MARK.format(table=table)


def _scope(text: str) -> Scope:
    return _SCOPE.validate_python(json.loads(text))


def _change(row: Any) -> Change:  # noqa: ANN401 - an asyncpg record
    if row["live"]:
        return AccessGranted(grant_id=row["grant_id"], uid=row["uid"], scope=_scope(row["scope"]))
    return AccessRevoked(grant_id=row["grant_id"], uid=row["uid"], reason=row["reason"])


class PgGrantBook:
    """`GrantBook` on the exporter's schema; the lock is a session advisory lock per school
    year, held on a connection of its own, queued in memory first within the process."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._local: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @contextlib.asynccontextmanager
    async def lock(self, school: str, year: int) -> AsyncIterator[None]:
        """Hold an advisory lock for the sync (as export runs do, with a key of its own)."""
        key = f"exporter:grants:{school}:{year}"
        async with self._local[key], held(self._pool, key):
            yield

    async def published(self, school: str, year: int) -> list[Published]:
        """The current state of every grant of the school year."""
        rows = await self._pool.fetch(_PUBLISHED, school, year)
        return [Published(r[0], r[1], _scope(r[2]), r[3]) for r in rows]

    async def record(
        self, school: str, year: int, changes: Sequence[tuple[uuid.UUID, Change]], at: dt.datetime
    ) -> None:
        """Record the changes as the grants' new state, unsent, in one statement."""
        if not changes:
            return
        scopes = {
            c.grant_id: c.scope.model_dump_json()
            for _, c in changes
            if isinstance(c, AccessGranted)
        }
        await self._pool.execute(
            _RECORD,
            school,
            year,
            at,
            [c.grant_id for _, c in changes],
            [c.uid for _, c in changes],
            # A revocation keeps the scope already stored (the insert needs one: never used).
            [scopes.get(c.grant_id, "{}") for _, c in changes],
            [isinstance(c, AccessGranted) for _, c in changes],
            [c.reason if isinstance(c, AccessRevoked) else None for _, c in changes],
            [event_id for event_id, _ in changes],
        )

    async def unsent(self, school: str, year: int) -> list[Unsent]:
        """Recorded changes not acknowledged yet, revocations first."""
        rows = await self._pool.fetch(_UNSENT, school, year)
        return [Unsent(row["event_id"], row["since"], _change(row)) for row in rows]

    async def mark_sent(self, school: str, year: int, event_ids: Sequence[uuid.UUID]) -> None:
        """The stream acknowledged these events."""
        await self._pool.execute(_SENT, school, year, list(event_ids))

    async def rows(self, school: str, year: int) -> list[GrantRow]:
        """Every grant of the school year."""
        rows = await self._pool.fetch(_ROWS, school, year)
        return [GrantRow(r[0], r[1], _scope(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    async def years(self) -> list[tuple[str, int]]:
        """Every (school, year) that has grants."""
        return [(r[0], r[1]) for r in await self._pool.fetch(_YEARS)]

    async def mark_due(self, keys: Iterable[tuple[str, int]]) -> None:
        """Mark school years due (year 0: every year of the school)."""
        keys = sorted(set(keys))
        if keys:
            await self._pool.execute(
                mark_due_statement(), [k[0] for k in keys], [k[1] for k in keys]
            )

    async def due(self) -> list[Due]:
        """What is marked due."""
        return [Due(r[0], r[1], r[2]) for r in await self._pool.fetch(_DUE)]

    async def done(self, due: Due) -> None:
        """Clear a mark unless it was marked again since."""
        await self._pool.execute(_DONE, due.school, due.year, due.version)
