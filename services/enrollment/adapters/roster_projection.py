"""The enrollment's roster: pupils, staff, classes and who taught whom when, from JOURNAL.

Only roster events are applied; every other journal event (lessons, marks) is skipped, but
still moves the checkpoint. One statement or two per roster event: the roster changes rarely.
Rows that an event creates are keyed by its stream sequence, so nothing is inserted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts import subjects
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    TeachingAssigned,
    TeachingUnassigned,
)
from services.common.db import Connection
from services.common.projector import Projected
from services.common.projector_batch import Stored

_YEAR = (
    "INSERT INTO school_years (school, year, school_name, starts_on, ends_on) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (school, year) DO UPDATE SET "
    "school_name = excluded.school_name, starts_on = excluded.starts_on, ends_on = excluded.ends_on"
)
_PUPIL = (
    "INSERT INTO pupils (school, pupil_id, full_name, birth_date) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (school, pupil_id) DO UPDATE SET "
    "full_name = excluded.full_name, birth_date = excluded.birth_date"
)
_STAFF = (
    "INSERT INTO staff (school, staff_id, full_name, position) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (school, staff_id) DO UPDATE SET "
    "full_name = excluded.full_name, position = excluded.position"
)
_CLASS = (
    "INSERT INTO classes (school, year, class_id, grade, label) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (school, year, class_id) DO UPDATE SET "
    "grade = excluded.grade, label = excluded.label"
)
_END_CLASS_TEACHER = (
    "UPDATE class_teachers SET to_at = $4 "
    "WHERE school = $1 AND year = $2 AND class_id = $3 AND to_at IS NULL"
)
_CLASS_TEACHER = (
    "INSERT INTO class_teachers (seq, school, year, class_id, teacher_id, from_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING"
)
_JOIN = (
    "INSERT INTO memberships (seq, school, year, class_id, pupil_id, since) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING"
)
_LEAVE = (
    "UPDATE memberships SET last_day = $5 "
    "WHERE school = $1 AND year = $2 AND class_id = $3 AND pupil_id = $4 AND last_day IS NULL"
)
_ASSIGN = (
    "INSERT INTO teaching (seq, school, year, class_id, subject_id, teacher_id, grp, from_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (seq) DO NOTHING"
)
_UNASSIGN = (
    "UPDATE teaching SET to_at = $7 WHERE school = $1 AND year = $2 AND class_id = $3 "
    "AND subject_id = $4 AND teacher_id = $5 AND grp = $6 AND to_at IS NULL"
)


class RosterProjection:
    """Builds the tables of roster_migrations/0001_roster.sql from the JOURNAL stream."""

    name: str = "enrollment_roster_v1"

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Apply the roster events of `batch` in stream order (inside the caller's transaction)."""
        for projected in batch:
            await _apply_one(conn, projected)


async def _apply_one(conn: Connection, projected: Projected) -> None:
    stored, event = projected
    school, year, at = stored.envelope.school, stored.envelope.year, stored.envelope.occurred_at
    match event:
        case SchoolYearOpened():
            await conn.execute(
                _YEAR, school, year, event.school_name, event.starts_on, event.ends_on
            )
        case PupilRegistered():
            await conn.execute(_PUPIL, school, event.pupil_id, event.full_name, event.birth_date)
        case StaffMemberRegistered():
            await conn.execute(_STAFF, school, event.staff_id, event.full_name, event.position)
        case ClassOpened():
            await conn.execute(_CLASS, school, year, event.class_id, event.grade, event.label)
            await _class_teacher(conn, stored, event.class_id, event.class_teacher_id)
        case ClassTeacherAssigned():
            await _class_teacher(conn, stored, _class_of(stored.subject), event.class_teacher_id)
        case PupilJoinedClass():
            class_id = _class_of(stored.subject)
            await conn.execute(
                _JOIN, stored.seq, school, year, class_id, event.pupil_id, event.since
            )
        case PupilLeftClass():
            class_id = _class_of(stored.subject)
            await conn.execute(_LEAVE, school, year, class_id, event.pupil_id, event.last_day)
        case TeachingAssigned():
            class_id = _class_of(stored.subject)
            await conn.execute(
                _ASSIGN,
                stored.seq,
                school,
                year,
                class_id,
                event.subject_id,
                event.teacher_id,
                event.group or "",
                at,
            )
        case TeachingUnassigned():
            class_id = _class_of(stored.subject)
            await conn.execute(
                _UNASSIGN,
                school,
                year,
                class_id,
                event.subject_id,
                event.teacher_id,
                event.group or "",
                at,
            )
        case _:
            return  # lessons, marks, configuration: not the enrollment's business


async def _class_teacher(conn: Connection, stored: Stored, class_id: str, teacher_id: str) -> None:
    """The class teacher from the event on: the previous one's interval ends then."""
    school, year, at = stored.envelope.school, stored.envelope.year, stored.envelope.occurred_at
    await conn.execute(_END_CLASS_TEACHER, school, year, class_id, at)
    await conn.execute(_CLASS_TEACHER, stored.seq, school, year, class_id, teacher_id, at)


def _class_of(subject: str) -> str:
    """The class token of a class aggregate's subject."""
    return subjects.parse_journal(subject)[2]
