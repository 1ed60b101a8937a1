"""The roster reads over the journal view's tables (migrations/0001_journal_view.sql).

The year's configuration is one row whose periods, scale and kinds of work are JSON; they are
unpacked and ordered in SQL, like every other list, so the answer's order never depends on how
the projection happened to write the JSON. Reads of several tables share one read-only
REPEATABLE READ transaction, so they agree with each other while the projector commits batches.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
from asyncpg.transaction import Transaction

from kernel import SchoolConfigRow
from kernel.year_plan import YearPlan, plan_of
from services.common.db import Connection, Pool
from services.journal.adapters.journal_tables import CONFIGS
from services.journal.application.read_models import ViewNotFound
from services.journal.application.roster_reads import (
    ClassMember,
    ClassMembers,
    PupilInfo,
    PupilList,
    Roster,
)
from services.journal.application.year_plan_reads import plan_fields

_HEAD = """
SELECT school_name, starts_on, ends_on, scale_id FROM school_config
WHERE school = $1 AND year = $2"""
_PLAN_COLUMNS = ("periods", "schemes", "assessments", "days_off")
_PLAN = """
SELECT periods::text, schemes::text, assessments::text, days_off::text FROM school_config
WHERE school = $1 AND year = $2"""
_SCALE = """
SELECT s.key AS value, s.value::int AS numeric
FROM school_config c, jsonb_each_text(c.scale) AS s
WHERE c.school = $1 AND c.year = $2
ORDER BY 2 NULLS LAST, 1"""
_WORK_KINDS = """
SELECT w.work_kind_id, w.name, w.weight
FROM school_config c,
     jsonb_to_recordset(c.work_kinds) AS w(work_kind_id text, name text, weight numeric)
WHERE c.school = $1 AND c.year = $2
ORDER BY w.work_kind_id"""
_SUBJECTS = """
SELECT subject_id, name FROM subjects WHERE school = $1 AND year = $2 ORDER BY subject_id"""
_STAFF = """
SELECT staff_id, full_name, position FROM staff WHERE school = $1 AND year = $2
ORDER BY staff_id"""
_CLASSES = """
SELECT class_id, grade, label, class_teacher_id FROM classes WHERE school = $1 AND year = $2
ORDER BY grade, label, class_id"""
_ASSIGNMENTS = """
SELECT class_id, subject_id, teacher_id, grp AS "group" FROM assignments
WHERE school = $1 AND year = $2
ORDER BY class_id, subject_id, teacher_id, grp NULLS FIRST"""
_LISTS = (
    ("scale", _SCALE),
    ("work_kinds", _WORK_KINDS),
    ("subjects", _SUBJECTS),
    ("staff", _STAFF),
    ("classes", _CLASSES),
    ("assignments", _ASSIGNMENTS),
)
"""The roster's lists: field of `Roster` and the query filling it ($1 school, $2 year)."""

_CLASS_TEACHERS = """
SELECT c.class_teacher_id,
       array(SELECT a.teacher_id FROM assignments a
             WHERE a.school = c.school AND a.year = c.year AND a.class_id = c.class_id)
       AS teachers
FROM classes c WHERE c.school = $1 AND c.year = $2 AND c.class_id = $3"""
_CLASS_EXISTS = """
SELECT EXISTS (SELECT 1 FROM classes WHERE school = $1 AND year = $2 AND class_id = $3)"""
_MEMBERS = """
SELECT m.pupil_id, p.full_name, m.since, m.last_day
FROM memberships m LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE m.school = $1 AND m.year = $2 AND m.class_id = $3
ORDER BY m.pupil_id, m.since"""
# The class on $3: the membership covering the day, else the next one to start. Intervals ended
# before the day do not count (a pupil who left has no class), nor empty ones (a move into a
# class withdrawn before it took effect ends the day before it starts).
_PUPILS = """
SELECT p.pupil_id, p.full_name, p.birth_date, m.class_id
FROM pupils p
LEFT JOIN LATERAL (
    SELECT class_id FROM memberships
    WHERE school = p.school AND year = p.year AND pupil_id = p.pupil_id
      AND (last_day IS NULL OR last_day >= greatest(since, $3))
    ORDER BY since > $3, since, class_id
    LIMIT 1
) m ON true
WHERE p.school = $1 AND p.year = $2
ORDER BY p.pupil_id"""
_SCHOOL_YEARS = "SELECT school, year FROM school_config ORDER BY school, year"
_PUPIL_NAMES = "SELECT DISTINCT pupil_id, full_name FROM pupils WHERE school = $1"
_PUPILS_VERSION = "SELECT count(*), coalesce(max(last_seq), 0) FROM pupils WHERE school = $1"


