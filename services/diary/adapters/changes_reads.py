"""«Что нового» read from PostgreSQL: a pupil's changes, narrowed in SQL to what the caller sees.

The query applies the rule of the pupil's week (`domain.changes.visible`) so that a page of
`limit` rows is a page of visible rows: the pupil's own changes and their classes' homework, a
lesson's change only while the pupil was a member of the lesson's class on its date, and only
the classes and subjects of the caller's visibility. The domain checks every row again.
"""

from __future__ import annotations

from typing import Any

from services.common.db import Pool
from services.diary.domain.changes import ChangePage, ChangeQuery, ChangeRow

# $1 school, $2 year, $3 pupil, $4 after, $5 the pupil's classes; memberships as arrays $6-$8;
# visibility: $9 everything, $10 whole classes, $11/$12 (class, subject) pairs.
_VISIBLE = (
    "FROM changes c WHERE c.school = $1 AND c.year = $2 AND c.change_id > $4 "
    "AND (c.pupil = $3 OR (c.pupil IS NULL AND c.class_id = ANY($5::text[]))) "
    "AND (c.date IS NULL OR EXISTS (SELECT 1 FROM unnest($6::text[], $7::date[], $8::date[]) "
    "AS m(class_id, since, last_day) WHERE m.class_id = c.class_id AND m.since <= c.date "
    "AND (m.last_day IS NULL OR c.date <= m.last_day))) "
    "AND ($9::boolean OR c.class_id = ANY($10::text[]) OR (c.class_id, c.subject_id) IN "
    "(SELECT v.class_id, v.subject_id FROM unnest($11::text[], $12::text[]) "
    "AS v(class_id, subject_id)))"
)
_PAGE = (
    "SELECT c.change_id, c.kind, c.recorded_at, c.pupil, c.class_id, c.subject_id, "
    "c.lesson_id, c.date, c.period_id, c.old, c.new, c.work_kind_id, c.weight, c.due_on "
    f"{_VISIBLE} ORDER BY c.change_id DESC LIMIT $13"
)
_LATEST = f"SELECT coalesce(max(c.change_id), 0) {_VISIBLE}"


def _arguments(school: str, year: int, query: ChangeQuery, after: int) -> tuple[Any, ...]:
    members = query.memberships
    seen = query.visibility
    pairs = sorted(seen.class_subjects)
    return (
        school,
        year,
        query.pupil,
        after,
        sorted({m.class_id for m in members}),
        [m.class_id for m in members],
        [m.since for m in members],
        [m.last_day for m in members],
        seen.everything,
        sorted(seen.whole_classes),
        [c for c, _ in pairs],
        [s for _, s in pairs],
    )


def _row(row: Any) -> ChangeRow:  # noqa: ANN401 - an asyncpg Record
    return ChangeRow(
        change_id=row["change_id"],
        kind=row["kind"],
        recorded_at=row["recorded_at"],
        pupil=row["pupil"],
        class_id=row["class_id"],
        subject_id=row["subject_id"],
        lesson_id=row["lesson_id"],
        date=row["date"],
        period_id=row["period_id"],
        old=row["old"],
        new=row["new"],
        work_kind_id=row["work_kind_id"],
        weight=row["weight"],
        due_on=row["due_on"],
    )


class PgChangeReads:
    """The `ChangeReads` port on the diary's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def pupil_changes(self, school: str, year: int, query: ChangeQuery) -> ChangePage:
        """A page of the pupil's visible changes newest first, and the newest of them all."""
        async with self._pool.acquire() as conn:
            latest = await conn.fetchval(_LATEST, *_arguments(school, year, query, 0))
            rows = await conn.fetch(
                _PAGE, *_arguments(school, year, query, query.after), query.limit
            )
        return ChangePage(int(latest), tuple(_row(r) for r in rows))
