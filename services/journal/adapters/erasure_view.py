"""`ErasureViews` over the journal view's tables (migrations 0001 and 0004): whether a person is
known, the recorded erasures, the retention rule's inputs, and the lease of its daily run (a
session advisory lock, as the exporter's runs hold theirs)."""

from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractAsyncContextManager

from asyncpg.transaction import Transaction

from services.common.advisory_lock import held_if_free
from services.common.db import Connection, Pool
from services.journal.application.erasure_reads import ErasureInfo, LessonTexts, RetentionInputs
from services.journal.domain.erasure import ErasedKind
from services.journal.domain.retention import PupilRecord, Stay

_KNOWN = {
    "pupil": "SELECT EXISTS (SELECT 1 FROM pupils WHERE school = $1 AND pupil_id = $2)",
    "staff": "SELECT EXISTS (SELECT 1 FROM staff WHERE school = $1 AND staff_id = $2)",
}
_ERASURES = """
SELECT kind, person, year, applications, reason, erased_at, actor_id AS erased_by,
       actor_role AS erased_by_role, seq
FROM erasures WHERE school = $1 ORDER BY seq"""
# The name of a pupil's latest year (a correction of the name is a new registration).
_PUPILS = """
SELECT DISTINCT ON (pupil_id) pupil_id, full_name FROM pupils
WHERE school = $1 ORDER BY pupil_id, year DESC"""
_STAYS = """
SELECT pupil_id, year, class_id, since, last_day FROM memberships
WHERE school = $1 ORDER BY pupil_id, year, since, class_id"""
_PUPIL_NAME = """
SELECT full_name FROM pupils WHERE school = $1 AND pupil_id = $2 ORDER BY year DESC LIMIT 1"""
# A lesson's texts, its marks' and its absences' (the free texts a person may type about it).
_LESSON_TEXTS = """
SELECT year, class_id, lesson_id, array_agg(text) AS texts FROM (
    SELECT year, class_id, lesson_id, unnest(ARRAY[topic, homework_text, cancel_reason]) AS text
    FROM lessons WHERE school = $1
    UNION ALL
    SELECT year, class_id, lesson_id, a->>'name'
    FROM lessons, jsonb_array_elements(attachments) AS a WHERE school = $1
    UNION ALL
    SELECT year, class_id, lesson_id, unnest(ARRAY[comment, last_reason])
    FROM marks WHERE school = $1
    UNION ALL
    SELECT year, class_id, lesson_id, evidence FROM absences WHERE school = $1
) AS written
WHERE text <> ''
GROUP BY year, class_id, lesson_id"""
_YEARS = "SELECT year, ends_on FROM school_config WHERE school = $1"
_SCHOOLS = "SELECT DISTINCT school FROM school_config ORDER BY school"


class PgErasureViews:
    """`ErasureViews` over the view tables of the pool's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def known(self, school: str, kind: ErasedKind, person: str) -> bool:
        """Whether the roster of any school year of the school has the person."""
        async with self._pool.acquire() as conn:
            return bool(await conn.fetchval(_KNOWN[kind], school, person))

    async def erasures(self, school: str) -> list[ErasureInfo]:
        """Every erasure recorded in the school, oldest first."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_ERASURES, school)
        return [ErasureInfo(**dict(r)) for r in records]

    async def retention_inputs(self, school: str) -> RetentionInputs:
        """The school's pupils of every year with their memberships, and its years' ends."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            names = {r["pupil_id"]: r["full_name"] for r in await conn.fetch(_PUPILS, school)}
            stays: defaultdict[str, list[Stay]] = defaultdict(list)
            for r in await conn.fetch(_STAYS, school):
                stays[r["pupil_id"]].append(
                    Stay(r["year"], r["class_id"], r["since"], r["last_day"])
                )
            years = {r["year"]: r["ends_on"] for r in await conn.fetch(_YEARS, school)}
        pupils = [
            PupilRecord(pupil_id, names.get(pupil_id, ""), tuple(stays.get(pupil_id, ())))
            for pupil_id in sorted(names.keys() | stays.keys())
        ]
        return RetentionInputs(pupils, years)

    async def schools(self) -> list[str]:
        """Every school the view knows."""
        async with self._pool.acquire() as conn:
            return [r["school"] for r in await conn.fetch(_SCHOOLS)]

    async def pupil_name(self, school: str, pupil: str) -> str | None:
        """The pupil's full name in their latest school year (None: not in any roster)."""
        async with self._pool.acquire() as conn:
            name: str | None = await conn.fetchval(_PUPIL_NAME, school, pupil)
        return name

    async def lesson_texts(self, school: str) -> list[LessonTexts]:
        """Every lesson of every year of the school that has some free text."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            rows = await conn.fetch(_LESSON_TEXTS, school)
        return [
            LessonTexts(r["year"], r["class_id"], r["lesson_id"], tuple(r["texts"])) for r in rows
        ]

    def lease(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold the advisory lock `name` on a connection of its own for the block, if no other
        session holds it; PostgreSQL ends it with the session if the process dies."""
        return held_if_free(self._pool, name)


def _snapshot(conn: Connection) -> Transaction:
    return conn.transaction(isolation="repeatable_read", readonly=True)
