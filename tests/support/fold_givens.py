"""Givens of the journal's fold, shared by the tests of its readers (the kernel's fold, the
journal view's, the exporter's): one school year with its mark scale, facts numbered in stream
order, a lesson as scheduled, a mark as recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from contracts.base import Event
from contracts.journal import LessonScheduled, MarkEntry, MarkScaleConfigured, ScaleValue
from kernel import Fact

SCHOOL, YEAR = "s1", 2026
T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 9, 1)
SCALE = MarkScaleConfigured(
    scale_id="five",
    values=(
        *(ScaleValue(value=str(n), numeric=n, label=str(n)) for n in range(1, 6)),
        ScaleValue(value="н/а", label="не аттестован"),
    ),
)


def facts(*items: tuple[str, Event], start: int = 1, actor: str = "t1") -> list[Fact]:
    """Facts with increasing sequences from `start`, a minute apart; each item is (aggregate id,
    event)."""
    return [
        Fact(start + i, SCHOOL, YEAR, agg, actor, T0 + dt.timedelta(minutes=start + i), event)
        for i, (agg, event) in enumerate(items)
    ]


def lesson_scheduled(
    lesson_id: str = "l1",
    class_id: str = "c1",
    *,
    day: dt.date = DAY,
    slot: int = 2,
    teacher: str = "t1",
) -> LessonScheduled:
    """A maths lesson scheduled."""
    return LessonScheduled(
        lesson_id=lesson_id,
        class_id=class_id,
        subject_id="math",
        date=day,
        slot=slot,
        teacher_id=teacher,
    )


def scheduled(lesson_id: str = "l1", class_id: str = "c1") -> tuple[str, Event]:
    """(the lesson's id, the lesson scheduled): an item of `facts`."""
    return lesson_id, lesson_scheduled(lesson_id, class_id)


def mark(
    mark_id: str,
    pupil: str = "p1",
    value: str = "5",
    weight: str = "1",
    comment: str | None = None,
) -> MarkEntry:
    """An oral mark."""
    return MarkEntry(
        mark_id=mark_id,
        pupil_id=pupil,
        value=value,
        work_kind_id="oral",
        weight=Decimal(weight),
        comment=comment,
    )
