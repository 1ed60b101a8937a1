"""The journal's read queries over the view tables (see migrations/0001_journal_view.sql).

Each query reads in one read-only REPEATABLE READ transaction, so its parts agree with each
other even while the projector commits batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

from asyncpg.transaction import Transaction

from kernel.answers import ClassGrid, GridLesson, LessonDetail
from services.common.db import Connection, Pool
from services.journal.adapters.correction_flags import fetch_corrections, flag_detail, flag_grid
from services.journal.adapters.journal_facts import record_facts
from services.journal.adapters.journal_view_rows import grid_rows, lesson_detail, missing_entries
from services.journal.adapters.period_marks_view import PgPeriodMarkViews
from services.journal.application.read_models import (
    RosterIds,
    TeacherDay,
    TeacherLesson,
    ViewNotFound,
)

_CLASS_IDS = "SELECT class_id FROM classes WHERE school = $1 AND year = $2 ORDER BY class_id"
_STAFF_IDS = "SELECT staff_id FROM staff WHERE school = $1 AND year = $2 ORDER BY staff_id"
_CLASS_TEACHER = """
SELECT class_teacher_id FROM classes WHERE school = $1 AND year = $2 AND class_id = $3"""
_TEACHES = """
SELECT EXISTS (SELECT 1 FROM assignments WHERE school = $1 AND year = $2 AND class_id = $3
               AND subject_id = $4 AND teacher_id = $5)"""
_GRID_LESSONS = """
SELECT lesson_id, date, slot, status, topic, teacher_id FROM lessons
WHERE school = $1 AND year = $2 AND class_id = $3 AND subject_id = $4 AND date BETWEEN $5 AND $6
ORDER BY date, slot, lesson_id"""
_GRID_MARKS = """
SELECT m.lesson_id, m.pupil_id, m.mark_id, m.value, m.work_kind_id, m.weight, m.corrected,
       m.counts, m.numeric
FROM lessons l JOIN marks m USING (school, year, lesson_id)
WHERE l.school = $1 AND l.year = $2 AND l.class_id = $3 AND l.subject_id = $4
  AND l.date BETWEEN $5 AND $6 AND NOT m.cancelled
ORDER BY m.recorded_at, m.mark_id"""
_GRID_ABSENCES = """
SELECT a.lesson_id, a.pupil_id, a.kind, a.letter
FROM lessons l JOIN absences a USING (school, year, lesson_id)
WHERE l.school = $1 AND l.year = $2 AND l.class_id = $3 AND l.subject_id = $4
  AND l.date BETWEEN $5 AND $6"""
_GRID_MEMBERS = """
SELECT m.pupil_id, p.full_name, m.since, m.last_day
FROM memberships m LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE m.school = $1 AND m.year = $2 AND m.class_id = $3
  AND m.since <= $5 AND (m.last_day IS NULL OR m.last_day >= $4)
ORDER BY p.full_name, m.pupil_id, m.since"""
_LESSON = """
SELECT l.lesson_id, l.class_id, c.label AS class_label, l.subject_id, s.name AS subject_name,
       l.date, l.slot, l.grp, l.status, l.cancel_reason, l.topic, l.substituted,
       l.timetabled_teacher_id, tt.full_name AS timetabled_name, l.teacher_id,
       tr.full_name AS teacher_name, l.homework_text, l.homework_due, l.attachments,
       l.attendance_taken, l.first_entry_at, l.last_entry_at
FROM lessons l
LEFT JOIN classes c USING (school, year, class_id)
LEFT JOIN subjects s USING (school, year, subject_id)
LEFT JOIN staff tt
       ON tt.school = l.school AND tt.year = l.year AND tt.staff_id = l.timetabled_teacher_id
LEFT JOIN staff tr ON tr.school = l.school AND tr.year = l.year AND tr.staff_id = l.teacher_id
WHERE l.school = $1 AND l.year = $2 AND l.lesson_id = $3"""
_LESSON_MARKS = """
SELECT m.mark_id, m.pupil_id, p.full_name AS pupil_name, m.value, m.numeric, m.work_kind_id,
       m.weight, m.comment, m.counts, m.cancelled, m.corrected, m.last_reason, m.recorded_by,
       m.recorded_at
FROM marks m LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE m.school = $1 AND m.year = $2 AND m.lesson_id = $3
ORDER BY m.recorded_at, m.mark_id"""
_LESSON_ABSENCES = """
SELECT a.pupil_id, p.full_name AS pupil_name, a.kind, a.minutes_late, a.reason, a.evidence,
       a.letter, a.observed_by, a.reason_set_by
FROM absences a LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE a.school = $1 AND a.year = $2 AND a.lesson_id = $3
ORDER BY p.full_name, a.pupil_id"""
_LESSON_PUPILS = """
SELECT DISTINCT m.pupil_id, p.full_name
FROM memberships m LEFT JOIN pupils p USING (school, year, pupil_id)
WHERE m.school = $1 AND m.year = $2 AND m.class_id = $3
  AND m.since <= $4 AND (m.last_day IS NULL OR m.last_day >= $4)
