"""The closing year's configuration as the next year copies it: the school configuration
aggregate folded keeping what `SchoolConfig` drops (the scale's labels, the kinds in order)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from contracts.base import Event
from contracts.journal import (
    GradingRulesSet,
    MarkScaleConfigured,
    PeriodSchemeSet,
    RoundingRule,
    ScaleValue,
    SchoolYearClosed,
    SchoolYearOpened,
    SubjectAssessmentSet,
    SubjectDefined,
    WorkKind,
    WorkKindsConfigured,
)
from kernel.school import with_assessment, with_scheme
from services.journal.domain.errors import SchoolYearNotOpen
from services.journal.domain.rollover_setup import YearSetup


@dataclass(frozen=True, slots=True)
class SetupState:
    """The configuration events of a year, as the rollover copies them."""

    opened: SchoolYearOpened | None = None
    scale: MarkScaleConfigured | None = None
    kinds: tuple[WorkKind, ...] = ()
    subjects: Mapping[str, str] = field(default_factory=dict)
    grading: tuple[RoundingRule, int] | None = None
    closed_into: int | None = None
    schemes: tuple[PeriodSchemeSet, ...] = ()  # in force for some grade, in order
    assessments: tuple[SubjectAssessmentSet, ...] = ()  # likewise, per subject


INITIAL = SetupState()


def evolve(state: SetupState, event: Event) -> SetupState:
    """The configuration after one event; other events leave it alone."""
    changes: dict[str, Any]
    match event:
        case SchoolYearOpened():
            changes = {"opened": event}
        case MarkScaleConfigured():
            changes = {"scale": event}
        case WorkKindsConfigured():
            changes = {"kinds": event.kinds}
        case SubjectDefined():
            changes = {"subjects": {**state.subjects, event.subject_id: event.name}}
        case GradingRulesSet():
            changes = {"grading": (event.rounding, event.min_marks)}
        case PeriodSchemeSet():
            changes = {"schemes": with_scheme(state.schemes, event)}
        case SubjectAssessmentSet():
            changes = {"assessments": with_assessment(state.assessments, event)}
        case SchoolYearClosed():
            changes = {"closed_into": event.next_year}
        case _:
            return state
    return replace(state, **changes)


def setup_of(state: SetupState) -> YearSetup:
    """The year's setup; refused when the year was never opened."""
    if state.opened is None:
        msg = "the school year to close has not been opened"
        raise SchoolYearNotOpen(msg)
    opened = state.opened
    scale: tuple[ScaleValue, ...] = () if state.scale is None else state.scale.values
    return YearSetup(
        school_name=opened.school_name,
        starts_on=opened.starts_on,
        ends_on=opened.ends_on,
        periods=opened.periods,
        scale_id=None if state.scale is None else state.scale.scale_id,
        scale=scale,
        work_kinds=state.kinds,
        subjects=dict(state.subjects),
        grading=state.grading,
        schemes=state.schemes,
        assessments=state.assessments,
    )


def last_day(setup: YearSetup) -> dt.date:
    """The day whose class members roll over: the year's last day."""
    return setup.ends_on
