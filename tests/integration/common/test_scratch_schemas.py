"""Scratch schemas of rebuilds and full exports never outlive the process that made them.

A killed rebuild leaves its schema (with pupils' names and birth dates) behind; its session's
advisory lock is gone with the process. The next start of the service, or the next rebuild,
drops it, and keeps what a rebuild still running elsewhere holds.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest

from services.common.db import PROJECTOR_MIGRATIONS, create_pool, quote_ident
from services.common.scratch import drop_stale_schemas, scratch_schema
from services.enrollment import bootstrap
from services.enrollment.adapters.roster_projection import RosterProjection
from tests.support.projectors import journal_projector
from tests.support.running import enrollment_settings

pytestmark = pytest.mark.integration


async def left_by_a_killed_rebuild(database_url: str, name: str) -> None:
    """What a rebuild killed mid-way leaves: a schema with personal data, and no session."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE SCHEMA {quote_ident(name)}")
        await conn.execute(f"CREATE TABLE {quote_ident(name)}.pupils (name text, born date)")
        await conn.execute(
            f"INSERT INTO {quote_ident(name)}.pupils VALUES ('Иванова Мария', '2015-03-01')"
        )
    finally:
        await conn.close()


async def schemas(pool, prefix: str) -> set[str]:
    rows = await pool.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'", prefix)
    return {row[0] for row in rows}


async def test_the_service_drops_an_interrupted_rebuilds_schema_when_it_starts(
    js, nats_url, database_url, pg_schema, pg_pool
):
    roster = f"{pg_schema}_roster"
    killed = [f"{roster}_rebuild_0badf00d", f"{roster}_old_12345678", f"{pg_schema}_full_abcdef01"]
    for name in killed:
        await left_by_a_killed_rebuild(database_url, name)
    unrelated = f"{roster}_rebuild_notascratch"
    await left_by_a_killed_rebuild(database_url, unrelated)

    async with bootstrap.build(enrollment_settings(nats_url, database_url, pg_schema, "x" * 32)):
        left = await schemas(pg_pool, pg_schema)

    assert not left & set(killed)
    assert {pg_schema, roster, unrelated} <= left


async def test_a_rebuild_drops_what_an_interrupted_one_left_and_keeps_a_running_ones(
    js, database_url, pg_schema, pg_pool
):
    stale = f"{pg_schema}_rebuild_deadbeef"
    await left_by_a_killed_rebuild(database_url, stale)
    other = await create_pool(database_url, pg_schema, max_size=2)  # another process
    projector = journal_projector(js, pg_pool, RosterProjection())
    migrations = bootstrap.ROSTER_MIGRATIONS
    try:
        async with scratch_schema(other, pg_schema, "rebuild") as running:
            await left_by_a_killed_rebuild(database_url, running)

            await projector.rebuild(pg_schema, PROJECTOR_MIGRATIONS, migrations)
            left = await schemas(pg_pool, pg_schema)

        after = await schemas(pg_pool, pg_schema)
    finally:
        await other.close()

    assert stale not in left
    assert running in left  # its session holds it: a rebuild still at work elsewhere
    assert after == {pg_schema}  # gone with the block that claimed it; the rebuild swapped in


async def test_a_scratch_schema_is_dropped_when_its_block_fails_and_held_until_then(
    database_url, pg_schema, pg_pool
):
    with contextlib.suppress(RuntimeError):
        async with scratch_schema(pg_pool, pg_schema, "full") as name:
            await pg_pool.execute(f"CREATE SCHEMA {quote_ident(name)}")
            assert await drop_stale_schemas(pg_pool, pg_schema) == []  # held: not stale
            raise RuntimeError("the export failed")

    assert await schemas(pg_pool, name) == set()
    with pytest.raises(ValueError, match="unknown scratch purpose"):
        async with scratch_schema(pg_pool, pg_schema, "copy"):
            pass


async def test_only_one_of_two_starts_drops_a_stale_schema(database_url, pg_schema, pg_pool):
    stale = f"{pg_schema}_rebuild_0123abcd"
    await left_by_a_killed_rebuild(database_url, stale)

    results = await asyncio.gather(
        drop_stale_schemas(pg_pool, pg_schema), drop_stale_schemas(pg_pool, pg_schema)
    )

    assert sorted(len(r) for r in results) in ([0, 1], [1, 1])  # IF EXISTS: never an error
    assert await schemas(pg_pool, stale) == set()
