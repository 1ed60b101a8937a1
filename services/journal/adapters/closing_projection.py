"""The part of the journal view about closed periods (migrations/0002_period_marks.sql):
period marks as set and the corrections of closed periods, written in the batch's transaction.

Called by `JournalViewProjection.apply` after the main fold. Idempotent: a period mark is
upserted only over an older one (by stream sequence), a correction is keyed by its sequence.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from contracts import subjects
from contracts.journal import PeriodMarkSet
from kernel.closing import (
    CorrectionRow,
    PeriodMarkRow,
    correction_row,
    period_mark_rows,
)
from kernel.rows import Fact
from services.common.db import Connection
from services.common.projector import Projected
from services.journal.adapters.row_sql import insert_row_sql, upsert_row_sql

_PERIOD_MARK_KEY = ("school", "year", "class_id", "subject_id", "period_id", "pupil_id")
_UPSERT_PERIOD_MARK = (
    upsert_row_sql("period_marks", PeriodMarkRow._fields, _PERIOD_MARK_KEY)
    + " WHERE period_marks.last_seq < excluded.last_seq"
)
_INSERT_CORRECTION = (
    insert_row_sql("lesson_corrections", CorrectionRow._fields) + " ON CONFLICT DO NOTHING"
)


async def apply_closing(
    conn: Connection, batch: Sequence[Projected], facts: Sequence[Fact]
) -> None:
    """Write the period marks and corrections of a batch (`facts` are the batch's, in order)."""
    marks: list[tuple[Fact, str]] = []
    corrections: list[CorrectionRow] = []
    for (stored, event), fact in zip(batch, facts, strict=True):
        if isinstance(event, PeriodMarkSet):
            marks.append((fact, subjects.parse_journal(stored.subject)[2]))
        elif getattr(event, "correction_reason", None) is not None:
            row = correction_row(fact)
            if row is not None:
                corrections.append(row)
    if marks:
        rows = [_encoded(row) for row in period_mark_rows(marks)]
        await conn.executemany(_UPSERT_PERIOD_MARK, rows)
    if corrections:
        await conn.executemany(
            _INSERT_CORRECTION,
            [(*r[:-2], list(r.mark_ids), list(r.pupil_ids)) for r in corrections],
        )


def _encoded(row: PeriodMarkRow) -> tuple[object, ...]:
    inputs = json.dumps([i.model_dump(mode="json") for i in row.inputs], ensure_ascii=False)
    index = PeriodMarkRow._fields.index("inputs")
    return (*row[:index], inputs, *row[index + 1 :])  # jsonb goes as text
