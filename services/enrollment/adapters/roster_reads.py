"""Queries of the enrollment's roster copy (schema `enrollment_roster`)."""

from __future__ import annotations

from collections.abc import Collection

from services.common.db import Pool
from services.enrollment.application.views import DutyRow, PupilInfo, StaffInfo, StayRow

_PUPIL = "SELECT pupil_id, full_name, birth_date FROM pupils WHERE school = $1 AND pupil_id = $2"
_STAFF = (
    "SELECT staff_id, full_name, position FROM staff "
    "WHERE school = $1 AND ($2::text[] IS NULL OR staff_id = ANY($2::text[])) ORDER BY staff_id"
)
_SCHOOL_NAME = "SELECT school_name FROM school_years WHERE school = $1 ORDER BY year DESC LIMIT 1"
_STAYS = (
    "SELECT m.year, m.class_id, c.label AS class_label, m.since, m.last_day FROM memberships m "
    "LEFT JOIN classes c USING (school, year, class_id) "
    "WHERE m.school = $1 AND m.pupil_id = $2 ORDER BY m.since, m.seq"
)
_DUTIES = (
    "WITH wanted AS (SELECT * FROM unnest($2::int[], $3::text[]) AS w (year, class_id)) "
    "SELECT t.year, t.class_id, t.teacher_id AS staff_id, t.subject_id, t.from_at, t.to_at "
    "FROM teaching t JOIN wanted w USING (year, class_id) WHERE t.school = $1 "
    "UNION ALL "
    "SELECT k.year, k.class_id, k.teacher_id, NULL, k.from_at, k.to_at "
    "FROM class_teachers k JOIN wanted w USING (year, class_id) WHERE k.school = $1 "
    "ORDER BY from_at"
)


class PgRoster:
    """The `Roster` port on PostgreSQL (a pool whose search_path is the roster schema)."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def pupil(self, school: str, pupil_id: str) -> PupilInfo | None:
        """A pupil, or None when the roster does not know them."""
        row = await self._pool.fetchrow(_PUPIL, school, pupil_id)
        return None if row is None else PupilInfo(**dict(row))

    async def staff(self, school: str, staff_ids: Collection[str] | None = None) -> list[StaffInfo]:
        """Members of staff (those of `staff_ids`, or all), ordered by id."""
        wanted = None if staff_ids is None else list(staff_ids)
        return [StaffInfo(**dict(r)) for r in await self._pool.fetch(_STAFF, school, wanted)]

    async def school_name(self, school: str) -> str | None:
        """The school's name in its latest school year."""
        name: str | None = await self._pool.fetchval(_SCHOOL_NAME, school)
        return name

    async def stays(self, school: str, pupil_id: str) -> list[StayRow]:
        """Every stay of the pupil in a class, in order."""
        return [StayRow(**dict(r)) for r in await self._pool.fetch(_STAYS, school, pupil_id)]

    async def duties(self, school: str, classes: Collection[tuple[int, str]]) -> list[DutyRow]:
        """Teaching assignments and class teachers' terms of the given (year, class) pairs."""
        if not classes:
            return []
        years, class_ids = zip(*classes, strict=True)
        rows = await self._pool.fetch(_DUTIES, school, list(years), list(class_ids))
        return [DutyRow(**dict(r)) for r in rows]
