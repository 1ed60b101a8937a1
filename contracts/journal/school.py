"""The school's aggregate: its year and periods, mark scale, kinds of work, subjects, grading
rules, and the closing of periods and of the year."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from contracts.base import Contract, Event, SubjectId, Token
from contracts.journal.fields import MarkValue, Weight
from contracts.text import Name, Text

# ---------------------------------------------------------------- school configuration


class Period(Contract):
    """A period of assessment: a quarter, a half-year or the school's own."""

    period_id: Token
    name: Name
    starts_on: dt.date
    ends_on: dt.date


class ScaleValue(Contract):
    """One value of a mark scale; `numeric` is None for marks that do not enter averages."""

    value: MarkValue
    numeric: int | None = None
    label: Name


class WorkKind(Contract):
    """A kind of work (form of control) and its weight in averages."""

    work_kind_id: Token
    name: Name
    weight: Weight


class SchoolYearOpened(Event):
    """The school year starts with its calendar and its periods."""

    event_type = "journal.SchoolYearOpened"
    school_name: Name
    starts_on: dt.date
    ends_on: dt.date
    periods: tuple[Period, ...] = Field(min_length=1)


class MarkScaleConfigured(Event):
    """The school's mark scale (a new version replaces the old one from now on)."""

    event_type = "journal.MarkScaleConfigured"
    scale_id: Token
    values: tuple[ScaleValue, ...] = Field(min_length=1)


class WorkKindsConfigured(Event):
    """The school's kinds of work and their weights (a new version from now on)."""

    event_type = "journal.WorkKindsConfigured"
    kinds: tuple[WorkKind, ...] = Field(min_length=1)


class SubjectDefined(Event):
    """A subject the school teaches (a new definition renames it)."""

    event_type = "journal.SubjectDefined"
    subject_id: SubjectId
    name: Name


# ---------------------------------------------------------------- grading rules, closed periods


RoundingRule = Literal["half_up", "half_even", "down", "up"]


class GradingRulesSet(Event):
    """The school's rules for period marks, as a new version: how an average rounds to a mark
    and how many marks a pupil needs in a period. Marks already set keep the version they were
    set under."""

    event_type = "journal.GradingRulesSet"
    version: int = Field(ge=1)
    rounding: RoundingRule = "half_up"
    min_marks: int = Field(default=3, ge=0, le=50)


class PeriodClosed(Event):
    """The administrator closed a period: its lessons and marks change only by correction."""

    event_type = "journal.PeriodClosed"
    period_id: Token


class PeriodReopened(Event):
    """A closed period opened again (a mistake in closing it), with the reason."""

    event_type = "journal.PeriodReopened"
    period_id: Token
    reason: Text


class SchoolYearClosed(Event):
    """The year is sealed (rollover): nothing changes any more except flagged corrections."""

    event_type = "journal.SchoolYearClosed"
    next_year: int = Field(ge=2000, le=2101)


SchoolEvent = (
    SchoolYearOpened
    | MarkScaleConfigured
    | WorkKindsConfigured
    | SubjectDefined
    | GradingRulesSet
    | PeriodClosed
    | PeriodReopened
    | SchoolYearClosed
)