def _plan(school: str, year: int, row: asyncpg.Record | None) -> YearPlan:
    """The plan of the configuration row's JSON columns (the view's own codecs decode them)."""
    if row is None:
        return YearPlan()
    decoded = {c: CONFIGS.decoders[c](row[i]) for i, c in enumerate(_PLAN_COLUMNS)}
    return plan_of(SchoolConfigRow(school, year, **decoded))


class PgRosterViews:
    """`RosterViews` over the view tables of the pool's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def roster(self, school: str, year: int) -> Roster:
        """The year's reference data; ViewNotFound if the year was never opened."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            head = await conn.fetchrow(_HEAD, school, year)
            if head is None:
                raise ViewNotFound("school year", f"{school}/{year}")
            lists = {
                name: [dict(r) for r in await conn.fetch(sql, school, year)] for name, sql in _LISTS
            }
            plan = _plan(school, year, await conn.fetchrow(_PLAN, school, year))
        subject_ids = [s["subject_id"] for s in lists["subjects"]]
        fields = {**dict(head), **lists, **plan_fields(plan, subject_ids)}
        return Roster.model_validate({"school": school, "year": year, **fields})

    async def class_teachers(self, school: str, year: int, class_id: str) -> frozenset[str]:
        """The class teacher and every teacher assigned to the class; ViewNotFound if no class."""
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(_CLASS_TEACHERS, school, year, class_id)
        if row is None:
            raise ViewNotFound("class", class_id)
        return frozenset({row["class_teacher_id"], *row["teachers"]})

    async def class_members(self, school: str, year: int, class_id: str) -> ClassMembers:
        """The class's membership intervals; ViewNotFound if there is no such class."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            if not await conn.fetchval(_CLASS_EXISTS, school, year, class_id):
                raise ViewNotFound("class", class_id)
            records = await conn.fetch(_MEMBERS, school, year, class_id)
        members = [ClassMember(**dict(r)) for r in records]
        return ClassMembers(school=school, year=year, class_id=class_id, members=members)

    async def pupils(self, school: str, year: int, as_of: dt.date) -> PupilList:
        """Every pupil of the year with their class on `as_of`."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_PUPILS, school, year, as_of)
        pupils = [PupilInfo(**dict(r)) for r in records]
        return PupilList(school=school, year=year, as_of=as_of, pupils=pupils)

    async def pupil_names(self, school: str) -> list[tuple[str, str]]:
        """(pupil id, full name) of every pupil the school registered, of any year (a pupil
        whose name changed between years: each name)."""
        return [(row[0], row[1]) for row in await self._pool.fetch(_PUPIL_NAMES, school)]

    async def pupils_version(self, school: str) -> tuple[int, int]:
        """How many pupil rows the school has and the last event applied to one."""
        row = await self._pool.fetchrow(_PUPILS_VERSION, school)
        return (row[0], row[1]) if row else (0, 0)

    async def school_years(self) -> list[tuple[str, int]]:
        """Every (school, year) the view has opened, by school then year."""
        return [(r["school"], r["year"]) for r in await self._pool.fetch(_SCHOOL_YEARS)]


def _snapshot(conn: Connection) -> Transaction:
    return conn.transaction(isolation="repeatable_read", readonly=True)
