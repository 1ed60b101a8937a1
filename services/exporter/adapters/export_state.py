"""The export state in PostgreSQL: catching up with the journal, cutting deltas and fulls."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

from nats.js import JetStreamContext

from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from contracts.subjects import SCHOOL_WIDE, journal_filter
from services.common.advisory_lock import held
from services.common.db import PROJECTOR_MIGRATIONS, Connection, Pool, quote_ident
from services.common.keystore import KeyStore
from services.common.projector import Projector, RebuildResult
from services.common.scratch import drop_stale_schemas, scratch_schema
from services.exporter.adapters.export_projection import (
    NAME,
    ExportDocsProjection,
    PupilNamesProjection,
)
from services.exporter.application.ports import Cut
from services.exporter.domain.docs import ROLL, Content, Doc, Folded
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import content_of, published
from services.exporter.domain.stored_docs import load_state

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FETCH = 500  # rows per round trip of the cursor: memory stays bounded whatever the year's size

_CHECKPOINT = "SELECT last_seq FROM projection_checkpoints WHERE name = $1"
DRAIN_LOCK = "exporter:drain"
"""The advisory lock a catch-up or rebuild of the export state holds (processes take turns)."""
# The staff roll is the fold's memory, never a record: only the directory derived from it is.
_CHANGED = (
    "SELECT kind, record_id, seq, content::text FROM docs "  # noqa: S608 - a constant
    "WHERE school = $1 AND year = $2 AND seq > $3 AND seq <= $4 "
    f"AND kind <> '{ROLL}' ORDER BY kind, record_id"
)
_ALL = (
    "SELECT kind, record_id, seq, content::text FROM docs "  # noqa: S608 - a constant
    f"WHERE school = $1 AND year = $2 AND seq <= $3 AND kind <> '{ROLL}' ORDER BY kind, record_id"
)
_YEARS = "SELECT school, year FROM docs WHERE kind = 'school' ORDER BY school, year"
# The names of a school's pupils of every year, for the name guard (never published).
_NAMES = "SELECT DISTINCT full_name FROM pupil_names WHERE school = $1 ORDER BY full_name"
_BACKFILL_DUE = "SELECT coalesce(bool_or(due), false) FROM pupil_names_backfill"
_BACKFILL_DONE = "UPDATE pupil_names_backfill SET due = false"
# Every pupil subject of the journal (`contracts.subjects.pupil`), of every school and year.
_PUPIL_SUBJECTS = f"jrn.*.*.{SCHOOL_WIDE}.pupil.*"
# A full export's replay knows its year's pupils; the live state those of every year so far.
_NAMES_WITH_LIVE = (
    "SELECT full_name FROM pupil_names WHERE school = $1 UNION "
    "SELECT full_name FROM {live}.pupil_names WHERE school = $1 ORDER BY full_name"
)
_CLASSES = (
    "SELECT content::text FROM docs WHERE school = $1 AND year = $2 AND kind = 'class' "
    "ORDER BY record_id"
)
# Every (school, year) with documents, one primary-key probe per pair (a loose index scan:
# the docs of a year are mostly lessons, and DISTINCT would read every one of them).
_KNOWN = """
WITH RECURSIVE k AS (
    (SELECT school, year FROM docs WHERE {where} ORDER BY school, year LIMIT 1)
    UNION ALL
    SELECT n.school, n.year FROM k CROSS JOIN LATERAL (
        SELECT school, year FROM docs
        WHERE {where} AND (docs.school, docs.year) > (k.school, k.year)
        ORDER BY school, year LIMIT 1
    ) AS n
)
SELECT school, year FROM k
"""
_KNOWN_ALL = _KNOWN.format(where="true")
_KNOWN_OF_SCHOOL = _KNOWN.format(where="docs.school = $1")


def export_projector(
    js: JetStreamContext,
    pool: Pool,
    filter_subject: str,
    due_table: str | None = None,
    rollovers_table: str | None = None,
    *,
    keys: KeyStore,
) -> Projector:
    """The export state's projector over the JOURNAL stream (or part of it); the live one
    marks grant syncs due in `due_table` and closed school years in `rollovers_table`."""
    return Projector(
        js,
        pool,
        stream=JOURNAL.name,
        filter_subject=filter_subject,
        registry=JOURNAL_REGISTRY,
        projection=ExportDocsProjection(due_table, rollovers_table),
        keys=keys,
    )


class PgExportState:
    """`ExportState` on the exporter's schema, folded by a projector that runs on demand.

    The projector is drained before each cut (and, while the service runs, by the grant sync
    whenever the journal grows) rather than run continuously, under an advisory lock
    (processes) and an asyncio lock (tasks), and its feed is closed after each drain, so that
    two processes never pull from the durable consumer at once. Its batches mark the school
    years whose classes changed due for a grant sync.
    """

    def __init__(
        self,
        js: JetStreamContext,
        pool: Pool,
        schema: str,
        pseudonymiser: Pseudonymiser,
        keys: KeyStore,
    ) -> None:
        self._js = js
        self._keys = keys
        self._pool = pool
        self._schema = schema
        self._pseudonymiser = pseudonymiser
        self.projector = export_projector(
            js,
            pool,
            journal_filter(),
            due_table="grant_syncs_due",
            rollovers_table="rollovers",
            keys=keys,
        )
        self._draining = asyncio.Lock()

    async def behind(self) -> bool:
        """Whether JOURNAL holds events past the checkpoint."""
        checkpoint = await self._pool.fetchval(_CHECKPOINT, NAME)
        return await self.journal_last_seq() > int(checkpoint or 0)

    async def catch_up(self) -> int:
        """Fold the journal up to its current end; answer the checkpoint."""
        async with self._draining, held(self._pool, DRAIN_LOCK):
            try:
                return await self.projector.drain()
            finally:
                await self.projector.close()

    async def journal_last_seq(self) -> int:
        """The JOURNAL stream's last sequence now."""
        info = await self._js.stream_info(JOURNAL.name)
        return int(info.state.last_seq)

    @contextlib.asynccontextmanager
    async def changed(self, school: str, year: int, after: int) -> AsyncIterator[Cut]:
        """Documents changed in (after, checkpoint], from one REPEATABLE READ snapshot."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            checkpoint = int(await conn.fetchval(_CHECKPOINT, NAME) or 0)
            names = tuple(row[0] for row in await conn.fetch(_NAMES, school))
            docs = self._stream(conn, _CHANGED, school, year, after, checkpoint)
            try:
                yield Cut(checkpoint, docs, names)
            finally:
                await docs.aclose()  # before the snapshot ends, also when a publish failed

    @contextlib.asynccontextmanager
    async def full(self, school: str, year: int, until: int) -> AsyncIterator[Cut]:
        """Replay (school, year) up to `until` into a scratch schema; read it; drop it.

        The replay reads up to `until`, however long the server takes to skip the other
        schools' events before the first of this one (`services.common.projector_replay`).
        """
        projector = export_projector(
            self._js, self._pool, journal_filter(year, school), keys=self._keys
        )
        async with scratch_schema(self._pool, self._schema, "full") as scratch:
            await projector.rebuild_into(scratch, PROJECTOR_MIGRATIONS, MIGRATIONS, until=until)
            async with self._pool.acquire() as conn, _snapshot(conn):
                await conn.execute(f"SET LOCAL search_path TO {quote_ident(scratch)}")
                live = _NAMES_WITH_LIVE.format(live=quote_ident(self._schema))
                names = tuple(row[0] for row in await conn.fetch(live, school))
                docs = self._stream(conn, _ALL, school, year, until)
                try:
                    yield Cut(until, docs, names)
                finally:
                    await docs.aclose()

    async def rebuild(self) -> RebuildResult:
        """Replay the whole journal into a scratch schema and copy the documents in.

        Not a schema swap: the runs table shares the schema and must survive. Documents,
        checkpoint and dead letters are replaced in one transaction under the drain lock.
        """
        projector = export_projector(self._js, self._pool, journal_filter(), keys=self._keys)
        await drop_stale_schemas(self._pool, self._schema)  # an interrupted rebuild's copy
        async with (
            self._draining,
            held(self._pool, DRAIN_LOCK) as conn,
            scratch_schema(self._pool, self._schema, "rebuild") as scratch,
        ):
            result = await projector.rebuild_into(scratch, PROJECTOR_MIGRATIONS, MIGRATIONS)
            async with conn.transaction():
                for statement, by_name in _replace_from(quote_ident(scratch)):
                    await conn.execute(statement, *([NAME] if by_name else []))
        return dataclasses.replace(result, schema=self._schema)

    async def backfill_names(self) -> int:
        """Fill `pupil_names` once for a state folded before the name guard existed (the
        migration marks it due): a replay of the journal's pupil subjects only, into a scratch
        schema, copied in. Answers how many names it added (0 when not due)."""
        if not await self._pool.fetchval(_BACKFILL_DUE):
            return 0
        projector = Projector(
            self._js,
            self._pool,
            stream=JOURNAL.name,
            filter_subject=_PUPIL_SUBJECTS,
            registry=JOURNAL_REGISTRY,
            projection=PupilNamesProjection(),
            keys=self._keys,
        )
        async with scratch_schema(self._pool, self._schema, "rebuild") as scratch:
            await projector.rebuild_into(scratch, PROJECTOR_MIGRATIONS, MIGRATIONS)
            async with self._pool.acquire() as conn, conn.transaction():
                copied = await conn.execute(
                    f"INSERT INTO pupil_names SELECT * FROM {quote_ident(scratch)}.pupil_names "  # noqa: S608
                    "ON CONFLICT DO NOTHING"
                )
                await conn.execute(_BACKFILL_DONE)
        return int(copied.rsplit(" ", 1)[-1])

    async def pupil_names(self, school: str) -> list[str]:
        """The full names of the school's pupils of every year folded so far."""
        return [row[0] for row in await self._pool.fetch(_NAMES, school)]

    async def exported_years(self) -> list[tuple[str, int]]:
        """Every (school, year) that has a school document."""
        rows = await self._pool.fetch(_YEARS)
        return [(row[0], row[1]) for row in rows]

    async def classes(self, school: str, year: int) -> list[Content]:
        """What the class records of a school year say (pupils by pseudonym)."""
        rows = await self._pool.fetch(_CLASSES, school, year)
        return [content_of(load_state("class", row[0]), self._pseudonymiser) for row in rows]

    async def _stream(
        self, conn: Connection, query: str, *args: object
    ) -> AsyncGenerator[Doc, None]:
        """What the documents' records say, through a server-side cursor, a bounded number of
        rows at a time: each stored state read back and mapped to its record here, where the
        pseudonymiser is (the states keep pupil ids, as the kernel folds them)."""
        async for row in conn.cursor(query, *args, prefetch=FETCH):
            folded = Folded(row[0], row[1], row[2], load_state(row[0], row[3]))
            yield published(folded, self._pseudonymiser)

    async def years(self, school: str | None = None) -> list[tuple[str, int]]:
        """Every (school, year) with documents (of one school, if given)."""
        if school is None:
            rows = await self._pool.fetch(_KNOWN_ALL)
        else:
            rows = await self._pool.fetch(_KNOWN_OF_SCHOOL, school)
        return [(row[0], row[1]) for row in rows]


