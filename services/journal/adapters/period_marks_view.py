"""Period-mark queries over the view tables (migrations 0001 and 0002): a pupil's marks in a
period for a command, and a class's sheet. Mixed into `PgJournalViews`."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import TYPE_CHECKING

from contracts.journal import PeriodMarkInput
from services.journal.application.period_mark_views import PeriodData, SetMarkRecord
from services.journal.application.read_models import ViewNotFound

if TYPE_CHECKING:
    import asyncpg

    from services.common.db import Pool

_MARKS = """
SELECT m.pupil_id, m.mark_id, m.lesson_id, m.date, m.value, m.weight, m.counts
FROM lessons l JOIN marks m USING (school, year, lesson_id)
WHERE l.school = $1 AND l.year = $2 AND l.class_id = $3 AND l.subject_id = $4
  AND l.date BETWEEN $5 AND $6 AND NOT m.cancelled"""
_PUPIL_MARKS = (
    _MARKS
    + """ AND m.pupil_id = $7
ORDER BY m.date, m.recorded_at, m.mark_id"""
)
_CLASS_MARKS = (
    _MARKS
    + """
ORDER BY m.date, m.recorded_at, m.mark_id"""
)
_MEMBERS = """
SELECT m.pupil_id, min(p.full_name) AS full_name
FROM memberships m LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE m.school = $1 AND m.year = $2 AND m.class_id = $3
  AND m.since <= $5 AND (m.last_day IS NULL OR m.last_day >= $4)
GROUP BY m.pupil_id
ORDER BY full_name, m.pupil_id"""
_CLASS = "SELECT 1 FROM classes WHERE school = $1 AND year = $2 AND class_id = $3"
_SET_MARKS = """
SELECT pupil_id, value, average, suggested, inputs, rules_version, rounding, min_marks,
       correction_reason, set_by, set_at
FROM period_marks
WHERE school = $1 AND year = $2 AND class_id = $3 AND subject_id = $4 AND period_id = $5"""

# Both tables' rows of a year only grow in sequence: their greatest is where the year stands.
_REVISION = """
SELECT greatest(
    (SELECT coalesce(max(seq), 0) FROM lesson_corrections WHERE school = $1 AND year = $2),
    (SELECT coalesce(max(last_seq), 0) FROM period_marks WHERE school = $1 AND year = $2))"""


class PgPeriodMarkViews:
    """`PeriodMarkViews` over the view tables of the pool's schema."""

    _pool: Pool

    async def period_inputs(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        pupil_id: str,
        span: tuple[dt.date, dt.date],
    ) -> tuple[PeriodMarkInput, ...]:
        """The pupil's marks in force in the subject and class within `span`."""
        key = (school, year, class_id, subject_id, *span, pupil_id)
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_PUPIL_MARKS, *key)
        return tuple(_input(r) for r in records)

    async def period_data(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        period_id: str,
        span: tuple[dt.date, dt.date],
    ) -> PeriodData:
        """Pupils of the class within `span`, their marks and their set period marks."""
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            if await conn.fetchval(_CLASS, school, year, class_id) is None:
                raise ViewNotFound("class", class_id)
            members = await conn.fetch(_MEMBERS, school, year, class_id, *span)
            marks = await conn.fetch(_CLASS_MARKS, school, year, class_id, subject_id, *span)
            set_marks = await conn.fetch(_SET_MARKS, school, year, class_id, subject_id, period_id)
        inputs: defaultdict[str, list[PeriodMarkInput]] = defaultdict(list)
        for record in marks:
            inputs[record["pupil_id"]].append(_input(record))
        return PeriodData(
            pupils=tuple((m["pupil_id"], m["full_name"]) for m in members),
            inputs={pupil: tuple(found) for pupil, found in inputs.items()},
            set_marks={r["pupil_id"]: _set_mark(r) for r in set_marks},
        )

    async def corrections_revision(self, school: str, year: int) -> int:
        """The stream sequence of the year's last correction or period mark (0: none)."""
        revision: int = await self._pool.fetchval(_REVISION, school, year)
        return revision


def _input(record: asyncpg.Record) -> PeriodMarkInput:
    return PeriodMarkInput(
        mark_id=record["mark_id"],
        lesson_id=record["lesson_id"],
        date=record["date"],
        value=record["value"],
        weight=record["weight"],
        counts=record["counts"],
    )


def _set_mark(record: asyncpg.Record) -> SetMarkRecord:
    inputs = tuple(PeriodMarkInput.model_validate(i) for i in json.loads(record["inputs"]))
    return SetMarkRecord(
        value=record["value"],
        average=record["average"],
        suggested=record["suggested"],
        inputs=inputs,
        rules_version=record["rules_version"],
        rounding=record["rounding"],
        min_marks=record["min_marks"],
        correction_reason=record["correction_reason"],
        set_by=record["set_by"],
        set_at=record["set_at"],
    )
