"""The period marks of a class in a subject as the diary sees them.

One document per journal `period-marks` aggregate (a class and a subject): for each pupil (by
pseudonym) and period, the mark last set and the average beside it, flagged when it was set as
a correction after the period closed. Not exported: the marks that went into the average, the
grading rules and their version, who set it, and the correction's reason (free text).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from contracts.base import Event
from contracts.journal import PeriodMarkSet
from services.exporter.domain.docs import Content

CENT = Decimal("0.01")


def fold_period_marks(
    content: Content | None, event: Event, class_id: str, pseudonym: Callable[[str], str]
) -> Content | None:
    """The document after `event` (`class_id` is the subject's class token), or None when the
    event changes nothing exported."""
    if not isinstance(event, PeriodMarkSet):
        return None
    base = content or {"class_id": class_id, "subject_id": event.subject_id, "marks": []}
    entry = {
        "pupil": pseudonym(event.pupil_id),
        "period_id": event.period_id,
        "value": event.value,
        "average": _cents(event.average),
        "corrected_after_close": event.correction_reason is not None,
    }
    others = [
        m
        for m in base["marks"]
        if (m["period_id"], m["pupil"]) != (entry["period_id"], entry["pupil"])
    ]
    # Sorted, so that the same marks look the same whatever order they were set in.
    marks = sorted([*others, entry], key=lambda m: (m["period_id"], m["pupil"]))
    if marks == base["marks"] and content is not None:
        return None
    return {**base, "marks": marks}


def _cents(average: Decimal | None) -> str | None:
    """The average as the contract's two-decimal string (the journal computes it to the cent)."""
    return None if average is None else str(average.quantize(CENT, rounding=ROUND_HALF_UP))
