"""Scratch schemas: where rebuilds and full exports replay before they swap in or read out.

A scratch schema holds a copy of a projection, pupils' names and birth dates included, so it
must not outlive the work done in it. It is named `<live>_<purpose>_<8 hex>` and the process
working in it holds a session-level advisory lock on that name for as long as it does
(`scratch_schema`). A killed process leaves the schema behind, but its PostgreSQL session ends
and the lock goes with it: `drop_stale_schemas`, run when a service starts and before every
rebuild, drops each scratch schema of a live schema that nobody holds. A rebuild running in
another process (an operator's `projection rebuild` beside the running service) keeps its lock
and so its schema.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator

import structlog

from services.common.advisory_lock import LockScope, held, try_lock, unlock
from services.common.db import Pool, quote_ident

logger = structlog.get_logger()

PURPOSES = ("rebuild", "full", "old")
"""What scratch schemas are for: a rebuild, a full export's replay, a swapped-out live schema
(`db.swap_schema` drops that one in the same transaction; listed should a crash leave one)."""

_CANDIDATES = "SELECT nspname FROM pg_namespace WHERE nspname ~ $1 ORDER BY nspname"


def scratch_pattern(live: str) -> str:
    """The regular expression matching the names of `live`'s scratch schemas (and no other:
    `diary_messages_rebuild_…` is not a scratch schema of `diary`)."""
    quote_ident(live)  # only plain identifiers, so nothing in it means anything to a regex
    return f"^{live}_({'|'.join(PURPOSES)})_[0-9a-f]{{8}}$"


@contextlib.asynccontextmanager
async def scratch_schema(pool: Pool, live: str, purpose: str) -> AsyncIterator[str]:
    """A new scratch schema name for `live`, claimed for the block and dropped after it.

    The caller creates the schema (a migration does). A schema renamed away in the block (a
    rebuild swapped in) is no longer there to drop. One connection of `pool` holds the claim.
    """
    if purpose not in PURPOSES:
        msg = f"unknown scratch purpose {purpose!r}"
        raise ValueError(msg)
    name = f"{live}_{purpose}_{secrets.token_hex(4)}"
    quoted = quote_ident(name)
    async with held(pool, name, LockScope.SCRATCH) as conn:
        try:
            yield name
        finally:
            await conn.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")


async def drop_stale_schemas(pool: Pool, live: str) -> list[str]:
    """Drop every scratch schema of `live` that no process holds; answer their names."""
    dropped: list[str] = []
    async with pool.acquire() as conn:
        names = [row[0] for row in await conn.fetch(_CANDIDATES, scratch_pattern(live))]
        for name in names:
            if not await try_lock(conn, name, LockScope.SCRATCH):
                logger.info("db.scratch_schema_in_use", schema=name)
                continue
            try:
                await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(name)} CASCADE")
            finally:
                await unlock(conn, name, LockScope.SCRATCH)
            logger.warning("db.stale_schema_dropped", schema=name, live=live)
            dropped.append(name)
    return dropped
