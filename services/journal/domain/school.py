"""The school year's configuration: calendar and periods, mark scale, kinds of work, subjects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import (
    GradingRulesSet,
    MarkScaleConfigured,
    Period,
    PeriodClosed,
    PeriodReopened,
    PeriodSchemeSet,
    RoundingRule,
    ScaleValue,
    SchoolCalendarSet,
    SchoolYearClosed,
    SchoolYearOpened,
    SubjectAssessmentSet,
    SubjectDefined,
    WorkKind,
    WorkKindsConfigured,
)
from kernel.year_plan import YearPlan, evolve_plan
from services.journal.domain.commands import (
    ConfigureMarkScale,
    ConfigureWorkKinds,
    DefineSubject,
    OpenSchoolYear,
    SchoolCommand,
)
from services.journal.domain.errors import (
    AlreadyExists,
    InvalidPeriods,
    InvalidScale,
    InvalidWorkKinds,
    NothingToChange,
    RoleNotAllowed,
    SchoolYearNotOpen,
)

ADMIN_ROLES = frozenset({"admin", "system"})

DEFAULT_SCALE: tuple[ScaleValue, ...] = (
    ScaleValue(value="1", numeric=1, label="очень плохо"),
    ScaleValue(value="2", numeric=2, label="неудовлетворительно"),
    ScaleValue(value="3", numeric=3, label="удовлетворительно"),
    ScaleValue(value="4", numeric=4, label="хорошо"),
    ScaleValue(value="5", numeric=5, label="отлично"),
    ScaleValue(value="н/а", numeric=None, label="не аттестован"),
    ScaleValue(value="осв", numeric=None, label="освобождён"),
)

DEFAULT_WORK_KINDS: tuple[WorkKind, ...] = (
    WorkKind(work_kind_id="classwork", name="Работа на уроке", weight=Decimal(1)),
    WorkKind(work_kind_id="homework", name="Домашняя работа", weight=Decimal(1)),
    WorkKind(work_kind_id="oral", name="Устный ответ", weight=Decimal(1)),
    WorkKind(work_kind_id="test", name="Контрольная работа", weight=Decimal(2)),
    WorkKind(
        work_kind_id="practical", name="Лабораторная / практическая работа", weight=Decimal("1.5")
    ),
    WorkKind(work_kind_id="dictation", name="Диктант", weight=Decimal("1.5")),
    WorkKind(work_kind_id="quarter-test", name="Четвертная контрольная работа", weight=Decimal(3)),
)


@dataclass(frozen=True, slots=True)
class GradingRules:
    """How period marks are suggested: the rounding of the average and the minimum number of
    marks; `version` 0 is the defaults, before any `GradingRulesSet`."""

    version: int = 0
    rounding: RoundingRule = "half_up"
    min_marks: int = 3


DEFAULT_GRADING = GradingRules()


@dataclass(frozen=True, slots=True)
class SchoolConfig:
    """The configuration of one school year, as its events built it."""

    opened: bool = False
    school_name: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    plan: YearPlan = field(default_factory=YearPlan)  # periods per grade, assessments, days off
    scale_id: str | None = None
    scale: Mapping[str, int | None] = field(default_factory=dict)
    work_kinds: Mapping[str, WorkKind] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)
    grading: GradingRules = DEFAULT_GRADING
    closed_periods: frozenset[str] = frozenset()  # closed by the administrator (see `closing`)
    sealed: bool = False  # the year is closed (rollover): every change is a correction


INITIAL = SchoolConfig()


def require_admin(actor: Actor, action: str) -> None:
    """Refuse anyone but the administrator (or the system itself)."""
    if actor.role not in ADMIN_ROLES:
        msg = f"{action} is for the administrator; '{actor.id}' acts as {actor.role}"
        raise RoleNotAllowed(msg)


def numeric_value(config: SchoolConfig, value: str) -> int | None:
    """The number a mark counts as in averages; None when it does not count or is unknown."""
    return config.scale.get(value)


def within_year(config: SchoolConfig, date: dt.date) -> bool:
    """Whether the date lies within the opened school year (both ends inclusive)."""
    if config.starts_on is None or config.ends_on is None:
        return False
    return config.starts_on <= date <= config.ends_on


def period_of(config: SchoolConfig, date: dt.date, grade: int | None) -> Period | None:
    """The period of a class of `grade` the date falls in, if any (None: the year's own)."""
    return config.plan.period_at(grade, date)


def decide(cmd: SchoolCommand, state: SchoolConfig, *, actor: Actor) -> list[Event]:
    """Decide a configuration command: one event, or a DomainError."""
    match cmd:
        case OpenSchoolYear():
            require_admin(actor, "opening the school year")
            return [_open(cmd, state)]
        case ConfigureMarkScale():
            require_open(state, actor, "configuring the mark scale")
            _check_scale(cmd.values)
            return [MarkScaleConfigured(scale_id=cmd.scale_id, values=cmd.values)]
        case ConfigureWorkKinds():
            require_open(state, actor, "configuring the kinds of work")
            check_unique([k.work_kind_id for k in cmd.kinds], "kind of work")
            return [WorkKindsConfigured(kinds=cmd.kinds)]
        case DefineSubject():
            require_open(state, actor, "defining a subject")
            if state.subjects.get(cmd.subject_id) == cmd.name.strip():
                msg = f"subject '{cmd.subject_id}' is already called '{cmd.name.strip()}'"
                raise NothingToChange(msg)
            return [SubjectDefined(subject_id=cmd.subject_id, name=cmd.name)]
        case _:
            raise TypeError(f"not a school configuration command: {cmd!r}")


def evolve(state: SchoolConfig, event: Event) -> SchoolConfig:
    """The configuration after one event; other events leave it alone."""
    match event:
        case SchoolYearOpened():
            return replace(
                state,
                opened=True,
                school_name=event.school_name,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                plan=evolve_plan(state.plan, event),
            )
        case GradingRulesSet() | PeriodClosed() | PeriodReopened() | SchoolYearClosed():
            return _evolve_closing(state, event)
        case PeriodSchemeSet() | SubjectAssessmentSet() | SchoolCalendarSet():
            return replace(state, plan=evolve_plan(state.plan, event))
        case _:
            return _evolve_setup(state, event)


def _evolve_setup(state: SchoolConfig, event: Event) -> SchoolConfig:
    """The mark scale, the kinds of work and the subjects; other events leave it alone."""
    match event:
        case MarkScaleConfigured():
            scale = {v.value: v.numeric for v in event.values}
            return replace(state, scale_id=event.scale_id, scale=scale)
        case WorkKindsConfigured():
            return replace(state, work_kinds={k.work_kind_id: k for k in event.kinds})
        case SubjectDefined():
            return replace(state, subjects={**state.subjects, event.subject_id: event.name})
        case _:
            return state


def _evolve_closing(
    state: SchoolConfig, event: GradingRulesSet | PeriodClosed | PeriodReopened | SchoolYearClosed
) -> SchoolConfig:
    """Grading rules, closed periods and the sealed year (decided in `closing`)."""
    match event:
        case GradingRulesSet(version=version, rounding=rounding, min_marks=min_marks):
            return replace(state, grading=GradingRules(version, rounding, min_marks))
        case PeriodClosed(period_id=period_id):
            return replace(state, closed_periods=state.closed_periods | {period_id})
        case PeriodReopened(period_id=period_id):
            return replace(state, closed_periods=state.closed_periods - {period_id})
        case SchoolYearClosed():
            return replace(state, sealed=True)


def require_open(state: SchoolConfig, actor: Actor, action: str) -> None:
    require_admin(actor, action)
    if not state.opened:
        msg = f"{action} needs an opened school year"
        raise SchoolYearNotOpen(msg)


def _open(cmd: OpenSchoolYear, state: SchoolConfig) -> SchoolYearOpened:
    if state.opened:
        msg = f"the school year {state.starts_on}..{state.ends_on} is already open"
        raise AlreadyExists(msg)
    if cmd.ends_on <= cmd.starts_on:
        msg = f"the school year must end after it starts ({cmd.starts_on} .. {cmd.ends_on})"
        raise InvalidPeriods(msg)
    check_periods(cmd.periods, cmd.starts_on, cmd.ends_on)
    return SchoolYearOpened(
        school_name=cmd.school_name,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        periods=cmd.periods,
    )


def check_periods(periods: tuple[Period, ...], starts_on: dt.date, ends_on: dt.date) -> None:
    if not periods:
        msg = "the school year needs at least one period"
        raise InvalidPeriods(msg)
    previous: Period | None = None
    for period in periods:
        span = f"period '{period.period_id}' ({period.starts_on} .. {period.ends_on})"
        if period.ends_on < period.starts_on:
            msg = f"{span} ends before it starts"
            raise InvalidPeriods(msg)
        if period.starts_on < starts_on or period.ends_on > ends_on:
            msg = f"{span} is not inside the school year ({starts_on} .. {ends_on})"
            raise InvalidPeriods(msg)
        if previous is not None and period.starts_on <= previous.ends_on:
            msg = f"{span} does not start after period '{previous.period_id}' ends"
            raise InvalidPeriods(msg)
        previous = period
    check_unique([p.period_id for p in periods], "period", error=InvalidPeriods)


def _check_scale(values: tuple[ScaleValue, ...]) -> None:
    if not values:
        msg = "the mark scale needs at least one value"
        raise InvalidScale(msg)
    check_unique([v.value for v in values], "scale value", error=InvalidScale)
    if all(v.numeric is None for v in values):
        listed = ", ".join(v.value for v in values)
        msg = f"the mark scale ({listed}) has no numeric value, so no average could be computed"
        raise InvalidScale(msg)


def check_unique(
    ids: Iterable[str], what: str, *, error: type[Exception] = InvalidWorkKinds
) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            msg = f"{what} '{item}' is listed twice"
            raise error(msg)
        seen.add(item)
    if not seen:
        msg = f"at least one {what} is needed"
        raise error(msg)