def _replace_from(scratch: str) -> list[tuple[str, bool]]:
    """Statements that copy a rebuild in, each with whether it takes the projection name."""
    dead = "projection, stream_seq, subject, event_type, reason, body, headers"
    return [
        ("LOCK TABLE projection_checkpoints IN ACCESS EXCLUSIVE MODE", False),
        ("TRUNCATE docs", False),
        (f"INSERT INTO docs SELECT * FROM {scratch}.docs", False),  # noqa: S608 - quoted
        ("TRUNCATE pupil_names", False),
        (f"INSERT INTO pupil_names SELECT * FROM {scratch}.pupil_names", False),  # noqa: S608
        ("DELETE FROM dead_letters WHERE projection = $1", True),
        (
            f"INSERT INTO dead_letters ({dead}) SELECT {dead} "  # noqa: S608 - quoted
            f"FROM {scratch}.dead_letters WHERE projection = $1",
            True,
        ),
        (
            "INSERT INTO projection_checkpoints (name, last_seq) SELECT name, last_seq "  # noqa: S608
            f"FROM {scratch}.projection_checkpoints WHERE name = $1 ON CONFLICT (name) "
            "DO UPDATE SET last_seq = excluded.last_seq, updated_at = now()",
            True,
        ),
        # The classes may differ from before (that is why one rebuilds): sync every school.
        (
            "INSERT INTO grant_syncs_due AS d (school, year) SELECT DISTINCT school, 0 "
            "FROM docs ON CONFLICT (school, year) DO UPDATE SET version = d.version + 1",
            False,
        ),
    ]


@contextlib.asynccontextmanager
async def _snapshot(conn: Connection) -> AsyncIterator[None]:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        # Planned for this school and range, not from a generic plan cached on the connection.
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
