"""The event log read from PostgreSQL: the `EventLog` port over the `event_log` table.

Each query is built from the filters actually given (never `$n IS NULL OR ...`), so even the
generic plans PostgreSQL switches to for a prepared statement keep using the indexes; a LIKE
pattern on subjects also gives its literal prefix as a range, which the `(school, subject)`
index (C collation) serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Collection
from typing import TYPE_CHECKING, Any, Unpack

from services.audit.adapters.event_log_projection import COLUMNS
from services.audit.domain.log import UNDECODABLE_VERSION, LoggedEvent
from services.audit.domain.names import ERASURE, ROSTER_TYPES

if TYPE_CHECKING:
    import asyncpg

    from services.audit.application.ports import EventFilters, EventWindow
    from services.common.db import Pool

_CURSOR_PREFETCH = 2000
_WILDCARD = re.compile(r"[%_\\]")


def logged(row: asyncpg.Record) -> LoggedEvent:
    """A row of `event_log` as the domain's `LoggedEvent`."""
    return LoggedEvent(
        stream=row["stream"],
        seq=row["seq"],
        subject=row["subject"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        actor_id=row["actor_id"],
        actor_role=row["actor_role"],
        school=row["school"],
        year=row["year"],
        correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        data=json.loads(row["data"]),
        prev_hash=row["prev_hash"],
    )


class _Query:
    """A SELECT on `event_log` grown one condition (and its argument) at a time."""

    def __init__(self, school: str) -> None:
        self.args: list[Any] = [school]
        self.conditions = ["school = $1"]

    def where(self, condition: str, *values: Any) -> None:  # noqa: ANN401 - SQL arguments
        """Add `condition`, whose `{}` placeholders take the next argument numbers."""
        numbers = [f"${len(self.args) + i}" for i in range(1, len(values) + 1)]
        self.conditions.append(condition.format(*numbers))
        self.args.extend(values)

    def like(self, pattern: str) -> None:
        """`subject LIKE pattern`, with the pattern's literal prefix as an index range too."""
        prefix = _WILDCARD.split(pattern, maxsplit=1)[0]
        if prefix:
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            self.where("subject >= {} AND subject < {}", prefix, upper)
        if prefix != pattern:
            self.where("subject LIKE {}", pattern)

    def sql(self, order: str) -> str:
        """The statement."""
        where = " AND ".join(self.conditions)
        return f"SELECT {COLUMNS} FROM event_log WHERE {where} ORDER BY {order}"  # noqa: S608


class PgEventLog:
    """`EventLog` on the audit schema's pool."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def events(
        self, school: str, *, streams: Collection[str], **window: Unpack[EventWindow]
    ) -> AsyncIterator[LoggedEvent]:
        """The school's events in stream order, read through a server-side cursor."""
        query = _Query(school)
        query.where("stream = ANY({}::text[])", list(streams))
        if (until := window.get("until")) is not None:
            query.where("recorded_at <= {}", until)
        if (subjects_like := window.get("subjects_like")) is not None:
            query.like(subjects_like)
        if not window.get("include_undecodable", False):
            query.where("schema_version <> {}", UNDECODABLE_VERSION)
        async with self._pool.acquire() as conn, conn.transaction():
            cursor = conn.cursor(query.sql("stream, seq"), *query.args, prefetch=_CURSOR_PREFETCH)
            async for row in cursor:
                yield logged(row)

    async def by_subjects(
        self, school: str, stream: str, subjects: Collection[str]
    ) -> list[LoggedEvent]:
        """Every decodable event on exactly these subjects of one stream, in stream order."""
        query = _Query(school)
        query.where("subject = ANY({}::text[]) AND stream = {}", list(subjects), stream)
        return await self._fetch(query)

    async def find(
        self, school: str, stream: str, **filters: Unpack[EventFilters]
    ) -> list[LoggedEvent]:
        """Every decodable event of one stream matching all the filters given, in stream order."""
        query = _Query(school)
        query.where("stream = {}", stream)
        if (event_types := filters.get("event_types")) is not None:
            query.where("event_type = ANY({}::text[])", list(event_types))
        if (subjects_like := filters.get("subjects_like")) is not None:
            query.like(subjects_like)
        if (data_contains := filters.get("data_contains")) is not None:
            query.where("data @> {}::jsonb", json.dumps(data_contains))
        if (actor_id := filters.get("actor_id")) is not None:
            query.where("actor_id = {}", actor_id)
        return await self._fetch(query)

    async def roster(
        self, school: str, *, year: int | None, ids: Collection[str] | None
    ) -> list[LoggedEvent]:
        """Roster events naming people and subjects (of `year`; about `ids` when given), and
        the erasures of those people (recorded in whichever year)."""
        query = _Query(school)
        query.where("stream = 'JOURNAL' AND event_type = ANY({}::text[])", list(ROSTER_TYPES))
        if year is not None:
            query.where("(year = {} OR event_type = {})", year, ERASURE)
        if ids is not None:
            named = (
                "coalesce(data->>'staff_id', data->>'pupil_id', data->>'subject_id', "
                "data->>'person')"
            )
            query.where(f"{named} = ANY({{}}::text[])", list(ids))
        return await self._fetch(query)

    async def _fetch(self, query: _Query) -> list[LoggedEvent]:
        query.where("schema_version <> {}", UNDECODABLE_VERSION)
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(query.sql("seq"), *query.args)
        return [logged(row) for row in rows]
