"""One holder at a time across a service's replicas: a PostgreSQL session advisory lock, held
on a pooled connection of its own for as long as the holder works.

PostgreSQL ends the lock with its session, so when the holder's process dies (or its
connection is cut) another replica takes the lease at its next try, within `retry_seconds`.
A lease is about liveness, not correctness: two live projectors on one checkpoint would still
write correctly (the checkpoint row is locked and compared in every transaction), but each
would keep recreating the durable consumer the other reads, and on a cluster, where that takes
longer than on one server, neither would get anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Final

import structlog

from services.common.advisory_lock import LockScope, try_lock, unlock
from services.common.outage import POSTGRES_ERRORS

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    from services.common.db import Pool

_UNANSWERED: Final[tuple[type[Exception], ...]] = (*POSTGRES_ERRORS, OSError, TimeoutError)
RETRY_SECONDS: Final = 1.0
"""How often a replica without the lease tries to take it."""

_log = structlog.get_logger(__name__)


class Lease:
    """The lease called `name` among the processes that share `pool`'s schema (a lock of
    `LockScope.SCHEMA`)."""

    def __init__(self, pool: Pool, name: str, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self._pool = pool
        self.name = name
        self._retry = retry_seconds
        self._conn: PoolConnectionProxy | None = None

    async def take(self, stop: asyncio.Event) -> bool:
        """Wait until this process holds the lease (True) or `stop` is set (False). A database
        that does not answer is waited out like a lease held by another replica."""
        waiting = False
        while not stop.is_set():
            if await self._try():
                _log.info("lease.taken", lease=self.name)
                return True
            if not waiting:
                waiting = True
                _log.info("lease.waiting", lease=self.name)  # another replica holds it
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._retry)
        return False

    async def still_held(self) -> bool:
        """Whether the session holding the lease is still there (if it is gone, so is the
        lock, and another replica may hold it now): the lease is let go when it is not."""
        if self._conn is None:
            return False
        try:
            await self._conn.fetchval("SELECT 1")
        except _UNANSWERED:
            _log.warning("lease.lost", lease=self.name)
            await self.release()
            return False
        return True

    async def release(self) -> None:
        """Let go of the lease (nothing when not held)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await unlock(conn, self.name, LockScope.SCHEMA)
        except _UNANSWERED:
            pass  # the session is gone, and the lock with it
        finally:
            await self._pool.release(conn)

    async def _try(self) -> bool:
        try:
            conn = await self._pool.acquire()
        except _UNANSWERED:
            return False
        try:
            held = await try_lock(conn, self.name, LockScope.SCHEMA)
        except _UNANSWERED:
            held = False
        if held:
            self._conn = conn
        else:
            await self._pool.release(conn)
        return held
