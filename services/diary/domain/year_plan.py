"""The school year's plan as the diary reads it: the periods of a class (its grade's scheme, else
the year's own), how a subject is assessed in a class, and the days off.

The rules are the kernel's (`kernel.year_plan.YearPlan`: a grade no scheme names works in the
year's periods; a subject is marked on the scale except in the first grade, unless the school
said otherwise), so the diary and the journal agree on "the period of a date". This module only
rebuilds the kernel's plan from the diary's rows (`plan_from_rows`) and asks it by class.
Pure: rows come in as values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from contracts.journal import Assessment, DayOff, Period, PeriodSchemeSet
from kernel.year_plan import YearPlan
from services.diary.domain.calendar import PeriodRow
from services.diary.domain.rows import SchoolConfig


@dataclass(frozen=True, slots=True)
class GradePeriodRow:
    """A period of the scheme a grade works in (the diary's `grade_periods` row)."""

    grade: int
    scheme_id: str
    scheme_name: str
    period: PeriodRow


@dataclass(frozen=True, slots=True)
class DayOffView:
    """A day without lessons: a holiday or a day of a vacation, with the school's name for it."""

    date: dt.date
    name: str
    kind: str


def _period(row: PeriodRow) -> Period:
    """The contract's period of a diary row (read from our own tables: valid when written)."""
    return Period.model_construct(
        period_id=row.period_id, name=row.name, starts_on=row.starts_on, ends_on=row.ends_on
    )


def plan_from_rows(
    periods: Iterable[PeriodRow],
    grade_periods: Iterable[GradePeriodRow],
    assessments: Iterable[tuple[str, int, Assessment]],
    days_off: Iterable[DayOff],
) -> YearPlan:
    """The kernel's plan of the year's own `periods`, each grade's scheme, the assessments the
    school set ((subject, grade, assessment)) and the days off."""
    by_grade: dict[int, list[GradePeriodRow]] = defaultdict(list)
    for row in grade_periods:
        by_grade[row.grade].append(row)
    schemes = {
        grade: PeriodSchemeSet.model_construct(
            scheme_id=rows[0].scheme_id,
            name=rows[0].scheme_name,
            grades=(grade,),
            periods=tuple(_period(r.period) for r in sorted(rows, key=_starts)),
        )
        for grade, rows in by_grade.items()
    }
    return YearPlan(
        periods=tuple(_period(p) for p in periods),
        schemes=schemes,
        assessments={(subject, grade): kind for subject, grade, kind in assessments},
        days_off=tuple(days_off),
    )


def _starts(row: GradePeriodRow) -> tuple[dt.date, str]:
    return row.period.starts_on, row.period.period_id


def class_periods(config: SchoolConfig, class_id: str | None) -> tuple[PeriodRow, ...]:
    """The periods a class works in, in order: its grade's scheme, else the year's own (also
    for a class the diary does not know)."""
    grade = config.grades.get(class_id) if class_id is not None else None
    found = config.plan.periods_of(grade)
    if not found:  # a configuration without a plan (read before the plan, or built by hand)
        return config.periods
    return period_rows(found)


def class_assessment(config: SchoolConfig, subject_id: str, class_id: str | None) -> Assessment:
    """How the subject is assessed in the class's grade (on the scale for an unknown class)."""
    grade = config.grades.get(class_id) if class_id is not None else None
    return config.plan.assessment(subject_id, grade)


def shows_marks(assessment: Assessment) -> bool:
    """A subject that is not marked shows no marks (and no average)."""
    return assessment != "unmarked"


def shows_average(assessment: Assessment) -> bool:
    """Only a subject marked on the scale has an average: pass/fail marks have no number."""
    return assessment == "scale"


def day_off_on(config: SchoolConfig, day: dt.date) -> DayOffView | None:
    """The holiday or vacation `day` falls in, if any."""
    found = config.plan.day_off(day)
    return None if found is None else DayOffView(day, found.name, found.kind)


def days_off_between(config: SchoolConfig, start: dt.date, end: dt.date) -> tuple[DayOffView, ...]:
    """Every day off from `start` to `end` (both included), in date order."""
    if not config.plan.days_off:
        return ()
    days: list[DayOffView] = []
    day = start
    while day <= end:
        found = day_off_on(config, day)
        if found is not None:
            days.append(found)
        day += dt.timedelta(days=1)
    return tuple(days)


def period_rows(periods: Sequence[Period]) -> tuple[PeriodRow, ...]:
    """Diary rows of contract periods."""
    return tuple(PeriodRow(p.period_id, p.name, p.starts_on, p.ends_on) for p in periods)
