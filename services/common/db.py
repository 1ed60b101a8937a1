"""PostgreSQL access shared by every service: pools bound to a schema, and migrations.

All SQL in the project is unqualified and resolved through `search_path`, so the same code (and
the same migration files) can build a projection into any schema, which is what a rebuild does.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

PROJECTOR_MIGRATIONS = Path(__file__).parent / "migrations"
"""The projector's own tables (checkpoints, dead letters), applied before a service's migrations."""

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_MIGRATION_FILE = re.compile(r"^\d{4}_[A-Za-z0-9_-]+\.sql$")

Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
"""A connection of its own or one acquired from a pool: both are used the same way."""


BACKGROUND_ACQUIRE_SECONDS = 30.0
ACQUIRE_TIMEOUT: ContextVar[float] = ContextVar(
    "acquire_timeout", default=BACKGROUND_ACQUIRE_SECONDS
)
"""How long `pool.acquire()` waits for a connection (when the caller names no timeout).

Long for projectors and batch work, which would rather wait than fail; the HTTP middleware
(`services.common.limits`) sets it short for the request it serves, so that a request meeting a
PostgreSQL outage or an exhausted pool answers 503 at once instead of queueing."""


class _BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` never waits without a bound (`ACQUIRE_TIMEOUT`).

    asyncpg has no pool-wide acquire timeout, and every adapter calls `pool.acquire()`; the
    pool's class is swapped for this one (same layout: no slots of its own) instead.
    """

    __slots__ = ()

    def acquire(self, *, timeout: float | None = None) -> Any:  # noqa: ANN401 - asyncpg's type
        """The connection context of asyncpg, with the default timeout filled in."""
        return super().acquire(timeout=ACQUIRE_TIMEOUT.get() if timeout is None else timeout)


def quote_ident(name: str) -> str:
    """A schema or table name checked against a conservative pattern and double-quoted."""
    if not _IDENTIFIER.match(name):
        msg = f"not a plain lowercase SQL identifier: {name!r}"
        raise ValueError(msg)
    return f'"{name}"'


async def create_pool(
    dsn: str,
    schema: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    connect_timeout: float = 5.0,
) -> Pool:
    """A pool whose connections resolve unqualified names in `schema` (and nowhere else).

    Connections lost when PostgreSQL restarts are replaced on the next acquire (asyncpg opens
    a new one for a closed holder); `connect_timeout` bounds how long that may take, and
    acquiring waits at most `ACQUIRE_TIMEOUT`.
    """
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        timeout=connect_timeout,
        server_settings={"search_path": quote_ident(schema)},
    )
    pool.__class__ = _BoundedPool
    return pool


def migration_files(*dirs: Path) -> list[tuple[str, Path]]:
    """`(key, path)` of every NNNN_*.sql file, the projector's first, each directory in order.

    The key is `<directory's parent name>/<file name>` (e.g. `journal/0001_views.sql`), so two
    directories may both hold a `0001_*.sql`.
    """
    ordered = [PROJECTOR_MIGRATIONS, *(d for d in dirs if d.resolve() != PROJECTOR_MIGRATIONS)]
    found: list[tuple[str, Path]] = []
    for directory in ordered:
        files = sorted(p for p in directory.iterdir() if _MIGRATION_FILE.match(p.name))
        found.extend((f"{directory.resolve().parent.name}/{p.name}", p) for p in files)
    return found


async def migrate(pool_or_conn: Pool | Connection, schema: str, *dirs: Path) -> list[str]:
    """Apply the migrations of `dirs` (projector's first) not yet recorded in `schema`.

    Each file runs in its own transaction with `search_path` set to `schema`, under an advisory
    lock keyed on the schema, so concurrent starts of the same service do not race. Returns the
    keys of the files applied now.
    """
    if isinstance(pool_or_conn, asyncpg.Pool):
        async with pool_or_conn.acquire() as conn:
            return await _migrate(conn, schema, migration_files(*dirs))
    return await _migrate(pool_or_conn, schema, migration_files(*dirs))


async def _migrate(conn: Connection, schema: str, files: list[tuple[str, Path]]) -> list[str]:
    quoted = quote_ident(schema)
    async with conn.transaction():
        await _lock_schema(conn, schema)
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    applied: list[str] = []
    for key, path in files:
        async with conn.transaction():
            await _lock_schema(conn, schema)
            done = await conn.fetchval(
                f"SELECT 1 FROM {quoted}.schema_migrations WHERE name = $1",  # noqa: S608 - quoted
                key,
            )
            if done:
                continue
            # SET LOCAL: the file's unqualified names land in `schema` whatever the pool's path.
            await conn.execute(f"SET LOCAL search_path TO {quoted}")
            await conn.execute(path.read_text(encoding="utf-8"))
            record = f"INSERT INTO {quoted}.schema_migrations (name) VALUES ($1)"  # noqa: S608
            await conn.execute(record, key)
            applied.append(key)
    return applied


async def _lock_schema(conn: Connection, schema: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('migrate:' || $1))", schema)


async def swap_schema(pool: Pool, *, live: str, fresh: str) -> None:
    """In one transaction: rename `live` away, rename `fresh` to `live`, drop the old one.

    The fresh tables are analyzed first: freshly built, they have no statistics, and until
    autovacuum analyzes them (up to a minute later) the planner picks plans that make a heavy
    read (a monthly check's report) run past its deadline. Every pooled connection is replaced
    afterwards, since their cached statement plans may name tables of the dropped schema.
    """
    await analyze_schema(pool, fresh)
    old = f"{live}_old_{secrets.token_hex(4)}"
    async with pool.acquire() as conn, conn.transaction():
        exists = await conn.fetchval("SELECT to_regnamespace($1) IS NOT NULL", live)
        if exists:
            await _lock_checkpoints(conn, live)
            await conn.execute(f"ALTER SCHEMA {quote_ident(live)} RENAME TO {quote_ident(old)}")
        await conn.execute(f"ALTER SCHEMA {quote_ident(fresh)} RENAME TO {quote_ident(live)}")
        if exists:
            await conn.execute(f"DROP SCHEMA {quote_ident(old)} CASCADE")
    await pool.expire_connections()


async def analyze_schema(pool: Pool, schema: str) -> None:
    """Gather the planner's statistics of every table of `schema`."""
    async with pool.acquire() as conn:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)
        qualified = [f"{quote_ident(schema)}.{quote_ident(t['tablename'])}" for t in tables]
        if qualified:
            await conn.execute(f"ANALYZE {', '.join(qualified)}")


async def _lock_checkpoints(conn: Connection, schema: str) -> None:
    # Taken first, so a live batch in flight commits before the swap, the next one waits for it
    # (and then finds the rebuilt checkpoint), and DROP ... CASCADE cannot deadlock with either.
    table = f"{quote_ident(schema)}.projection_checkpoints"
    if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
        await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
