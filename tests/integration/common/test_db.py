"""Pools bound to a schema, migrations and schema swaps on a real PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.common.db import (
    PROJECTOR_MIGRATIONS,
    create_pool,
    migrate,
    migration_files,
    quote_ident,
    swap_schema,
)

pytestmark = pytest.mark.integration


COMMON = ["common/0001_projector.sql", "common/0002_text_repairs.sql"]


@pytest.fixture
def service_migrations(tmp_path: Path) -> Path:
    directory = tmp_path / "svc" / "migrations"
    directory.mkdir(parents=True)
    (directory / "0001_items.sql").write_text("CREATE TABLE items (id int PRIMARY KEY);")
    (directory / "0002_more.sql").write_text(
        "ALTER TABLE items ADD COLUMN name text; INSERT INTO items VALUES (1, 'one');"
    )
    (directory / "notes.txt").write_text("not a migration")
    return directory


def test_migration_files_put_the_projector_first_and_key_by_directory(service_migrations):
    keys = [key for key, _ in migration_files(service_migrations, PROJECTOR_MIGRATIONS)]

    assert keys == [*COMMON, "svc/0001_items.sql", "svc/0002_more.sql"]


async def test_migrate_applies_each_file_once_into_the_schema(
    pg_pool, pg_schema, service_migrations
):
    applied = await migrate(pg_pool, pg_schema, service_migrations)
    again = await migrate(pg_pool, pg_schema, service_migrations)

    assert applied == [*COMMON, "svc/0001_items.sql", "svc/0002_more.sql"]
    assert again == []
    assert await pg_pool.fetchval("SELECT name FROM items WHERE id = 1") == "one"
    assert await pg_pool.fetchval("SELECT count(*) FROM projection_checkpoints") == 0
    recorded = await pg_pool.fetch("SELECT name FROM schema_migrations ORDER BY name")
    assert [r["name"] for r in recorded] == sorted(applied)


async def test_concurrent_starts_migrate_once(database_url, pg_schema, service_migrations):
    pools = [await create_pool(database_url, pg_schema, max_size=1) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(migrate(pool, pg_schema, service_migrations) for pool in pools)
        )
    finally:
        for pool in pools:
            await pool.close()

    # Each file runs in its own transaction, so starters may share the work, never repeat it.
    applied = [key for result in results for key in result]
    assert sorted(applied) == [
        *COMMON,
        "svc/0001_items.sql",
        "svc/0002_more.sql",
    ]


async def test_migrate_creates_a_missing_schema(pg_pool, pg_schema, service_migrations):
    other = f"{pg_schema}_other"

    await migrate(pg_pool, other, service_migrations)

    assert await pg_pool.fetchval(f"SELECT count(*) FROM {quote_ident(other)}.items") == 1
    assert await pg_pool.fetchval("SELECT to_regclass('items')") is None  # the pool's schema


async def test_swap_schema_replaces_the_live_schema_and_drops_the_old(
    pg_pool, pg_schema, service_migrations
):
    await migrate(pg_pool, pg_schema, service_migrations)
    fresh = f"{pg_schema}_fresh"
    await migrate(pg_pool, fresh, service_migrations)
    await pg_pool.execute(f"INSERT INTO {quote_ident(fresh)}.items VALUES (2, 'two')")

    await swap_schema(pg_pool, live=pg_schema, fresh=fresh)

    assert await pg_pool.fetchval("SELECT count(*) FROM items") == 2
    schemas = await pg_pool.fetch(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'", pg_schema
    )
    assert [r["nspname"] for r in schemas] == [pg_schema]


def test_identifiers_are_checked():
    with pytest.raises(ValueError, match="identifier"):
        quote_ident('x"; DROP TABLE y; --')
