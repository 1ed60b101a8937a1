"""What the portal users' own data reads of the diary's schema: class labels and subjects,
and live grants.

Read-only over tables the feed's projection writes (`classes`, `class_teaching`, `grants`).
"""

from __future__ import annotations

from collections.abc import Collection

from services.common.db import Pool
from services.diary.adapters.grant_directory import GRANT_COLUMNS, grant_of
from services.diary.domain.access import Grant

_CLASS_LABELS = (
    "SELECT class_id, label FROM classes WHERE school = $1 AND year = $2 "
    "AND class_id = ANY($3::text[])"
)
_CLASS_SUBJECTS = (
    "SELECT DISTINCT class_id, subject_id FROM class_teaching WHERE school = $1 AND year = $2 "
    "AND class_id = ANY($3::text[]) ORDER BY class_id, subject_id"
)
_PUPIL_GRANTS_OF = (
    f"SELECT {GRANT_COLUMNS} FROM grants WHERE school = $1 AND uid = $2 "  # noqa: S608 - constant
    "AND scope_kind = 'pupil' AND revoked_at IS NULL ORDER BY year DESC, grant_id"
)
_SCHOOL_GRANTS = (
    f"SELECT {GRANT_COLUMNS} FROM grants WHERE school = $1 AND year = $2 "  # noqa: S608 - constant
    "AND revoked_at IS NULL ORDER BY uid, grant_id"
)


class PgPortalDirectory:
    """The `PortalDirectory` port on the diary's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def class_labels(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, str]:
        """The labels («5А») of the given classes that the feed brought."""
        if not class_ids:
            return {}
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_CLASS_LABELS, school, year, list(class_ids))
        return {row["class_id"]: row["label"] for row in rows}

    async def class_subjects(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, list[str]]:
        """The subjects taught in each of the given classes (its teaching assignments)."""
        if not class_ids:
            return {}
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_CLASS_SUBJECTS, school, year, list(class_ids))
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row["class_id"], []).append(row["subject_id"])
        return found

    async def pupil_grants_of(self, school: str, uid: int) -> list[Grant]:
        """The live pupil grants of `uid` in every school year of the school, latest first."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_PUPIL_GRANTS_OF, school, uid)
        return [grant_of(row) for row in rows]

    async def school_grants(self, school: str, year: int) -> list[Grant]:
        """Every live grant of the school year."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_SCHOOL_GRANTS, school, year)
        return [grant_of(row) for row in rows]
