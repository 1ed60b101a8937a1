"""The handlers of grading rules, closing and period marks, on the in-memory store: the average
is computed from what the view answers, and the event carries it with the rules' version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from contracts import subjects
from contracts.journal import PeriodMarkInput
from services.journal.application import period_marks
from services.journal.application.handling import decode_all
from services.journal.domain import commands as c
from services.journal.domain.errors import PeriodClosed, PeriodNotFound
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
    MATH_TEACHER,
    PUPILS,
    SCHOOL,
    YEAR,
    NoViews,
    in_memory_deps,
    meta,
    seed_small_school,
)

INPUTS = tuple(
    PeriodMarkInput(
        mark_id=f"m{n}",
        lesson_id=f"5a-2026090{n}-1",
        date=dt.date(2026, 9, n),
        value=value,
        weight=Decimal(1),
    )
    for n, value in enumerate(("3", "4", "4"), start=1)
)


class FakeViews(NoViews):
    """Answers the pupils' marks in a period; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple] = []

    async def period_inputs(self, school, year, class_id, subject_id, pupil_id, span):
        self.asked.append((school, year, class_id, subject_id, pupil_id, span))
        return INPUTS


@pytest.fixture
async def deps():
    deps = dataclasses.replace(in_memory_deps(), views=FakeViews())
    await seed_small_school(deps)
    return deps


async def _events(deps):
    history = await deps.store.load(subjects.period_marks(YEAR, SCHOOL, CLASS_ID, "math"))
    return decode_all(history.events)


async def test_a_period_mark_is_decided_on_the_views_marks_of_the_period(deps):
    cmd = c.SetPeriodMark(PUPILS[0], "math", "q1", "5")
    recorded = await period_marks.set_period_mark(deps, meta(MATH_TEACHER), CLASS_ID, cmd)
    assert recorded.event_type == "journal.PeriodMarkSet"
    (event,) = await _events(deps)
    assert (event.value, event.average, event.suggested) == ("5", Decimal("3.67"), "4")
    assert event.inputs == INPUTS
    span = (dt.date(2026, 9, 1), dt.date(2026, 10, 26))
    assert deps.views.asked == [(SCHOOL, YEAR, CLASS_ID, "math", PUPILS[0], span)]


async def test_year_marks_read_the_whole_year_and_rules_versions_are_recorded(deps):
    rules = c.SetGradingRules("down", 2)
    recorded = await period_marks.run_closing(deps, meta(ADMIN), rules)
    assert recorded.event_type == "journal.GradingRulesSet"
    cmd = c.SetPeriodMark(PUPILS[0], "math", "year", "4")
    await period_marks.set_period_mark(deps, meta(MATH_TEACHER), CLASS_ID, cmd)
    (event,) = await _events(deps)
    assert (event.rules_version, event.rounding, event.suggested) == (1, "down", "3")
    assert deps.views.asked[0][-1] == (dt.date(2026, 9, 1), dt.date(2027, 5, 31))


async def test_a_retried_request_records_once(deps):
    cmd = c.SetPeriodMark(PUPILS[0], "math", "q1", "4")
    first = await period_marks.set_period_mark(deps, meta(MATH_TEACHER, "same"), CLASS_ID, cmd)
    again = await period_marks.set_period_mark(deps, meta(MATH_TEACHER, "same"), CLASS_ID, cmd)
    assert (again.seq, again.duplicate) == (first.seq, True)


async def test_after_closing_only_a_correction_changes_a_period_mark(deps):
    await period_marks.run_closing(deps, meta(ADMIN), c.ClosePeriod("q1"))
    cmd = c.SetPeriodMark(PUPILS[0], "math", "q1", "4")
    with pytest.raises(PeriodClosed):
        await period_marks.set_period_mark(deps, meta(MATH_TEACHER), CLASS_ID, cmd)
    correction = c.SetPeriodMark(PUPILS[0], "math", "q1", "4", "решение педсовета")
    await period_marks.set_period_mark(deps, meta(DEPUTY), CLASS_ID, correction)
    (event,) = await _events(deps)
    assert event.correction_reason == "решение педсовета"


async def test_an_unknown_period_is_refused_without_asking_the_view(deps):
    cmd = c.SetPeriodMark(PUPILS[0], "math", "q9", "4")
    with pytest.raises(PeriodNotFound):
        await period_marks.set_period_mark(deps, meta(MATH_TEACHER), CLASS_ID, cmd)
    assert deps.views.asked == []
