"""Period marks: the teacher's mark kept beside the computed average, its inputs and the rules'
version; validation of the value, the period, the pupil and the teacher; closed periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.journal import (
    GradingRulesSet,
    PeriodClosed,
    PeriodMarkInput,
    PeriodMarkSet,
    SchoolYearClosed,
    SubjectDefined,
)
from services.journal.domain import commands as c
from services.journal.domain import period_marks, school
from services.journal.domain.errors import (
    CorrectionNotAllowed,
    MarkNotOnScale,
    NothingToChange,
    NotSubjectTeacher,
    PeriodNotFound,
    PupilNotInClass,
    UnknownSubject,
    YearClosed,
)
from services.journal.domain.errors import PeriodClosed as PeriodClosedError
from tests.support.journal_givens import (
    ADMIN,
    CLASS,
    DEPUTY,
    MONDAY,
    OTHER_TEACHER,
    SCHOOL,
    TEACHER,
)

REASON = "решение педсовета № 3"


def mark(value: str, weight: str = "1", n: int = 1, *, counts: bool = True) -> PeriodMarkInput:
    return PeriodMarkInput(
        mark_id=f"m{n}",
        lesson_id=f"l{n}",
        date=MONDAY + dt.timedelta(days=n),
        value=value,
        weight=Decimal(weight),
        counts=counts,
    )


FOURS_AND_FIVES = (mark("4", n=1), mark("5", n=2), mark("4", "2", n=3))  # (4+5+8)/4 = 4.25


def decide(cmd, *history, actor=TEACHER, config=SCHOOL, inputs=FOURS_AND_FIVES):
    state = reduce(period_marks.evolve, history, period_marks.INITIAL)
    return period_marks.decide(cmd, state, actor=actor, school=config, klass=CLASS, inputs=inputs)


def set_mark(value: str, period: str = "q1", pupil: str = "p01", reason: str | None = None):
    return c.SetPeriodMark(pupil, "math", period, value, reason)


def test_a_mark_other_than_the_suggestion_keeps_both_with_the_inputs():
    (event,) = decide(set_mark("5"))
    assert event == PeriodMarkSet(
        pupil_id="p01",
        subject_id="math",
        period_id="q1",
        value="5",
        average=Decimal("4.25"),
        suggested="4",
        inputs=FOURS_AND_FIVES,
        rules_version=0,
        rounding="half_up",
        min_marks=3,
    )


def test_the_suggestion_follows_the_current_rules():
    rules = GradingRulesSet(version=1, rounding="up", min_marks=2)
    (event,) = decide(set_mark("5"), config=school.evolve(SCHOOL, rules))
    assert (event.suggested, event.rules_version, event.rounding, event.min_marks) == (
        "5",
        1,
        "up",
        2,
    )


def test_too_few_marks_give_an_average_without_a_suggestion():
    (event,) = decide(set_mark("н/а"), inputs=FOURS_AND_FIVES[:2])
    assert event.average == Decimal("4.50")
    assert event.suggested is None


def test_marks_that_do_not_count_or_have_no_number_stay_out_of_the_average():
    inputs = (*FOURS_AND_FIVES, mark("2", n=4, counts=False), mark("н/а", n=5))
    (event,) = decide(set_mark("4"), inputs=inputs)
    assert event.average == Decimal("4.25")
    assert event.inputs == inputs


@pytest.mark.parametrize("value", ["н/а", "осв", "3"])
def test_not_assessed_exempt_and_scale_values_are_accepted(value):
    (event,) = decide(set_mark(value), inputs=())
    assert (event.value, event.average, event.suggested) == (value, None, None)


def test_a_value_off_the_scale_is_refused():
    with pytest.raises(MarkNotOnScale):
        decide(set_mark("6"))


@pytest.mark.parametrize("period", ["year", "exam", "final"])
def test_year_exam_and_final_marks_are_periods_too(period):
    (event,) = decide(set_mark("4", period))
    assert event.period_id == period


def test_unknown_period_subject_and_pupil_are_refused():
    with pytest.raises(PeriodNotFound):
        decide(set_mark("4", "q9"))
    with pytest.raises(UnknownSubject):
        decide(c.SetPeriodMark("p01", "chem", "q1", "4"))
    with pytest.raises(PupilNotInClass):
        decide(set_mark("4", pupil="p77"))


def test_only_a_teacher_of_the_subject_in_the_class_sets_it():
    with_art = school.evolve(SCHOOL, SubjectDefined(subject_id="art", name="ИЗО"))
    with pytest.raises(NotSubjectTeacher):
        decide(set_mark("4"), actor=OTHER_TEACHER)
    with pytest.raises(NotSubjectTeacher):
        decide(c.SetPeriodMark("p01", "art", "q1", "4"), config=with_art)
    for actor in (ADMIN, DEPUTY):
        with pytest.raises(NotSubjectTeacher):
            decide(set_mark("4"), actor=actor)


def test_setting_the_same_mark_on_the_same_marks_changes_nothing():
    (first,) = decide(set_mark("5"))
    with pytest.raises(NothingToChange):
        decide(set_mark("5"), first)
    (changed,) = decide(set_mark("4"), first)
    assert changed.value == "4"


def test_a_closed_period_refuses_the_teacher_and_takes_a_correction():
    closed = school.evolve(SCHOOL, PeriodClosed(period_id="q1"))
    with pytest.raises(PeriodClosedError, match="period 'q1' is closed"):
        decide(set_mark("5"), config=closed)
    with pytest.raises(CorrectionNotAllowed):
        decide(set_mark("5", reason=REASON), config=closed)
    (event,) = decide(set_mark("5", reason=REASON), actor=DEPUTY, config=closed)
    assert event.correction_reason == REASON
    assert decide(set_mark("5", "year"), config=closed)[0].period_id == "year"


def test_a_sealed_year_closes_every_period_mark():
    sealed = school.evolve(SCHOOL, SchoolYearClosed(next_year=2027))
    with pytest.raises(YearClosed):
        decide(set_mark("5", "final"), config=sealed)
    (event,) = decide(set_mark("5", "final", reason=REASON), actor=ADMIN, config=sealed)
    assert event.correction_reason == REASON


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["half_up", "half_even", "down", "up"]), st.integers(0, 5)),
        min_size=1,
        max_size=6,
    )
)
def test_a_set_marks_recorded_rules_never_change_after_new_rules(rules):
    (event,) = decide(set_mark("5"))
    marks = period_marks.evolve(period_marks.INITIAL, event)
    config = SCHOOL
    for version, (rounding, minimum) in enumerate(rules, start=1):
        new_rules = GradingRulesSet(version=version, rounding=rounding, min_marks=minimum)
        config = school.evolve(config, new_rules)
        marks = period_marks.evolve(marks, new_rules)  # not its event: it changes nothing
        kept = marks.marks["p01", "q1"]
        assert (kept.rules_version, kept.rounding, kept.min_marks) == (0, "half_up", 3)
        assert kept.suggested == "4"
    (later,) = decide(set_mark("4", pupil="p02"), config=config)
    assert later.rules_version == len(rules)
