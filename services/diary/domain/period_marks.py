"""Period marks in the pupil's subject view: the mark of the period shown, and all of the year.

A period mark comes from the exporter's period-marks record of a class and subject: the mark
the teacher set for a pupil and a period (a term, or the year, exam, final), the average beside
it, and whether it was set as a correction after the period closed. The marks that went into
the average and the reason of a correction stay on the school side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kernel.year_plan import value_label
from services.diary.domain.calendar import PeriodRow

YEAR_PERIOD = "year"
"""The period mark shown when the view covers the whole year."""
AFTER_TERMS = (YEAR_PERIOD, "exam", "final")
"""Period marks that are not of a term, in the order they are shown after the terms'."""


@dataclass(frozen=True, slots=True)
class PeriodMarkRow:
    """A pupil's period mark in a class and subject, as the last period-marks record says."""

    class_id: str
    subject_id: str
    period_id: str
    pupil: str
    value: str
    average: Decimal | None
    corrected_after_close: bool


@dataclass(frozen=True, slots=True)
class PeriodMarkView:
    """A period mark as the diary shows it: the mark set and the average beside it; `label` is
    how the mark reads («не зачтено» for «незач»), `name` the period's in the class's scheme
    (None for the year, exam and final marks, and a period the class does not work in)."""

    period_id: str
    value: str
    average: str | None
    corrected_after_close: bool
    label: str | None = None
    name: str | None = None


def period_mark_view(row: PeriodMarkRow, name: str | None = None) -> PeriodMarkView:
    """A period mark without the pupil, its average with two decimals."""
    average = None if row.average is None else f"{row.average:.2f}"
    return PeriodMarkView(
        row.period_id,
        row.value,
        average,
        row.corrected_after_close,
        value_label(row.value),
        name,
    )


def pupil_period_marks(
    rows: Iterable[PeriodMarkRow], periods: Sequence[PeriodRow], selected: str | None
) -> tuple[PeriodMarkView | None, tuple[PeriodMarkView, ...]]:
    """The period mark of the `selected` period (None: the whole year, so the year's mark),
    and every period mark: the terms of `periods` (the class's) in their order, then year,
    exam, final.

    `rows` are one pupil's in one subject, of the classes the caller sees (a pupil who changed
    class may have a mark of the same period in each: both are listed, the first is shown).
    """
    order = {p.period_id: i for i, p in enumerate(periods)}
    order.update({name: len(periods) + i for i, name in enumerate(AFTER_TERMS)})
    ranked = sorted(
        rows, key=lambda r: (order.get(r.period_id, len(order)), r.period_id, r.class_id)
    )
    names = {p.period_id: p.name for p in periods}
    views = tuple(period_mark_view(r, names.get(r.period_id)) for r in ranked)
    wanted = selected or YEAR_PERIOD
    return next((v for v in views if v.period_id == wanted), None), views
