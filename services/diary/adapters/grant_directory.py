"""Live grants of other portal users, read from the diary's schema (for addressing messages),
and how a grant is read from a row of the `grants` table (`GRANT_COLUMNS`, `grant_of`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from services.common.db import Pool
from services.diary.domain.access import Grant

GRANT_COLUMNS = "grant_id, uid, scope_kind, pupil, relation, class_id, subject_id"
_BY_UIDS = (
    f"SELECT {GRANT_COLUMNS} FROM grants WHERE school = $1 AND year = $2 "  # noqa: S608 - constant
    "AND uid = ANY($3::bigint[]) AND revoked_at IS NULL ORDER BY uid, grant_id"
)
_BY_PUPILS = (
    f"SELECT {GRANT_COLUMNS} FROM grants WHERE school = $1 AND year = $2 "  # noqa: S608 - constant
    "AND scope_kind = 'pupil' AND pupil = ANY($3::text[]) AND revoked_at IS NULL "
    "ORDER BY uid, grant_id"
)


def grant_of(row: Any) -> Grant:  # noqa: ANN401 - an asyncpg Record
    """The grant of a row of `GRANT_COLUMNS`."""
    return Grant(
        grant_id=row["grant_id"],
        uid=row["uid"],
        scope_kind=row["scope_kind"],
        pupil=row["pupil"],
        relation=row["relation"],
        class_id=row["class_id"],
        subject_id=row["subject_id"],
    )


class PgGrantDirectory:
    """The `GrantDirectory` port on the diary's grants table."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def live_grants(self, school: str, year: int, uids: Collection[int]) -> list[Grant]:
        """The live grants of the given UIDs."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_BY_UIDS, school, year, list(uids))
        return [grant_of(row) for row in rows]

    async def pupil_grants(self, school: str, year: int, pupils: Collection[str]) -> list[Grant]:
        """The live pupil grants (parents' and pupils' own) naming the given pupils."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_BY_PUPILS, school, year, list(pupils))
        return [grant_of(row) for row in rows]
