"""The enrollment read model's projection: a batch in, the rows it touches loaded, folded by
the pure `services.enrollment.domain.read_model`, the changed rows written back.

Per batch: one SELECT of the touched applications, one of the touched staff's live UIDs, the
fold in memory, then one upsert statement per table for the rows that changed. The projector
opens the transaction and moves the checkpoint in it.

An applicant's name and contact come sealed (`contracts.personal`) and are opened by the
projector's key ring; once erased they read «[удалено]» and NULL. The erasure itself is a
JOURNAL event: the roster's projector blanks the rows it names here
(`services.enrollment.adapters.roster_projection`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import astuple, fields
from typing import Any, TypeVar

from services.common.db import Connection
from services.common.projector import Projected
from services.enrollment.domain.read_model import (
    ApplicationRow,
    DepartureRow,
    Fact,
    Key,
    Rows,
    StaffUidRow,
    project,
    touched,
)

K = TypeVar("K")
R = TypeVar("R", ApplicationRow, DepartureRow, StaffUidRow)


def _columns(row_type: type) -> list[str]:
    return [f.name for f in fields(row_type)]


def _upsert(table: str, row_type: type, key: tuple[str, ...], *, update: bool = True) -> str:
    columns = _columns(row_type)
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    changes = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    action = f"DO UPDATE SET {changes}" if update else "DO NOTHING"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "  # noqa: S608 - constant
        f"ON CONFLICT ({', '.join(key)}) {action}"
    )


# FOR UPDATE: the roster's projector blanks erased applicants' data in this table (a pupil's
# erasure arrives on JOURNAL); the lock keeps a batch from writing back what it read before.
_SELECT_APPLICATIONS = (
    f"SELECT {', '.join(_columns(ApplicationRow))} FROM applications "  # noqa: S608 - constant
    "WHERE (school, application_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) "
    "FOR UPDATE"
)
_SELECT_LIVE_UIDS = (
    f"SELECT {', '.join(_columns(StaffUidRow))} FROM staff_uids "  # noqa: S608 - constant
    "WHERE ended_at IS NULL "
    "AND (school, staff_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
)
_UPSERT_APPLICATION = _upsert("applications", ApplicationRow, ("school", "application_id"))
_INSERT_DEPARTURE = _upsert("departures", DepartureRow, ("school", "pupil_id"), update=False)
_UPSERT_STAFF_UID = _upsert("staff_uids", StaffUidRow, ("seq",))


def fact_of(projected: Projected) -> Fact:
    """The read model's input from a decoded event: the aggregate id ends the subject."""
    stored, event = projected
    envelope = stored.envelope
    aggregate_id = stored.subject.rpartition(".")[2]
    return Fact(
        stored.seq, envelope.school, aggregate_id, envelope.occurred_at, envelope.actor.id, event
    )


class EnrollmentProjection:
    """Builds the tables of migrations/0001_enrollment.sql from the ENROLLMENT stream."""

    name: str = "enrollment_view_v1"

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Fold `batch` (in stream order) into the read model inside the caller's transaction."""
        facts = [fact_of(projected) for projected in batch]
        keys = touched(facts)
        before = Rows(
            applications=await _applications(conn, keys.applications),
            staff_uids=await _live_uids(conn, keys.staff),
        )
        after = project(before, facts)
        await _write(conn, before, after)


async def _applications(conn: Connection, keys: Collection[Key]) -> dict[Key, ApplicationRow]:
    if not keys:
        return {}
    schools, ids = (list(column) for column in zip(*keys, strict=True))
    records = await conn.fetch(_SELECT_APPLICATIONS, schools, ids)
    rows = [ApplicationRow(*record) for record in records]
    return {(row.school, row.application_id): row for row in rows}


async def _live_uids(conn: Connection, keys: Collection[Key]) -> dict[int, StaffUidRow]:
    if not keys:
        return {}
    schools, ids = (list(column) for column in zip(*keys, strict=True))
    rows = [StaffUidRow(*record) for record in await conn.fetch(_SELECT_LIVE_UIDS, schools, ids)]
    return {row.seq: row for row in rows}


async def _write(conn: Connection, before: Rows, after: Rows) -> None:
    await _save(conn, _UPSERT_APPLICATION, _changed(before.applications, after.applications))
    await _save(conn, _INSERT_DEPARTURE, _changed(before.departures, after.departures))
    await _save(conn, _UPSERT_STAFF_UID, _changed(before.staff_uids, after.staff_uids))


def _changed(before: Mapping[K, R], after: Mapping[K, R]) -> list[tuple[Any, ...]]:
    """The rows of `after` that are new or differ from `before`, as column tuples."""
    return [astuple(row) for key, row in after.items() if before.get(key) != row]


async def _save(conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(sql, rows)
