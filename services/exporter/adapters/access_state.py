"""Links and staff UIDs in PostgreSQL (the access schema), folded from ENROLLMENT on demand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nats.js import JetStreamContext

from contracts.registry import ENROLLMENT_REGISTRY
from contracts.streams import ENROLLMENT
from contracts.subjects import enrollment_filter
from services.common.advisory_lock import held
from services.common.db import PROJECTOR_MIGRATIONS, Pool
from services.common.keystore import KeyStore
from services.common.projector import Projector, RebuildResult
from services.exporter.adapters.access_projection import NAME, AccessProjection
from services.exporter.domain.grants import Link, StaffLink

ACCESS_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "access"

_CHECKPOINT = "SELECT last_seq FROM projection_checkpoints WHERE name = $1"
_LINKS = (
    "SELECT pupil_id, uid, relation, ended FROM links WHERE school = $1 "
    "ORDER BY pupil_id, application_id"
)
_STAFF = "SELECT staff_id, uid FROM staff_uids WHERE school = $1 AND live ORDER BY staff_id"


class PgAccess:
    """`Enrollment` on the access schema (a pool whose search_path is that schema).

    Drained like the export state, not run continuously: under an advisory lock (processes)
    and an asyncio lock (tasks), its feed closed after each drain, so that two processes never
    pull from the durable consumer at once.
    """

    def __init__(
        self, js: JetStreamContext, pool: Pool, schema: str, due_table: str, keys: KeyStore
    ) -> None:
        self._js = js
        self._pool = pool
        self._schema = schema
        self.projector = Projector(
            js,
            pool,
            stream=ENROLLMENT.name,
            filter_subject=enrollment_filter(),
            registry=ENROLLMENT_REGISTRY,
            projection=AccessProjection(due_table),
            keys=keys,
        )
        self._draining = asyncio.Lock()
        self._lock_key = f"exporter:access-drain:{schema}"

    async def behind(self) -> bool:
        """Whether ENROLLMENT holds events past the checkpoint."""
        info = await self._js.stream_info(ENROLLMENT.name)
        checkpoint = await self._pool.fetchval(_CHECKPOINT, NAME)
        return int(info.state.last_seq) > int(checkpoint or 0)

    async def catch_up(self) -> int:
        """Fold ENROLLMENT up to its current end; answer the checkpoint."""
        async with self._draining, held(self._pool, self._lock_key):
            try:
                return await self.projector.drain()
            finally:
                await self.projector.close()

    async def rebuild(self) -> RebuildResult:
        """Replay ENROLLMENT from sequence 1 into a fresh schema and swap it in (under the
        drain locks); its batches mark every school they touch due for a grant sync."""
        async with self._draining, held(self._pool, self._lock_key):
            return await self.projector.rebuild(
                self._schema, PROJECTOR_MIGRATIONS, ACCESS_MIGRATIONS
            )

    async def links(self, school: str) -> list[Link]:
        """Every link of the school's pupils, live and ended."""
        rows = await self._pool.fetch(_LINKS, school)
        return [Link(r[0], r[1], r[2], r[3]) for r in rows]

    async def staff(self, school: str) -> list[StaffLink]:
        """The school's live staff UIDs."""
        return [StaffLink(r[0], r[1]) for r in await self._pool.fetch(_STAFF, school)]
