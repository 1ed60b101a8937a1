"""Queries of the enrollment read model (schema `enrollment`)."""

from __future__ import annotations

from collections.abc import Collection

from services.common.db import Pool
from services.enrollment.adapters.enrollment_projection import EnrollmentProjection
from services.enrollment.application.views import ApplicationView, DepartureView, StaffUidView

_COLUMNS = (
    "application_id, pupil_id, uid, relation, applicant_name, kinship, contact, status, "
    "submitted_at, submitted_by, checked_at, checked_by, check_recorded_by, decided_at, "
    "decided_by, rejection_reason, linked_from, linked_to, ended_by, end_requested_by, end_reason"
)
_APPLICATION = f"SELECT {_COLUMNS} FROM applications WHERE school = $1 AND application_id = $2"  # noqa: S608
_APPLICATIONS = (
    f"SELECT {_COLUMNS} FROM applications WHERE school = $1 "  # noqa: S608 - constant columns
    "AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR pupil_id = $3) "
    "ORDER BY submitted_at DESC, application_id"
)
_DEPARTURE = (
    "SELECT last_day, reason, recorded_at, recorded_by FROM departures "
    "WHERE school = $1 AND pupil_id = $2"
)
_HOLDERS = "SELECT staff_id FROM staff_uids WHERE school = $1 AND uid = $2 AND ended_at IS NULL"
_STAFF_UIDS = (
    "SELECT staff_id, uid, recorded_at, recorded_by, ended_at, ended_by, end_reason "
    "FROM staff_uids WHERE school = $1 AND ($2::text[] IS NULL OR staff_id = ANY($2::text[])) "
    "ORDER BY seq"
)


_CHECKPOINT = "SELECT last_seq FROM projection_checkpoints WHERE name = $1"


class PgEnrollmentReads:
    """The `EnrollmentReads` port on PostgreSQL (a pool whose search_path is `enrollment`)."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def application(self, school: str, application_id: str) -> ApplicationView | None:
        """One application, or None."""
        row = await self._pool.fetchrow(_APPLICATION, school, application_id)
        return None if row is None else ApplicationView(**dict(row))

    async def applied_up_to(self) -> int:
        """The read model's checkpoint (its projection's last applied stream sequence)."""
        value = await self._pool.fetchval(_CHECKPOINT, EnrollmentProjection.name)
        return int(value or 0)

    async def applications(
        self, school: str, *, status: str | None = None, pupil_id: str | None = None
    ) -> list[ApplicationView]:
        """Applications, newest first, optionally of one status and/or pupil."""
        rows = await self._pool.fetch(_APPLICATIONS, school, status, pupil_id)
        return [ApplicationView(**dict(r)) for r in rows]

    async def departure(self, school: str, pupil_id: str) -> DepartureView | None:
        """The pupil's departure, if recorded."""
        row = await self._pool.fetchrow(_DEPARTURE, school, pupil_id)
        return None if row is None else DepartureView(**dict(row))

    async def uid_holders(self, school: str, uid: int) -> frozenset[str]:
        """Staff ids holding `uid` now."""
        return frozenset(r[0] for r in await self._pool.fetch(_HOLDERS, school, uid))

    async def staff_uids(
        self, school: str, staff_ids: Collection[str] | None = None
    ) -> list[StaffUidView]:
        """Every staff UID interval (of `staff_ids`, or all), in recording order."""
        wanted = None if staff_ids is None else list(staff_ids)
        rows = await self._pool.fetch(_STAFF_UIDS, school, wanted)
        return [StaffUidView(**dict(r)) for r in rows]
