"""The school years closed by a rollover, as the live export projection marked them, and
whether their rollover exports ran (see migrations/0003_rollovers.sql)."""

from __future__ import annotations

from services.common.db import Pool
from services.exporter.application.rollover_exports import ClosedYear

_DUE = (
    "SELECT school, year, next_year, noticed_at FROM rollovers WHERE done_at IS NULL "
    "ORDER BY noticed_at, school, year"
)
_DONE = "UPDATE rollovers SET done_at = now() WHERE school = $1 AND year = $2"
_EXPORTED = (
    "SELECT EXISTS (SELECT 1 FROM runs WHERE school = $1 AND year = $2 AND kind = 'full' "
    "AND trigger = 'rollover' AND status IN ('published', 'empty') AND started_at >= $3)"
)


class PgRollovers:
    """`RolloverBook` on the exporter's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def due(self) -> list[ClosedYear]:
        """Closed years whose rollover exports are not done yet, oldest first."""
        rows = await self._pool.fetch(_DUE)
        return [ClosedYear(r[0], r[1], r[2], r[3]) for r in rows]

    async def exported(self, closed: ClosedYear, year: int) -> bool:
        """Whether a full export of `year` with trigger 'rollover' ran since it was noticed."""
        return bool(await self._pool.fetchval(_EXPORTED, closed.school, year, closed.noticed_at))

    async def done(self, closed: ClosedYear) -> None:
        """Both exports of the rollover are done."""
        await self._pool.execute(_DONE, closed.school, closed.year)
