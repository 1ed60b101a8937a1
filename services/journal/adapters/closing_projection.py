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

_PERIOD_MARK_COLUMNS = PeriodMarkRow._fields
_UPSERT_PERIOD_MARK = f"""
INSERT INTO period_marks ({", ".join(_PERIOD_MARK_COLUMNS)})
VALUES ({", ".join(f"${i}" for i in range(1, len(_PERIOD_MARK_COLUMNS) + 1))})
ON CONFLICT (school, year, class_id, subject_id, period_id, pupil_id) DO UPDATE SET
{", ".join(f"{c} = excluded.{c}" for c in _PERIOD_MARK_COLUMNS[6:])}
WHERE period_marks.last_seq < excluded.last_seq"""  # noqa: S608 - names are module constants
_INSERT_CORRECTION = f"""
INSERT INTO lesson_corrections ({", ".join(CorrectionRow._fields)})
VALUES ({", ".join(f"${i}" for i in range(1, len(CorrectionRow._fields) + 1))})
ON CONFLICT DO NOTHING"""  # noqa: S608 - names are module constants


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
    index = _PERIOD_MARK_COLUMNS.index("inputs")
    return (*row[:index], inputs, *row[index + 1 :])  # jsonb goes as text
