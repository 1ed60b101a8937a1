"""The school year's layout as a class sees it: the periods of its grade, how each subject is
assessed in its grade, and the days off. One fold of the year's opening and of the plan's events
(`contracts.journal.year_plan`) that the journal's rules, its view, the exporter and the pages
all ask, so "the period of a date" means the same everywhere.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from contracts.base import Event
from contracts.journal import (
    Assessment,
    DayOff,
    Period,
    PeriodSchemeSet,
    SchoolCalendarSet,
    SchoolYearOpened,
    SubjectAssessmentSet,
)
from kernel.rows import SchoolConfigRow

PASSED = "зач"
FAILED = "незач"
PASS_FAIL_VALUES = (PASSED, FAILED)
"""The values of a pass/fail subject's marks, in lessons and for periods."""
PASS_FAIL_LABELS: Mapping[str, str] = MappingProxyType({PASSED: "зачтено", FAILED: "не зачтено"})
UNMARKED_GRADES = frozenset({1})
"""Grades whose subjects are not marked unless the school says otherwise (the first grade's
«безотметочное обучение»)."""
ASSESSMENT_LABELS: Mapping[str, str] = MappingProxyType(
    {"scale": "отметки", "pass_fail": "зачёт/незачёт", "unmarked": "без отметок"}
)


@dataclass(frozen=True, slots=True)
class YearPlan:
    """The year's periods per grade, assessments per subject and grade, and days off.

    `periods` are the year's own (those it was opened with), which every grade no scheme names
    works in; `schemes` maps a grade to its scheme's id, name and periods.
    """

    periods: tuple[Period, ...] = ()
    schemes: Mapping[int, PeriodSchemeSet] = field(default_factory=dict)
    assessments: Mapping[tuple[str, int], Assessment] = field(default_factory=dict)
    days_off: tuple[DayOff, ...] = ()

    def periods_of(self, grade: int | None) -> tuple[Period, ...]:
        """The periods a class of `grade` works in (None: the year's own)."""
        scheme = self.schemes.get(grade) if grade is not None else None
        return scheme.periods if scheme is not None else self.periods

    def period_at(self, grade: int | None, date: dt.date) -> Period | None:
        """The period of a class of `grade` that `date` falls in, if any."""
        return period_at(self.periods_of(grade), date)

    def all_periods(self) -> tuple[Period, ...]:
        """Every period of some grade (or of the year), each once, by start date then id."""
        every = {p.period_id: p for p in self.periods}
        for scheme in self.schemes.values():
            every.update((p.period_id, p) for p in scheme.periods)
        return tuple(sorted(every.values(), key=lambda p: (p.starts_on, p.period_id)))

    def scheme_grades(self) -> tuple[tuple[PeriodSchemeSet, tuple[int, ...]], ...]:
        """Each scheme in force with the grades it governs, by its lowest grade (the same
        scheme, id, name and periods, set again for more grades is one scheme)."""
        grouped: dict[tuple[str, str, tuple[Period, ...]], list[int]] = {}
        first: dict[tuple[str, str, tuple[Period, ...]], PeriodSchemeSet] = {}
        for grade, scheme in sorted(self.schemes.items()):
            key = (scheme.scheme_id, scheme.name, scheme.periods)
            grouped.setdefault(key, []).append(grade)
            first.setdefault(key, scheme)
        return tuple((first[key], tuple(grades)) for key, grades in grouped.items())

    def find_period(self, period_id: str) -> Period | None:
        """The period with this id in any scheme (or the year's), if there is one."""
        return next((p for p in self.all_periods() if p.period_id == period_id), None)

    def grades_of(self, period_id: str) -> frozenset[int]:
        """The grades (1–11) that work in the period."""
        return frozenset(
            grade
            for grade in range(1, 12)
            if any(p.period_id == period_id for p in self.periods_of(grade))
        )

    def assessment(self, subject_id: str, grade: int | None) -> Assessment:
        """How the subject is assessed in `grade` (None: an unknown grade, marked on the scale)."""
        if grade is None:
            return "scale"
        configured = self.assessments.get((subject_id, grade))
        if configured is not None:
            return configured
        return "unmarked" if grade in UNMARKED_GRADES else "scale"

    def day_off(self, date: dt.date) -> DayOff | None:
        """The holiday or vacation `date` falls in, if any."""
        return next((d for d in self.days_off if d.starts_on <= date <= d.ends_on), None)

    def school_days(self, starts_on: dt.date, ends_on: dt.date) -> Iterable[dt.date]:
        """The days from `starts_on` to `ends_on` that are not days off (weekends included:
        a school's working week is its timetable's business)."""
        day = starts_on
        while day <= ends_on:
            if self.day_off(day) is None:
                yield day
            day += dt.timedelta(days=1)


def period_at(periods: Iterable[Period], date: dt.date) -> Period | None:
    """The period of `periods` that `date` falls in, if any."""
    return next((p for p in periods if p.starts_on <= date <= p.ends_on), None)


def evolve_plan(plan: YearPlan, event: Event) -> YearPlan:
    """The plan after one event; other events leave it alone."""
    match event:
        case SchoolYearOpened(periods=periods):
            return replace(plan, periods=periods)
        case PeriodSchemeSet(grades=grades):
            return replace(plan, schemes={**plan.schemes, **dict.fromkeys(grades, event)})
        case SubjectAssessmentSet(subject_id=subject_id, grades=grades, assessment=assessment):
            changed = {(subject_id, grade): assessment for grade in grades}
            return replace(plan, assessments={**plan.assessments, **changed})
        case SchoolCalendarSet(days_off=days_off):
            return replace(plan, days_off=days_off)
        case _:
            return plan


def mark_values(assessment: Assessment, scale: Mapping[str, int | None]) -> tuple[str, ...]:
    """The values a mark may take under `assessment`: the scale's; for pass/fail, «зач» and
    «незач» with the scale's values that count as no number («н/а», «осв»); none unmarked."""
    match assessment:
        case "scale":
            return tuple(scale)
        case "pass_fail":
            return (*PASS_FAIL_VALUES, *(value for value, n in scale.items() if n is None))
        case _:
            return ()


def value_label(value: str) -> str:
    """How a mark's value reads on a page: «зачтено» for «зач», the value itself otherwise."""
    return PASS_FAIL_LABELS.get(value, value)


def plan_of(row: SchoolConfigRow | None) -> YearPlan:
    """The plan a configuration row holds (an empty plan for no row)."""
    if row is None:
        return YearPlan()
    key = (row.periods, row.schemes, row.assessments, row.days_off)
    cached = _PLANS.get(key)
    if cached is None:
        plan = YearPlan(periods=row.periods, days_off=row.days_off)
        for event in (*row.schemes, *row.assessments):
            plan = evolve_plan(plan, event)
        cached = _PLANS[key] = plan
        if len(_PLANS) > _PLANS_KEPT:  # a process serves a few schools' years at a time
            del _PLANS[next(iter(_PLANS))]
    return cached


_PLANS: dict[tuple[object, ...], YearPlan] = {}
_PLANS_KEPT = 64
