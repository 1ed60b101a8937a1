"""The administrator's plan of the year per grade: which periods a grade works in, how a subject
is assessed in a grade, and the calendar's days off (decided on the school's configuration).

Why a closed period's grades and dates freeze: its marks were set and checked against its
dates and its classes, and a grade leaving or joining it, or new dates, would move lessons into
or out of it behind that check's back.

Why every day must be a day off or in a period once the school has a calendar: "the period of
a date" must have one answer for every school day of every class (closing, period marks, the
monthly check, the diary). Periods leave gaps between them (the vacations), and it is the
calendar that says those days are off; so the first calendar must cover every grade's gaps, a
later one may not open a gap again, and a new scheme must fit the calendar in force. Before
the first calendar (the year is opened with its periods first) nothing is checked.
"""

from __future__ import annotations

import datetime as dt

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    DayOff,
    PeriodSchemeSet,
    SchoolCalendarSet,
    SubjectAssessmentSet,
)
from kernel.year_plan import YearPlan, evolve_plan, period_at
from services.journal.domain import errors, school
from services.journal.domain.closing import require_changeable
from services.journal.domain.commands import (
    SchoolCommand,
    SetPeriodScheme,
    SetSchoolCalendar,
    SetSubjectAssessment,
    YearPlanCommand,
)
from services.journal.domain.school import SchoolConfig, check_periods

ALL_GRADES = range(1, 12)


def decide_configuration(
    cmd: SchoolCommand | YearPlanCommand, state: SchoolConfig, *, actor: Actor
) -> list[Event]:
    """Decide any command of the school's configuration: its setup (`school.decide`) or its
    plan per grade (`decide`)."""
    if isinstance(cmd, YearPlanCommand):
        return decide(cmd, state, actor=actor)
    return school.decide(cmd, state, actor=actor)


def decide(cmd: YearPlanCommand, state: SchoolConfig, *, actor: Actor) -> list[Event]:
    """Decide a command of the year's plan: one event, or a DomainError saying why not."""
    match cmd:
        case SetPeriodScheme():
            require_changeable(state, actor, f"setting the periods of scheme '{cmd.scheme_id}'")
            return [_scheme(cmd, state)]
        case SetSubjectAssessment():
            require_changeable(state, actor, f"setting how '{cmd.subject_id}' is assessed")
            return [_assessment(cmd, state)]
        case SetSchoolCalendar():
            require_changeable(state, actor, "setting the school calendar")
            return [_calendar(cmd, state)]
        case _:
            raise TypeError(f"not a command of the year's plan: {cmd!r}")


def _scheme(cmd: SetPeriodScheme, state: SchoolConfig) -> PeriodSchemeSet:
    _check_grades(cmd.grades)
    check_periods(cmd.periods, *_year_span(state))
    plan = state.plan
    kept = {p.period_id: p for g in ALL_GRADES if g not in cmd.grades for p in plan.periods_of(g)}
    for period in cmd.periods:
        other = kept.get(period.period_id)
        if other is not None and other != period:
            msg = (
                f"period '{period.period_id}' already means {other.name} "
                f"({other.starts_on} .. {other.ends_on}) for other grades; give it another id"
            )
            raise errors.InvalidPeriods(msg)
    proposed = {p.period_id: p for p in cmd.periods}
    for grade in cmd.grades:
        current = {p.period_id: p for p in plan.periods_of(grade)}
        touched = sorted(
            period_id
            for period_id in (current.keys() | proposed.keys()) & state.closed_periods
            if current.get(period_id) != proposed.get(period_id)
        )
        if touched:
            msg = (
                f"grade {grade} would leave, join or move closed period(s) "
                f"{', '.join(touched)}: a closed period's grades and dates no longer change "
                "(reopen it first)"
            )
            raise errors.PeriodsInUse(msg)
    if all(_same_scheme(plan.schemes.get(g), cmd) for g in cmd.grades):
        msg = f"grades {_grades_text(cmd.grades)} already work in scheme '{cmd.scheme_id}'"
        raise errors.NothingToChange(msg)
    event = PeriodSchemeSet(
        scheme_id=cmd.scheme_id, name=cmd.name, grades=cmd.grades, periods=cmd.periods
    )
    _require_covered(evolve_plan(plan, event), state, errors.InvalidPeriods)
    return event


