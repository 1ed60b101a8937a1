"""Period marks of one class in one subject (aggregate `contracts.subjects.period_marks`).

For each pupil and period (a term, or year, exam and final) the teacher sets a mark; beside it
the event keeps the weighted average of the pupil's marks in the period, the mark that average
rounds to under the school's grading rules (when the pupil has enough marks), the marks that
went in and the version of the rules. The teacher's mark may differ from the suggestion: both
are kept. Rules set later never touch a mark already set: it carries its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import PeriodMarkInput, PeriodMarkSet
from kernel.grading import round_mark, weighted_average
from services.journal.domain import closing, errors
from services.journal.domain.assessment import require_mark_allowed
from services.journal.domain.commands import SetPeriodMark
from services.journal.domain.klass import ClassState
from services.journal.domain.school import SchoolConfig

NOT_ASSESSED = "н/а"
EXEMPT = "осв"
SPECIAL_VALUES = frozenset({NOT_ASSESSED, EXEMPT})
"""Period marks allowed whatever the scale: not assessed, exempt."""


@dataclass(frozen=True, slots=True)
class PeriodMarks:
    """The last mark set for each (pupil, period) of the class and subject."""

    marks: Mapping[tuple[str, str], PeriodMarkSet] = field(default_factory=dict)


INITIAL = PeriodMarks()


@dataclass(frozen=True, slots=True)
class Computed:
    """What a pupil's marks in a period give under the current rules."""

    average: Decimal | None
    suggested: str | None  # None: no average, or fewer counting marks than the rules want
    counted: int  # the marks that entered the average


class _Weighed(NamedTuple):
    value: str
    weight: Decimal
    counts: bool
    cancelled: bool = False


def compute(inputs: Iterable[PeriodMarkInput], school: SchoolConfig) -> Computed:
    """The weighted average of the marks, and the scale value it rounds to under the school's
    rules when at least `min_marks` marks count (have a number on the scale and count)."""
    marks = [_Weighed(i.value, i.weight, i.counts) for i in inputs]
    average = weighted_average(marks, school.scale)
    counted = sum(1 for m in marks if m.counts and school.scale.get(m.value) is not None)
    rules = school.grading
    suggested = None
    if average is not None and counted >= rules.min_marks:
        number = round_mark(average, rules.rounding)
        suggested = next((v for v, n in school.scale.items() if n == number), None)
    return Computed(average, suggested, counted)


def decide(
    cmd: SetPeriodMark,
    state: PeriodMarks,
    *,
    actor: Actor,
    school: SchoolConfig,
    klass: ClassState,
    inputs: tuple[PeriodMarkInput, ...],
) -> list[Event]:
    """Set a period mark: one `PeriodMarkSet` with the average, suggestion and inputs.

    `inputs` are the pupil's marks in force in the subject within the period's dates, read by
    the application from the journal; the average and the suggestion are computed here.
    """
    span = _check_target(cmd, school, klass)
    what = f"the '{cmd.period_id}' mark of pupil '{cmd.pupil_id}' in '{cmd.subject_id}'"
    lock = closing.period_lock(school, cmd.period_id)
    reason = closing.correction(lock, actor, cmd.correction_reason, what)
    if reason is None:
        _require_subject_teacher(klass, actor, cmd.subject_id)
    require_mark_allowed(
        school, cmd.subject_id, klass.grade, cmd.value, also=SPECIAL_VALUES, what="period mark"
    )
    if not _member_during(klass, cmd.pupil_id, *span):
        msg = f"pupil '{cmd.pupil_id}' is not in class '{klass.class_id}' in '{cmd.period_id}'"
        raise errors.PupilNotInClass(msg)
    computed = compute(inputs, school)
    rules = school.grading
    event = PeriodMarkSet(
        pupil_id=cmd.pupil_id,
        subject_id=cmd.subject_id,
        period_id=cmd.period_id,
        value=cmd.value,
        average=computed.average,
        suggested=computed.suggested,
        inputs=inputs,
        rules_version=rules.version,
        rounding=rules.rounding,
        min_marks=rules.min_marks,
        correction_reason=reason,
    )
    previous = state.marks.get((cmd.pupil_id, cmd.period_id))
    if previous is not None and _essence(previous) == _essence(event):
        msg = f"{what} is already '{cmd.value}' on the same marks and rules"
        raise errors.NothingToChange(msg)
    return [event]


def evolve(state: PeriodMarks, event: Event) -> PeriodMarks:
    """The period marks after one event; other events leave them alone."""
    match event:
        case PeriodMarkSet(pupil_id=pupil_id, period_id=period_id):
            return replace(state, marks={**state.marks, (pupil_id, period_id): event})
        case _:
            return state


def _check_target(
    cmd: SetPeriodMark, school: SchoolConfig, klass: ClassState
) -> tuple[dt.date, dt.date]:
    if not school.opened:
        msg = "period marks need an opened school year"
        raise errors.SchoolYearNotOpen(msg)
    if not klass.opened:
        msg = "period marks need an opened class"
        raise errors.ClassNotFound(msg)
    if cmd.subject_id not in school.subjects:
        msg = f"subject '{cmd.subject_id}' is not defined by the school"
        raise errors.UnknownSubject(msg)
    known = closing.period_ids(school, klass.grade)
    span = closing.span_of(school, cmd.period_id)
    if span is None or cmd.period_id not in known:
        msg = (
            f"there is no period '{cmd.period_id}' for grade {klass.grade} in the school year "
            f"({', '.join(known)})"
        )
        raise errors.PeriodNotFound(msg)
    return span


def _require_subject_teacher(klass: ClassState, actor: Actor, subject_id: str) -> None:
    teaches = any(t == actor.id and s == subject_id for t, s, _group in klass.assignments)
    if actor.role != "teacher" or not teaches:
        msg = (
            f"period marks in '{subject_id}' are set by its teacher in class '{klass.class_id}' "
            f"(the administration only corrects a closed period); '{actor.id}' ({actor.role}) "
            "may not"
        )
        raise errors.NotSubjectTeacher(msg)


def _member_during(klass: ClassState, pupil_id: str, start: dt.date, end: dt.date) -> bool:
    return any(
        since <= end and (last_day is None or last_day >= start)
        for since, last_day in klass.memberships.get(pupil_id, ())
    )


def _essence(event: PeriodMarkSet) -> tuple[object, ...]:
    """What makes two settings the same (the correction reason aside)."""
    return (event.value, event.average, event.suggested, event.inputs, event.rules_version)