ORDER BY p.full_name, m.pupil_id"""
_TEACHER_DAY = """
SELECT l.lesson_id, l.class_id, c.label AS class_label, l.subject_id, s.name AS subject_name,
       l.slot, l.status, l.topic, l.substituted, l.attendance_taken
FROM lessons l
LEFT JOIN classes c USING (school, year, class_id)
LEFT JOIN subjects s USING (school, year, subject_id)
WHERE l.school = $1 AND l.year = $2 AND l.teacher_id = $3 AND l.date = $4
ORDER BY l.slot, l.lesson_id"""


class PgJournalViews(PgPeriodMarkViews):
    """`JournalViews` over the view tables of the pool's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def class_grid(
        self,
        school: str,
        year: int,
        class_id: str,
        subject_id: str,
        date_from: dt.date,
        date_to: dt.date,
    ) -> ClassGrid:
        """The class's marks and absences in a subject over a range; ViewNotFound if no class."""
        key = (school, year, class_id, subject_id, date_from, date_to)
        async with self._pool.acquire() as conn, _snapshot(conn):
            if await conn.fetchval(_CLASS_TEACHER, school, year, class_id) is None:
                raise ViewNotFound("class", class_id)
            lessons = [GridLesson(**dict(r)) for r in await conn.fetch(_GRID_LESSONS, *key)]
            members = await conn.fetch(_GRID_MEMBERS, school, year, class_id, date_from, date_to)
            marks = await conn.fetch(_GRID_MARKS, *key)
            absences = await conn.fetch(_GRID_ABSENCES, *key)
            ids = [lesson.lesson_id for lesson in lessons]
            corrections = await fetch_corrections(conn, school, year, ids)
        rows = grid_rows(lessons, members, marks, absences)
        grid = ClassGrid(
            school=school,
            year=year,
            class_id=class_id,
            subject_id=subject_id,
            date_from=date_from,
            date_to=date_to,
            lessons=lessons,
            rows=rows,
        )
        return flag_grid(grid, corrections)

    async def lesson_detail(self, school: str, year: int, lesson_id: str) -> LessonDetail:
        """Everything recorded for a lesson; ViewNotFound if unknown."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            lesson = await conn.fetchrow(_LESSON, school, year, lesson_id)
            if lesson is None:
                raise ViewNotFound("lesson", lesson_id)
            marks = await conn.fetch(_LESSON_MARKS, school, year, lesson_id)
            absences = await conn.fetch(_LESSON_ABSENCES, school, year, lesson_id)
            pupils = await conn.fetch(
                _LESSON_PUPILS, school, year, lesson["class_id"], lesson["date"]
            )
            corrections = await fetch_corrections(conn, school, year, [lesson_id])
        detail = lesson_detail(school, year, lesson, marks, absences, pupils)
        return flag_detail(detail, corrections.get(lesson_id, []))

    async def teacher_day(
        self, school: str, year: int, teacher_id: str, day: dt.date
    ) -> TeacherDay:
        """The teacher's lessons of a day (as teacher of record), by slot, with what is missing."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(_TEACHER_DAY, school, year, teacher_id, day)
        lessons = [
            TeacherLesson(
                **{k: v for k, v in r.items() if k != "attendance_taken"},
                missing=missing_entries(r["status"], r["topic"], r["attendance_taken"]),
            )
            for r in records
        ]
        return TeacherDay(school=school, year=year, teacher_id=teacher_id, day=day, lessons=lessons)

    async def teaches(
        self, school: str, year: int, teacher_id: str, class_id: str, subject_id: str
    ) -> bool:
        """Whether the teacher is assigned the subject in the class (any group)."""
        async with self._pool.acquire() as conn:
            found = await conn.fetchval(_TEACHES, school, year, class_id, subject_id, teacher_id)
        return bool(found)

    async def class_teacher_of(self, school: str, year: int, class_id: str) -> str | None:
        """The class teacher of a class, or None for an unknown class."""
        async with self._pool.acquire() as conn:
            teacher: str | None = await conn.fetchval(_CLASS_TEACHER, school, year, class_id)
        return teacher

    def record_facts(self, school: str, year: int) -> AsyncIterator[bytes]:
        """NDJSON lines, one per class and lesson of the year, shaped like the diary's records."""
        return record_facts(self._pool, school, year)

    async def roster_ids(self, school: str, year: int) -> RosterIds:
        """The ids of the year's classes and members of staff, in id order."""
        async with self._pool.acquire() as conn, _snapshot(conn):
            classes = await conn.fetch(_CLASS_IDS, school, year)
            staff = await conn.fetch(_STAFF_IDS, school, year)
        return RosterIds(classes=[r[0] for r in classes], staff=[r[0] for r in staff])


def _snapshot(conn: Connection) -> Transaction:
    return conn.transaction(isolation="repeatable_read", readonly=True)
