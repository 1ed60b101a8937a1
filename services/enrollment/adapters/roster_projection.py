"""The enrollment's roster: pupils, staff, classes and who taught whom when, from JOURNAL.

Only roster events are applied; every other journal event (lessons, marks) is skipped, but
still moves the checkpoint. One statement or two per roster event: the roster changes rarely.
Rows that an event creates are keyed by its stream sequence, so nothing is inserted twice.

An erasure (`journal.PersonErased`) blanks the person's copy here («[удалено]», no birth date)
and, for a pupil, the applicant's name and contact of their applications in the read model's
`applications` table (schema `applications_schema`): only this projector reads JOURNAL, and both
schemas are the enrollment's own, in one database. Sealed data whose key is destroyed already
reads erased, so a rebuild of either projection from sequence 1 gives the same rows; the
statements here also blank what was written before sealing (in the clear) or while the key
still opened it.
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts import subjects
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    PersonErased,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    TeachingAssigned,
    TeachingUnassigned,
)
from contracts.personal import ERASED
from services.common.db import Connection, quote_ident
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
_ERASE_PUPIL = (
    "UPDATE pupils SET full_name = $3, birth_date = NULL WHERE school = $1 AND pupil_id = $2"
)
_ERASE_STAFF = "UPDATE staff SET full_name = $3 WHERE school = $1 AND staff_id = $2"
_ERASE_APPLICANTS = (
    "UPDATE {}.applications SET applicant_name = $4, contact = NULL "
    "WHERE school = $1 AND (application_id = ANY($2::text[]) OR pupil_id = $3) "
    "AND (applicant_name IS DISTINCT FROM $4 OR contact IS NOT NULL)"
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
    """Builds the tables of roster_migrations/ from the JOURNAL stream.

    `applications_schema`: the read model's schema, whose applications an erasure blanks too
    (None: only the roster's own tables, for a projector of the roster alone).
    """

    name: str = "enrollment_roster_v1"

    def __init__(self, applications_schema: str | None = None) -> None:
        self._erase_applicants = (
            None
            if applications_schema is None
            else _ERASE_APPLICANTS.format(quote_ident(applications_schema))
        )

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Apply the roster events of `batch` in stream order (inside the caller's transaction)."""
        for projected in batch:
            if isinstance(projected.event, PersonErased):
                await self._erase(conn, projected.stored.envelope.school, projected.event)
            else:
                await _apply_one(conn, projected)

    async def _erase(self, conn: Connection, school: str, event: PersonErased) -> None:
        """Blank the person's personal data (and their applicants', for a pupil)."""
        if event.kind == "staff":
            await conn.execute(_ERASE_STAFF, school, event.person, ERASED)
        else:
            await conn.execute(_ERASE_PUPIL, school, event.person, ERASED)
        if self._erase_applicants is not None:
            pupil = event.person if event.kind == "pupil" else None
            applications = list(event.applications)
            await conn.execute(self._erase_applicants, school, applications, pupil, ERASED)


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
        case TeachingAssigned() | TeachingUnassigned():
            class_id = _class_of(stored.subject)
            duty = (school, year, class_id, event.subject_id, event.teacher_id, event.group or "")
            if isinstance(event, TeachingAssigned):
                await conn.execute(_ASSIGN, stored.seq, *duty, at)
            else:
                await conn.execute(_UNASSIGN, *duty, at)
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
