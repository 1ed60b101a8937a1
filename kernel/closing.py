"""Rows of the view about closed periods: period marks as set, and the lesson edits made as
corrections after a period closed. Pure: built from facts, keyed so a replay writes the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from contracts.journal import (
    AbsenceReasonSet,
    AttendanceTaken,
    LessonEntriesSaved,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    PeriodMarkInput,
    PeriodMarkSet,
)
from kernel.rows import Fact

PeriodMarkKey = tuple[str, int, str, str, str, str]
"""(school, year, class, subject, period, pupil)."""


class PeriodMarkRow(NamedTuple):
    """A period mark as last set (columns of `period_marks`, in order)."""

    school: str
    year: int
    class_id: str
    subject_id: str
    period_id: str
    pupil_id: str
    value: str
    average: Decimal | None
    suggested: str | None
    inputs: tuple[PeriodMarkInput, ...]
    rules_version: int
    rounding: str
    min_marks: int
    correction_reason: str | None
    set_by: str
    set_at: dt.datetime
    last_seq: int

    @property
    def key(self) -> PeriodMarkKey:
        """The row's primary key."""
        return (
            self.school,
            self.year,
            self.class_id,
            self.subject_id,
            self.period_id,
            self.pupil_id,
        )


class CorrectionRow(NamedTuple):
    """A lesson edit made as a correction (columns of `lesson_corrections`, in order)."""

    school: str
    year: int
    lesson_id: str
    seq: int
    kind: str
    reason: str
    actor_id: str
    recorded_at: dt.datetime
    mark_ids: tuple[str, ...]
    pupil_ids: tuple[str, ...]


def period_mark_rows(facts: Iterable[tuple[Fact, str]]) -> list[PeriodMarkRow]:
    """The last row per key of the `PeriodMarkSet` facts (each given with its class id)."""
    latest: dict[PeriodMarkKey, PeriodMarkRow] = {}
    for fact, class_id in facts:
        event = fact.event
        if not isinstance(event, PeriodMarkSet):
            continue
        row = PeriodMarkRow(
            fact.school,
            fact.year,
            class_id,
            event.subject_id,
            event.period_id,
            event.pupil_id,
            event.value,
            event.average,
            event.suggested,
            event.inputs,
            event.rules_version,
            event.rounding,
            event.min_marks,
            event.correction_reason,
            fact.actor_id,
            fact.recorded_at,
            fact.seq,
        )
        known = latest.get(row.key)
        if known is None or known.last_seq < row.last_seq:
            latest[row.key] = row
    return list(latest.values())


def correction_row(fact: Fact) -> CorrectionRow | None:
    """The correction a lesson event records, if it is one (its `correction_reason` is set)."""
    reason: str | None = getattr(fact.event, "correction_reason", None)
    if reason is None or isinstance(fact.event, PeriodMarkSet):
        return None
    marks, pupils = touched_by(fact.event)
    return CorrectionRow(
        fact.school,
        fact.year,
        fact.aggregate_id,
        fact.seq,
        fact.event.event_type,
        reason,
        fact.actor_id,
        fact.recorded_at,
        marks,
        pupils,
    )


def touched_by(event: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The marks, and the pupils whose attendance, a lesson event changes."""
    match event:
        case MarkRecorded(mark=mark):
            return (mark.mark_id,), ()
        case MarkCorrected(mark_id=mark_id) | MarkCancelled(mark_id=mark_id):
            return (mark_id,), ()
        case AttendanceTaken(absences=absences):
            return (), tuple(a.pupil_id for a in absences)
        case AbsenceReasonSet(pupil_id=pupil_id):
            return (), (pupil_id,)
        case LessonEntriesSaved(marks=marks, attendance=attendance):
            return tuple(m.mark_id for m in marks), tuple(a.pupil_id for a in attendance or ())
        case _:
            return (), ()
