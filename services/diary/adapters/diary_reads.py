"""The diary's read models on PostgreSQL: the rows the views read (the `DiaryReads` port)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from contracts.journal import Assessment, DayOff
from services.common.db import Connection, Pool
from services.diary.adapters.grant_directory import GRANT_COLUMNS, grant_of
from services.diary.domain.access import Grant
from services.diary.domain.calendar import MemberRow, PeriodRow
from services.diary.domain.period_marks import PeriodMarkRow
from services.diary.domain.rows import (
    AbsenceRow,
    DirectoryEntry,
    FileRow,
    LessonRow,
    LessonSet,
    MarkRow,
    SchoolConfig,
)
from services.diary.domain.year_plan import GradePeriodRow, plan_from_rows

_LESSON_COLUMNS = (
    "l.lesson_id, l.class_id, l.subject_id, l.date, l.slot, l.grp, l.teacher_id, l.status, "
    "l.topic, l.homework, l.homework_due_on, l.corrected_after_close, "
    "d.short_name AS teacher_name"
)
# The teacher of record as the staff directory names them (no row: not listed).
_TEACHER = (
    "LEFT JOIN staff_directory d ON d.school = l.school AND d.year = l.year "
    "AND d.staff_id = l.teacher_id"
)
_LESSONS = (
    f"SELECT {_LESSON_COLUMNS} FROM lessons l {_TEACHER} "  # noqa: S608 - constant fragments
    "WHERE l.school = $1 AND l.year = $2 "
    "AND l.class_id = ANY($3::text[]) AND l.date BETWEEN $4 AND $5 "
    "AND ($6::text IS NULL OR l.subject_id = $6)"
)
# Child rows of the lessons `_LESSONS` selects (same parameters).
_OF_LESSONS = (
    "JOIN lessons l ON l.school = x.school AND l.year = x.year AND l.lesson_id = x.lesson_id "
    "WHERE l.school = $1 AND l.year = $2 AND l.class_id = ANY($3::text[]) "
    "AND l.date BETWEEN $4 AND $5 AND ($6::text IS NULL OR l.subject_id = $6)"
)
_FILES = (
    "SELECT x.lesson_id, x.attachment_id, x.name, x.size, x.media_type FROM lesson_files x "  # noqa: S608 - constant fragments
    + _OF_LESSONS
    + " ORDER BY x.lesson_id, x.position"
)
_MARKS = (
    "SELECT x.lesson_id, x.mark_id, x.pupil, x.value, x.work_kind_id, x.weight, x.comment, "  # noqa: S608 - constant fragments
    "x.counts, x.corrected, x.corrected_after_close FROM marks x "
    + _OF_LESSONS
    + " ORDER BY x.lesson_id, x.position"
)
_ABSENCES = (
    "SELECT x.lesson_id, x.pupil, x.kind, x.minutes_late, x.reason, x.letter FROM absences x "  # noqa: S608 - constant fragments
    + _OF_LESSONS
    + " ORDER BY x.lesson_id, x.position"
)
_BY_ATTACHMENT = (
    f"SELECT {_LESSON_COLUMNS}, f.attachment_id, f.name, f.size, f.media_type "  # noqa: S608
    "FROM lesson_files f JOIN lessons l ON l.school = f.school AND l.year = f.year "
    f"AND l.lesson_id = f.lesson_id {_TEACHER} "
    "WHERE f.school = $1 AND f.year = $2 AND f.attachment_id = $3 "
    "ORDER BY l.date, l.slot, l.lesson_id"
)
_GRANTS = (
    f"SELECT {GRANT_COLUMNS} FROM grants "  # noqa: S608 - constant
    "WHERE school = $1 AND year = $2 AND uid = $3 AND revoked_at IS NULL ORDER BY grant_id"
)
_MEMBERSHIPS = (
    "SELECT class_id, pupil, since, last_day FROM class_members "
    "WHERE school = $1 AND year = $2 AND pupil = ANY($3::text[]) ORDER BY class_id, since"
)
_MEMBERS = (
    "SELECT class_id, pupil, since, last_day FROM class_members "
    "WHERE school = $1 AND year = $2 AND class_id = $3 ORDER BY pupil, since"
)
_PERIOD_MARKS = (
    "SELECT class_id, subject_id, period_id, pupil, value, average, corrected_after_close "
    "FROM period_marks WHERE school = $1 AND year = $2 AND pupil = $3 AND subject_id = $4 "
    "ORDER BY class_id, period_id"
)
_GRADE_PERIODS = (
    "SELECT grade, scheme_id, scheme_name, period_id, name, starts_on, ends_on "
    "FROM grade_periods WHERE school = $1 AND year = $2 ORDER BY grade, starts_on, period_id"
)
_ASSESSMENTS = (
    "SELECT subject_id, grade, assessment FROM subject_assessments WHERE school = $1 AND year = $2"
)
_DAYS_OFF = (
    "SELECT name, kind, starts_on, ends_on FROM days_off "
    "WHERE school = $1 AND year = $2 ORDER BY position"
)
_GRADES = "SELECT class_id, grade FROM classes WHERE school = $1 AND year = $2"
_STAFF_DIRECTORY = (
    "SELECT staff_id, short_name, subjects FROM staff_directory WHERE school = $1 AND year = $2 "
    "ORDER BY staff_id"
)


def _lesson(row: Any) -> LessonRow:  # noqa: ANN401 - an asyncpg Record
    return LessonRow(
        row["lesson_id"],
        row["class_id"],
        row["subject_id"],
        row["date"],
        row["slot"],
        row["grp"],
        row["teacher_id"],
        row["status"],
        row["topic"],
        row["homework"],
        row["homework_due_on"],
        row["corrected_after_close"],
        row["teacher_name"],
    )


_PlanRows = tuple[
    list[GradePeriodRow], list[tuple[str, int, Assessment]], list[DayOff], dict[str, int]
]


async def _plan_rows(conn: Connection, args: tuple[str, int]) -> _PlanRows:
    """The year's plan (each grade's periods, the assessments set, the days off) and the grade
    of each class."""
    grade_periods = await conn.fetch(_GRADE_PERIODS, *args)
    assessments = await conn.fetch(_ASSESSMENTS, *args)
    days_off = await conn.fetch(_DAYS_OFF, *args)
    grades = await conn.fetch(_GRADES, *args)
    return (
        [
            GradePeriodRow(
                r["grade"],
                r["scheme_id"],
                r["scheme_name"],
                PeriodRow(r["period_id"], r["name"], r["starts_on"], r["ends_on"]),
            )
            for r in grade_periods
        ],
        [(r["subject_id"], r["grade"], r["assessment"]) for r in assessments],
        [DayOff.model_construct(**dict(r.items())) for r in days_off],
        {r["class_id"]: r["grade"] for r in grades},
    )


class PgDiaryReads:
    """The `DiaryReads` port on the diary's schema."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def grants_of(self, school: str, year: int, uid: int) -> list[Grant]:
        """The live grants of a portal user."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_GRANTS, school, year, uid)
        return [grant_of(r) for r in rows]

    async def school_config(self, school: str, year: int) -> SchoolConfig:
        """The school's year (empty when no school record arrived yet)."""
        args = (school, year)
        async with self._pool.acquire() as conn:
            head = await conn.fetchrow(
                "SELECT starts_on, ends_on FROM school_config WHERE school = $1 AND year = $2",
                *args,
            )
            periods = await conn.fetch(
                "SELECT period_id, name, starts_on, ends_on FROM periods "
                "WHERE school = $1 AND year = $2 ORDER BY starts_on",
                *args,
            )
            scale = await conn.fetch(
                "SELECT value, numeric FROM scale WHERE school = $1 AND year = $2", *args
            )
            kinds = await conn.fetch(
                "SELECT work_kind_id, name FROM work_kinds WHERE school = $1 AND year = $2", *args
            )
            names = await conn.fetch(
                "SELECT subject_id, name FROM subjects WHERE school = $1 AND year = $2", *args
            )
            plan = await _plan_rows(conn, args)
        own = tuple(PeriodRow(*p.values()) for p in periods)
        return SchoolConfig(
            starts_on=head["starts_on"] if head else None,
            ends_on=head["ends_on"] if head else None,
            periods=own,
            scale={r["value"]: r["numeric"] for r in scale},
            work_kinds={r["work_kind_id"]: r["name"] for r in kinds},
            subjects={r["subject_id"]: r["name"] for r in names},
            plan=plan_from_rows(own, *plan[:3]),
            grades=plan[3],
        )

    async def memberships(self, school: str, year: int, pupils: Collection[str]) -> list[MemberRow]:
        """Every membership of the given pupils."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_MEMBERSHIPS, school, year, list(pupils))
        return [MemberRow(*r.values()) for r in rows]

    async def members(self, school: str, year: int, class_id: str) -> list[MemberRow]:
        """Every membership of a class."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_MEMBERS, school, year, class_id)
        return [MemberRow(*r.values()) for r in rows]

    async def lessons(
        self,
        school: str,
        year: int,
        class_ids: Collection[str],
        days: tuple[dt.date, dt.date],
        subject_id: str | None = None,
    ) -> LessonSet:
        """Lessons of the classes between two days (included), with files, marks, absences."""
        args = (school, year, list(class_ids), days[0], days[1], subject_id)
        async with self._pool.acquire() as conn:
            lessons = await conn.fetch(_LESSONS, *args)
            if not lessons:
                return LessonSet()
            files = await conn.fetch(_FILES, *args)
            marks = await conn.fetch(_MARKS, *args)
            absences = await conn.fetch(_ABSENCES, *args)
        return LessonSet(
            tuple(_lesson(r) for r in lessons),
            tuple(FileRow(*r.values()) for r in files),
            tuple(MarkRow(*r.values()) for r in marks),
            tuple(AbsenceRow(*r.values()) for r in absences),
        )

    async def period_marks(
        self, school: str, year: int, pupil: str, subject_id: str
    ) -> list[PeriodMarkRow]:
        """A pupil's period marks in a subject, in every class."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_PERIOD_MARKS, school, year, pupil, subject_id)
        return [PeriodMarkRow(*r.values()) for r in rows]

    async def staff_directory(self, school: str, year: int) -> list[DirectoryEntry]:
        """The teachers of the school year by surname and initials (empty before the first
        staff directory arrived)."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_STAFF_DIRECTORY, school, year)
        return [DirectoryEntry(r["staff_id"], r["short_name"], tuple(r["subjects"])) for r in rows]

    async def files_by_attachment(
        self, school: str, year: int, attachment_id: str
    ) -> list[tuple[LessonRow, FileRow]]:
        """The lessons whose homework references an attachment, with the file's row."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_BY_ATTACHMENT, school, year, attachment_id)
        return [
            (
                _lesson(r),
                FileRow(r["lesson_id"], r["attachment_id"], r["name"], r["size"], r["media_type"]),
            )
            for r in rows
        ]
