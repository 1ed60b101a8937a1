"""PostgreSQL session advisory locks: the one place for their SQL, their key spaces and their
release (a migration's transaction lock is `services.common.db`'s own).

A session lock lives as long as the connection that took it, so the holder keeps a pooled
connection of its own for the whole time; if its process dies, PostgreSQL ends the session and
the lock with it, and nobody has to clean up. Used for the replicas' leases
(`services.common.lease`), the exporter's runs, drains and grant syncs, the journal's erasure
redaction and the scratch schemas.
"""

from __future__ import annotations

import contextlib
import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from services.common.db import Connection, Pool


class LockScope(enum.Enum):
    """Where a lock's name is unique. Advisory locks are per database, so the name is hashed
    together with what sets it apart; the value is the SQL of the lock's key."""

    DATABASE = "hashtext($1)"
    """One lock per name in the whole database (the exporter's runs, the journal's erasure)."""
    SCHEMA = "hashtext(current_schema() || '/' || $1)"
    """One lock per name and schema of the connection: the same service in two schemas of one
    database (tests, a rebuild) does not share it."""
    SCRATCH = "6048380, hashtext($1)"  # 0x5C4A7C: the scratch schemas' key space
    """Scratch schemas' names, in a key space of their own (PostgreSQL keeps two-key locks apart
    from one-key locks), so a schema's name can never meet another lock's."""


async def lock(conn: Connection, name: str, scope: LockScope = LockScope.DATABASE) -> None:
    """Wait until `conn`'s session holds the lock `name`."""
    await conn.execute(f"SELECT pg_advisory_lock({scope.value})", name)


async def try_lock(conn: Connection, name: str, scope: LockScope = LockScope.DATABASE) -> bool:
    """Take the lock `name` for `conn`'s session if no other session holds it."""
    return bool(await conn.fetchval(f"SELECT pg_try_advisory_lock({scope.value})", name))


async def unlock(conn: Connection, name: str, scope: LockScope = LockScope.DATABASE) -> None:
    """Let go of the lock `name` held by `conn`'s session."""
    await conn.execute(f"SELECT pg_advisory_unlock({scope.value})", name)


@contextlib.asynccontextmanager
async def held(
    pool: Pool, name: str, scope: LockScope = LockScope.DATABASE
) -> AsyncIterator[Connection]:
    """Wait for the lock `name` on a connection of `pool` kept for the block; the block gets
    that connection (work that must happen under the lock, in one transaction, uses it)."""
    async with pool.acquire() as conn:
        await lock(conn, name, scope)
        try:
            yield conn
        finally:
            await unlock(conn, name, scope)


@contextlib.asynccontextmanager
async def held_if_free(
    pool: Pool, name: str, scope: LockScope = LockScope.DATABASE
) -> AsyncIterator[bool]:
    """Hold the lock `name` for the block if no other session holds it; the block learns
    whether it does, and does not wait."""
    async with pool.acquire() as conn:
        taken = await try_lock(conn, name, scope)
        try:
            yield taken
        finally:
            if taken:
                await unlock(conn, name, scope)
