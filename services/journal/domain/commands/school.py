"""Commands of the school year's setup: the year, its configuration, its people, the closing of
its periods and the period marks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.journal import Assessment, DayOff, Period, RoundingRule, ScaleValue, WorkKind


# ---------------------------------------------------------------- school configuration
@dataclass(frozen=True, slots=True)
class OpenSchoolYear:
    school_name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class ConfigureMarkScale:
    scale_id: str
    values: tuple[ScaleValue, ...]


@dataclass(frozen=True, slots=True)
class ConfigureWorkKinds:
    kinds: tuple[WorkKind, ...]


@dataclass(frozen=True, slots=True)
class DefineSubject:
    subject_id: str
    name: str


SchoolCommand = OpenSchoolYear | ConfigureMarkScale | ConfigureWorkKinds | DefineSubject


# ---------------------------------------------------------------- the year's plan per grade
@dataclass(frozen=True, slots=True)
class SetPeriodScheme:
    scheme_id: str
    name: str
    grades: tuple[int, ...]
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class SetSubjectAssessment:
    subject_id: str
    grades: tuple[int, ...]
    assessment: Assessment


@dataclass(frozen=True, slots=True)
class SetSchoolCalendar:
    days_off: tuple[DayOff, ...]


YearPlanCommand = SetPeriodScheme | SetSubjectAssessment | SetSchoolCalendar


# ---------------------------------------------------------------- grading rules, closing periods
@dataclass(frozen=True, slots=True)
class SetGradingRules:
    rounding: RoundingRule
    min_marks: int


@dataclass(frozen=True, slots=True)
class ClosePeriod:
    period_id: str


@dataclass(frozen=True, slots=True)
class ReopenPeriod:
    period_id: str
    reason: str


ClosingCommand = SetGradingRules | ClosePeriod | ReopenPeriod


# ---------------------------------------------------------------- period marks
@dataclass(frozen=True, slots=True)
class SetPeriodMark:
    """The mark a teacher sets for a pupil, subject and period (a term, year, exam or final)."""

    pupil_id: str
    subject_id: str
    period_id: str
    value: str
    correction_reason: str | None = None  # set only to correct a closed period


# ---------------------------------------------------------------- people
@dataclass(frozen=True, slots=True)
class RegisterStaffMember:
    staff_id: str
    full_name: str
    position: str


@dataclass(frozen=True, slots=True)
class RegisterPupil:
    pupil_id: str
    full_name: str
    birth_date: dt.date
