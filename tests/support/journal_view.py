"""The journal view's tables on a real PostgreSQL, fed by hand: events of one school's class
`c1` as the projector hands them over, a schema migrated as the journal migrates it, batches
applied through the view's projection, and the tables dumped in a stable order so a redelivery
or another split into batches can be compared row for row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts import subjects
from contracts.base import Event
from contracts.journal import LessonScheduled, MarkEntry
from services.common.db import PROJECTOR_MIGRATIONS, migrate, quote_ident
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.bootstrap import MIGRATIONS
from tests.support.projectors import journal_projector
from tests.support.stored_events import projected

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from services.common.db import Pool
    from services.common.keystore import KeySource
    from services.common.projector import Projected

SCHOOL, YEAR, CLASS = "sch1", 2026, "c1"
T0 = dt.datetime(2026, 9, 1, 7, 0, tzinfo=dt.UTC)
"""The first event's time; each later one is an hour after the one before."""
VIEW_TABLES = (
    "school_config",
    "subjects",
    "staff",
    "pupils",
    "classes",
    "memberships",
    "assignments",
    "lessons",
    "marks",
    "absences",
)
"""The tables of the view's roster, lessons, marks and absences."""

Item = tuple[str, Event, str]
"""An event to store: its subject, the event and who recorded it."""


def oral_mark(mark_id: str, pupil: str, value: str, weight: int = 1) -> MarkEntry:
    """A mark of the kind of work "oral", with its weight."""
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value=value, work_kind_id="oral", weight=Decimal(weight)
    )


def scheduled(lesson_id: str, date: dt.date, subject_id: str = "math", slot: int = 1) -> Item:
    """The administrator schedules a lesson of `c1` taught by t1."""
    event = LessonScheduled(
        lesson_id=lesson_id,
        class_id=CLASS,
        subject_id=subject_id,
        date=date,
        slot=slot,
        teacher_id="t1",
    )
    return on(lesson_id, event, "admin")


def on(lesson_id: str, event: Event, actor: str = "t1") -> Item:
    """`event` on the lesson `lesson_id` of `c1`, recorded by `actor`."""
    return subjects.lesson(YEAR, SCHOOL, CLASS, lesson_id), event, actor


def numbered(items: Iterable[Item]) -> list[Projected]:
    """`items` as the stream's messages 1, 2, …, an hour apart from `T0`."""
    return [
        projected(
            seq,
            subject,
            event,
            actor,
            school=SCHOOL,
            year=YEAR,
            occurred_at=T0 + dt.timedelta(hours=seq),
        )
        for seq, (subject, event, actor) in enumerate(items, 1)
    ]


async def migrate_view(pool: Pool, schema: str) -> None:
    """Create the journal's tables (and the projector's) in `schema`."""
    await migrate(pool, schema, PROJECTOR_MIGRATIONS, MIGRATIONS)


async def apply_batches(pool: Pool, schema: str, batches: Iterable[Sequence[Projected]]) -> None:
    """Apply each batch through the view's projection, one transaction a batch, in `schema`."""
    for batch in batches:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {quote_ident(schema)}")
            await JournalViewProjection().apply(conn, batch)


async def dump(pool: Pool, schema: str, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each of `tables` in `schema`, sorted: equal dumps, equal tables."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with pool.acquire() as conn:
        for table in tables:
            rows = await conn.fetch(f"SELECT * FROM {quote_ident(schema)}.{table}")
            found[table] = sorted((tuple(r.values()) for r in rows), key=repr)
    return found


async def assert_redelivery_changes_nothing(
    pool: Pool, schema: str, events: Sequence[Projected], tables: Iterable[str]
) -> dict[str, list[tuple[Any, ...]]]:
    """`events` applied again over what `schema` holds leave its `tables` as they were; the
    rows."""
    tables = tuple(tables)
    once = await dump(pool, schema, tables)
    await apply_batches(pool, schema, [events])
    assert await dump(pool, schema, tables) == once
    return once


async def assert_splits_build_the_same_rows(
    pool: Pool, schema: str, events: Sequence[Projected], tables: Iterable[str], size: int
) -> None:
    """`events` applied in batches of `size` to a fresh copy of `schema` build the same rows
    of `tables` as `schema` holds."""
    tables = tuple(tables)
    copy = f"{schema}_c{size}"
    await migrate_view(pool, copy)
    batches = [events[i : i + size] for i in range(0, len(events), size)]
    await apply_batches(pool, copy, batches)
    assert await dump(pool, copy, tables) == await dump(pool, schema, tables)


async def view_checkpoint(pool: Pool, schema: str) -> int:
    """The journal view's checkpoint in `schema` (0 before its tables exist)."""
    async with pool.acquire() as conn:
        exists = await conn.fetchval("SELECT to_regclass($1)", f"{schema}.projection_checkpoints")
        if exists is None:
            return 0
        query = f"SELECT last_seq FROM {quote_ident(schema)}.projection_checkpoints WHERE name = $1"
        return int(await conn.fetchval(query, JournalViewProjection().name) or 0)


async def assert_view_equals_a_rebuild(
    js: JetStreamContext, pool: Pool, schema: str, keys: KeySource
) -> dict[str, list[tuple[Any, ...]]]:
    """The journal view in `schema` equals a rebuild from sequence 1 of the JOURNAL stream
    (into `<schema>_copy`), table by table; the live tables' rows."""
    rebuilt = f"{schema}_copy"
    projector = journal_projector(js, pool, JournalViewProjection(), keys=keys)
    await projector.rebuild_into(rebuilt, PROJECTOR_MIGRATIONS, MIGRATIONS)
    live = await dump(pool, schema, VIEW_TABLES)
    assert live == await dump(pool, rebuilt, VIEW_TABLES)
    return live
