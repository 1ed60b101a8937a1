"""The monthly checks' read queries: the lessons a check looks at, the checks and remarks
(tables of migration 0003), and the names reports show.

A lesson's facts and its absences are read in one read-only REPEATABLE READ transaction, so
they agree even while the projector commits batches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import asyncpg

from contracts.journal import CheckScope
from services.common.db import Pool
from services.journal.adapters.check_projection import decode_findings
from services.journal.application.check_models import CheckRecord, Names, RemarkRecord
from services.journal.application.read_models import ViewNotFound
from services.journal.domain.findings import AbsenceFact, LessonFacts

_FACTS = """
SELECT l.lesson_id, l.class_id, l.subject_id, l.teacher_id, l.date, l.slot,
       coalesce(c.grade, 0) AS grade, l.status, l.topic IS NOT NULL AS has_topic,
       (l.homework_text IS NOT NULL OR l.attachments <> '[]'::jsonb) AS has_homework,
       l.attendance_taken, l.topic_entered_at, l.attendance_entered_at, l.last_mark_entered_at
FROM lessons l LEFT JOIN classes c USING (school, year, class_id)
WHERE l.school = $1 AND l.year = $2 AND {where}"""
_ABSENCES = """
SELECT a.lesson_id, a.pupil_id, a.reason <> 'unknown' AS reason_known
FROM lessons l JOIN absences a USING (school, year, lesson_id)
WHERE l.school = $1 AND l.year = $2 AND {where}"""
_IN_MONTH = "l.date BETWEEN $3 AND $4"
_WHERE: dict[str, str] = {
    "school": _IN_MONTH,
    "class": f"l.class_id = $5 AND {_IN_MONTH}",
    "teacher": f"l.teacher_id = $5 AND {_IN_MONTH}",
    "ids": "l.lesson_id = ANY($3::text[])",
}
_CHECK_COLUMNS = """check_id, month, scope, target_id, findings, opened_by, opened_at, closed,
       closed_by, closed_at"""
_CHECKS = f"""
SELECT {_CHECK_COLUMNS} FROM checks WHERE school = $1 AND year = $2
ORDER BY opened_at DESC, check_id"""  # noqa: S608 - module constants
_CHECK = f"""
SELECT {_CHECK_COLUMNS} FROM checks
WHERE school = $1 AND year = $2 AND check_id = $3"""  # noqa: S608 - module constants
_REMARKS = """
SELECT r.check_id, r.remark_id, r.teacher_id, st.full_name AS teacher_name, r.about, r.text,
       r.lesson_id, l.date AS lesson_date, r.class_id, c.label AS class_label, r.subject_id,
       su.name AS subject_name, r.finding_id, r.status, r.issued_by, r.issued_at, r.resolved_at,
       r.resolve_note, r.confirmed_at, r.reopened_at, r.reopen_reason
FROM remarks r
LEFT JOIN staff st ON st.school = r.school AND st.year = r.year AND st.staff_id = r.teacher_id
LEFT JOIN lessons l ON l.school = r.school AND l.year = r.year AND l.lesson_id = r.lesson_id
LEFT JOIN classes c ON c.school = r.school AND c.year = r.year AND c.class_id = r.class_id
LEFT JOIN subjects su ON su.school = r.school AND su.year = r.year AND su.subject_id = r.subject_id
WHERE r.school = $1 AND r.year = $2
  AND ($3::text IS NULL OR r.check_id = $3) AND ($4::text IS NULL OR r.teacher_id = $4)
ORDER BY r.issued_at, r.remark_id"""
_SCHOOL_NAME = "SELECT school_name FROM school_config WHERE school = $1 AND year = $2"
_STAFF_NAMES = "SELECT staff_id, full_name FROM staff WHERE school = $1 AND year = $2"
_CLASS_NAMES = "SELECT class_id, label FROM classes WHERE school = $1 AND year = $2"
_SUBJECT_NAMES = "SELECT subject_id, name FROM subjects WHERE school = $1 AND year = $2"


class PgCheckViews:
    """`CheckViews` over the view tables of the pool's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def lesson_facts(
        self,
        school: str,
        year: int,
        days: tuple[dt.date, dt.date],
        scope: CheckScope,
        target_id: str | None,
    ) -> list[LessonFacts]:
        """The facts of the lessons of the days (inclusive) in the scope."""
        args: list[Any] = [school, year, *days]
        if scope != "school":
            args.append(target_id)
        return await self._facts(_WHERE[scope], args)

    async def lessons_by_id(
        self, school: str, year: int, lesson_ids: Collection[str]
    ) -> list[LessonFacts]:
        """The facts of the given lessons (unknown ids are left out)."""
        if not lesson_ids:
            return []
        return await self._facts(_WHERE["ids"], [school, year, list(lesson_ids)])

    async def _facts(self, where: str, args: Sequence[Any]) -> list[LessonFacts]:
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            lessons = await conn.fetch(_FACTS.format(where=where), *args)
            absences = await conn.fetch(_ABSENCES.format(where=where), *args)
        by_lesson: defaultdict[str, list[AbsenceFact]] = defaultdict(list)
        for record in absences:
            by_lesson[record["lesson_id"]].append(
                AbsenceFact(record["pupil_id"], record["reason_known"])
            )
        return [
            LessonFacts(**dict(record), absences=tuple(by_lesson[record["lesson_id"]]))
            for record in lessons
        ]

    async def checks(self, school: str, year: int) -> list[CheckRecord]:
        """Every check of the school year, the latest opened first."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_CHECKS, school, year)
        return [_check(record) for record in records]

    async def check(self, school: str, year: int, check_id: str) -> CheckRecord:
        """One check; ViewNotFound if unknown."""
        async with self._pool.acquire() as conn:
            record = await conn.fetchrow(_CHECK, school, year, check_id)
        if record is None:
            raise ViewNotFound("check", check_id)
        return _check(record)

    async def remarks(
        self, school: str, year: int, *, check_id: str | None = None, teacher_id: str | None = None
    ) -> list[RemarkRecord]:
        """The remarks of a check, or addressed to a teacher (or both), oldest first."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_REMARKS, school, year, check_id, teacher_id)
        return [RemarkRecord(**dict(record)) for record in records]

    async def names(self, school: str, year: int) -> Names:
        """Names of staff, classes and subjects."""
        async with self._pool.acquire() as conn:
            staff = await conn.fetch(_STAFF_NAMES, school, year)
            classes = await conn.fetch(_CLASS_NAMES, school, year)
            subjects = await conn.fetch(_SUBJECT_NAMES, school, year)
            school_name = await conn.fetchval(_SCHOOL_NAME, school, year)
        return Names(
            school_name=school_name,
            staff={r[0]: r[1] for r in staff},
            classes={r[0]: r[1] for r in classes},
            subjects={r[0]: r[1] for r in subjects},
        )


def _check(record: asyncpg.Record) -> CheckRecord:
    values = dict(record)
    values["findings"] = decode_findings(values["findings"])
    return CheckRecord(**values)
