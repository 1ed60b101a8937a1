"""The next year's calendar and configuration, as the rollover copies them from the closing
year's: the year, its periods and the period schemes of grades a year later (29 February
becomes the 28th); scale, kinds of work, subjects, grading rules and assessments as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from contracts.journal import (
    Period,
    PeriodSchemeSet,
    RoundingRule,
    ScaleValue,
    SubjectAssessmentSet,
    WorkKind,
)


@dataclass(frozen=True, slots=True)
class YearSetup:
    """A school year's calendar and configuration, as the next year copies it."""

    school_name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: tuple[Period, ...]
    scale_id: str | None
    scale: tuple[ScaleValue, ...]
    work_kinds: tuple[WorkKind, ...]
    subjects: Mapping[str, str]
    grading: tuple[RoundingRule, int] | None = None  # (rounding, min_marks) when set
    schemes: tuple[PeriodSchemeSet, ...] = ()  # the periods of grades with a scheme of their own
    assessments: tuple[SubjectAssessmentSet, ...] = ()


def shift_year(day: dt.date) -> dt.date:
    """The same day a year later (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def shifted(setup: YearSetup) -> YearSetup:
    """The next year's setup: the same configuration, the calendar a year later."""
    schemes = tuple(
        s.model_copy(update={"periods": _shifted_periods(s.periods)}) for s in setup.schemes
    )
    return YearSetup(
        school_name=setup.school_name,
        starts_on=shift_year(setup.starts_on),
        ends_on=shift_year(setup.ends_on),
        periods=_shifted_periods(setup.periods),
        scale_id=setup.scale_id,
        scale=setup.scale,
        work_kinds=setup.work_kinds,
        subjects=setup.subjects,
        grading=setup.grading,
        schemes=schemes,
        assessments=setup.assessments,
    )


def _shifted_periods(periods: tuple[Period, ...]) -> tuple[Period, ...]:
    return tuple(
        p.model_copy(
            update={"starts_on": shift_year(p.starts_on), "ends_on": shift_year(p.ends_on)}
        )
        for p in periods
    )
