"""The year's plan as the roster answers it, from the school's own events: every period with
the grades working in it and whether it is closed, the schemes, the subjects that are not marked
on the scale in some grade, and the days off."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kernel.year_plan import YearPlan
from services.journal.application.roster_reads import (
    AssessmentInfo,
    DayOffInfo,
    PeriodInfo,
    SchemeInfo,
)
from services.journal.domain.year_plan import ALL_GRADES


def plan_fields(
    plan: YearPlan, subject_ids: Iterable[str], closed: Callable[[str], bool] = lambda _: False
) -> dict[str, object]:
    """The roster's fields of the plan: periods (`closed` says which are), schemes, the
    subjects not marked on the scale in some grade, days off."""
    periods = [
        PeriodInfo(
            period_id=p.period_id,
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            closed=closed(p.period_id),
            grades=sorted(plan.grades_of(p.period_id)),
        )
        for p in plan.all_periods()
    ]
    return {
        "periods": periods,
        "schemes": [
            SchemeInfo(
                scheme_id=s.scheme_id,
                name=s.name,
                grades=list(grades),
                period_ids=[p.period_id for p in s.periods],
            )
            for s, grades in plan.scheme_grades()
        ],
        "assessments": [
            AssessmentInfo(subject_id=subject_id, grade=grade, assessment=assessment)
            for subject_id in sorted(subject_ids)
            for grade in ALL_GRADES
            if (assessment := plan.assessment(subject_id, grade)) != "scale"
        ],
        "days_off": [
            DayOffInfo(name=d.name, kind=d.kind, starts_on=d.starts_on, ends_on=d.ends_on)
            for d in sorted(plan.days_off, key=lambda d: (d.starts_on, d.ends_on))
        ],
    }
