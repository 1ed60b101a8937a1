"""Period marks: the mark a teacher sets for a pupil, subject and period, with everything that
produced it. Aggregate: one per class and subject."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field

from contracts.base import Contract, Event, LessonId, MarkId, PupilId, SubjectId, Token
from contracts.journal.fields import CorrectionReason, MarkValue, Weight
from contracts.journal.school import RoundingRule

# A period mark is set for a term of the year (a `Period.period_id`: q1..q4, h1, h2 or the
# school's own) or for one of these.
YEAR_PERIODS = ("year", "exam", "final")


class PeriodMarkInput(Contract):
    """One lesson mark that entered a computed average, as it stood then."""

    mark_id: MarkId
    lesson_id: LessonId
    date: dt.date
    value: MarkValue
    weight: Weight
    counts: bool = True


class PeriodMarkSet(Event):
    """The mark a teacher set for a pupil, subject and period, beside the computed average and
    everything that produced it (the marks, their weights, the rules' version). Aggregate: one
    per class and subject (`jrn.<year>.<school>.<class>.period-marks.<subject>`)."""

    event_type = "journal.PeriodMarkSet"
    pupil_id: PupilId
    subject_id: SubjectId
    period_id: Token
    value: MarkValue  # on the scale, or "н/а" (not assessed), or "осв" (exempt)
    average: Decimal | None = None
    suggested: MarkValue | None = None  # the average rounded under the rules, when enough marks
    inputs: tuple[PeriodMarkInput, ...] = ()
    rules_version: int = Field(ge=0)  # 0: the defaults, before any GradingRulesSet
    rounding: RoundingRule = "half_up"
    min_marks: int = Field(default=3, ge=0, le=50)
    correction_reason: CorrectionReason | None = None
