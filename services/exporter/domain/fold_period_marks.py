"""The period marks of a class in a subject: the kernel's rows (`kernel.closing`), and as the
diary sees them.

One document per journal `period-marks` aggregate (a class and a subject): for each pupil (by
pseudonym) and period, the mark last set and the average beside it, flagged when it was set as
a correction after the period closed. Not exported: the marks that went into the average, the
grading rules and their version, who set it, and the correction's reason (free text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from contracts.base import Event
from kernel.closing import PeriodMarkRow, period_mark_rows
from kernel.rows import Fact
from services.exporter.domain.docs import Content
from services.exporter.domain.stored import load_row

CENT = Decimal("0.01")
Marks = Mapping[tuple[str, str], PeriodMarkRow]
"""(period, pupil id) -> the mark last set."""


class PeriodMarksState(NamedTuple):
    """A class's period marks in a subject, by period and pupil."""

    class_id: str
    subject_id: str
    marks: Marks


def fold_period_marks(
    state: PeriodMarksState | None, fact: Fact, class_id: str
) -> PeriodMarksState | None:
    """The marks after `fact` (`class_id`: the subject's class token; a period mark event does
    not name it); None before the first, `state` itself when the event changes nothing (a
    mark set again at or below its row's sequence was folded already)."""
    rows = period_mark_rows([(fact, class_id)])
    if not rows:
        return state
    (row,) = rows
    key = (row.period_id, row.pupil_id)
    if state is None:
        return PeriodMarksState(class_id, row.subject_id, {key: row})
    known = state.marks.get(key)
    if known is not None and known.last_seq >= row.last_seq:
        return state
    return state._replace(marks={**state.marks, key: row})


def period_marks_content(state: PeriodMarksState, pseudonym: Callable[[str], str]) -> Content:
    """What the record says (`PeriodMarksRecord.content()`), ordered by period and pupil."""
    marks = [
        {"pupil": pseudonym(row.pupil_id), "period_id": row.period_id, **_shown(row)}
        for row in state.marks.values()
    ]
    marks.sort(key=lambda m: (m["period_id"], m["pupil"]))
    return {"class_id": state.class_id, "subject_id": state.subject_id, "marks": marks}


def same_period_marks(before: PeriodMarksState, after: PeriodMarksState, _event: Event) -> bool:
    """Whether the record says the same (a mark set again as it was changes nothing)."""
    return {k: _shown(r) for k, r in before.marks.items()} == {
        k: _shown(r) for k, r in after.marks.items()
    }


def _shown(row: PeriodMarkRow) -> Content:
    return {
        "value": row.value,
        "average": _cents(row.average),
        "corrected_after_close": row.correction_reason is not None,
    }


def _cents(average: Decimal | None) -> str | None:
    """The average as the contract's two-decimal string (the journal computes it to the cent)."""
    return None if average is None else str(average.quantize(CENT, rounding=ROUND_HALF_UP))


def dump_period_marks(state: PeriodMarksState) -> list[Any]:
    """What is stored (`services.exporter.domain.stored`): [class, subject, rows in the order
    first set]."""
    return [state.class_id, state.subject_id, list(state.marks.values())]


def load_period_marks(stored: list[Any]) -> PeriodMarksState:
    """The state `dump_period_marks` stored."""
    class_id, subject_id, rows = stored
    loaded = (load_row(PeriodMarkRow, row) for row in rows)
    return PeriodMarksState(class_id, subject_id, {(r.period_id, r.pupil_id): r for r in loaded})
