"""The erasures' part of the journal view (migration 0004): a batch's `PersonErased` events are
recorded in `erasures`, and every school year's row of each erased person is blanked
(`services.journal.domain.projection.erasures`), inside the projector's transaction, after
the batch's other rows are written. Batches without an erasure cost nothing here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from contracts.journal import PersonErased
from kernel import Fact, PupilRow, RowKey, StaffRow
from services.common.db import Connection
from services.common.projector import Projected
from services.journal.adapters import journal_tables as t
from services.journal.adapters.row_sql import insert_row_sql
from services.journal.domain.projection.erasures import (
    ErasureRow,
    blank,
    erased_by,
    erasure_row,
)

_BY_PERSON = {
    "pupils": t.select_sql(t.PUPILS, ("school", "pupil_id")),
    "staff": t.select_sql(t.STAFF, ("school", "staff_id")),
}
_UPSERT_PUPILS = t.upsert_sql(t.PUPILS)
_UPSERT_STAFF = t.upsert_sql(t.STAFF)
_INSERT_ERASURE = insert_row_sql("erasures", ErasureRow._fields) + " ON CONFLICT DO NOTHING"


async def apply_erasures(
    conn: Connection, batch: Sequence[Projected], facts: Sequence[Fact]
) -> None:
    """Record the batch's erasures and blank the erased people's rows of every school year."""
    if not any(issubclass(kind, PersonErased) for kind in {type(f.event) for f in facts}):
        return  # nearly every batch: one set of the batch's types, not a match per event
    rows = [
        row
        for projected, fact in zip(batch, facts, strict=True)
        if (row := erasure_row(fact, projected.stored.envelope.actor.role)) is not None
    ]
    if not rows:
        return
    erased = erased_by(facts)
    pupils = {
        (r.school, r.year, r.pupil_id): r
        for r in (PupilRow(*v) for v in await _fetch(conn, "pupils", t.PUPILS, erased.pupils))
    }
    staff = {
        (r.school, r.year, r.staff_id): r
        for r in (StaffRow(*v) for v in await _fetch(conn, "staff", t.STAFF, erased.staff))
    }
    pupils_after, staff_after = blank(pupils, staff, facts)
    await _upsert(conn, _UPSERT_PUPILS, t.PUPILS, _changed(pupils, pupils_after))
    await _upsert(conn, _UPSERT_STAFF, t.STAFF, _changed(staff, staff_after))
    await conn.executemany(_INSERT_ERASURE, [(*r[:4], list(r.applications), *r[5:]) for r in rows])


def _changed(before: dict[RowKey, Any], after: dict[RowKey, Any]) -> list[Any]:
    return [row for key, row in after.items() if before.get(key) != row]


async def _upsert(conn: Connection, sql: str, table: t.Table, rows: list[Any]) -> None:
    if rows:
        await conn.execute(sql, *t.column_arrays(table, rows))


async def _fetch(
    conn: Connection, query: str, table: t.Table, keys: Collection[tuple[str, str]]
) -> list[list[Any]]:
    if not keys:
        return []
    records = await conn.fetch(_BY_PERSON[query], *(list(c) for c in zip(*keys, strict=True)))
    return [t.decoded(table, record) for record in records]