def _same_scheme(current: PeriodSchemeSet | None, cmd: SetPeriodScheme) -> bool:
    return current is not None and (current.scheme_id, current.name, current.periods) == (
        cmd.scheme_id,
        cmd.name.strip(),
        cmd.periods,
    )


def _assessment(cmd: SetSubjectAssessment, state: SchoolConfig) -> SubjectAssessmentSet:
    _check_grades(cmd.grades)
    if cmd.subject_id not in state.subjects:
        msg = f"there is no subject '{cmd.subject_id}' in the school year"
        raise errors.UnknownSubject(msg)
    if all(state.plan.assessment(cmd.subject_id, g) == cmd.assessment for g in cmd.grades):
        msg = f"'{cmd.subject_id}' is already assessed so in grades {_grades_text(cmd.grades)}"
        raise errors.NothingToChange(msg)
    return SubjectAssessmentSet(
        subject_id=cmd.subject_id, grades=cmd.grades, assessment=cmd.assessment
    )


def _calendar(cmd: SetSchoolCalendar, state: SchoolConfig) -> SchoolCalendarSet:
    starts_on, ends_on = _year_span(state)
    for day_off in cmd.days_off:
        span = f"'{day_off.name}' ({day_off.starts_on} .. {day_off.ends_on})"
        if day_off.ends_on < day_off.starts_on:
            raise errors.InvalidCalendar(f"{span} ends before it starts")
        if day_off.starts_on < starts_on or day_off.ends_on > ends_on:
            msg = f"{span} is not inside the school year ({starts_on} .. {ends_on})"
            raise errors.InvalidCalendar(msg)
    if _normalised(cmd.days_off) == _normalised(state.plan.days_off):
        raise errors.NothingToChange("the school calendar already has these days off")
    event = SchoolCalendarSet(days_off=cmd.days_off)
    _require_covered(evolve_plan(state.plan, event), state, errors.InvalidCalendar)
    return event


def _require_covered(plan: YearPlan, state: SchoolConfig, error: type[errors.Invalid]) -> None:
    """Refuse a plan in which some day of the year is neither off nor in a period of some
    grade (no calendar yet: nothing to check)."""
    if not plan.days_off:
        return
    starts_on, ends_on = _year_span(state)
    for periods in dict.fromkeys(plan.periods_of(g) for g in ALL_GRADES):
        day = next(
            (d for d in plan.school_days(starts_on, ends_on) if not period_at(periods, d)), None
        )
        if day is not None:
            grades = _grades_text(tuple(g for g in ALL_GRADES if plan.periods_of(g) == periods))
            msg = (
                f"{day} is neither a day off nor in a period of grade(s) {grades}: "
                "declare it a vacation or holiday, or move a period over it"
            )
            raise error(msg)


def _year_span(state: SchoolConfig) -> tuple[dt.date, dt.date]:
    if state.starts_on is None or state.ends_on is None:  # `require_changeable` saw it open
        raise errors.SchoolYearNotOpen("the school year has not been opened")
    return state.starts_on, state.ends_on


def _normalised(days_off: tuple[DayOff, ...]) -> list[tuple[object, ...]]:
    return sorted((d.starts_on, d.ends_on, d.kind, d.name.strip()) for d in days_off)


def _check_grades(grades: tuple[int, ...]) -> None:
    if not grades:
        raise errors.InvalidGrades("at least one grade is needed")
    outside = [g for g in grades if g not in ALL_GRADES]
    if outside:
        msg = f"grade(s) {_grades_text(tuple(outside))} are not grades 1–11"
        raise errors.InvalidGrades(msg)
    if len(set(grades)) != len(grades):
        msg = f"a grade is listed twice in {_grades_text(grades)}"
        raise errors.InvalidGrades(msg)


def _grades_text(grades: tuple[int, ...]) -> str:
    return ", ".join(str(g) for g in grades)
