"""Grading rules, closing and reopening periods, and the closed-period rule on lesson edits:
refused with a clear reason, unless a correction with a reason by the administrator or deputy."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.journal import (
    AbsenceEntry,
    AttendanceTaken,
    GradingRulesSet,
    LessonEntriesSaved,
    MarkRecorded,
    PeriodClosed,
    PeriodReopened,
    SchoolYearClosed,
    TimetableSet,
    TimetableSlot,
    TopicSet,
)
from services.journal.domain import closing, klass, lesson, lesson_decider, school
from services.journal.domain import commands as c
from services.journal.domain.errors import (
    CorrectionNotAllowed,
    CorrectionNotNeeded,
    InvalidGradingRules,
    NothingToChange,
    NotLessonTeacher,
    PeriodAlreadyClosed,
    PeriodNotClosed,
    PeriodNotFound,
    ReasonRequired,
    RoleNotAllowed,
    SchoolYearNotOpen,
    YearClosed,
)
from services.journal.domain.errors import PeriodClosed as PeriodClosedError
from tests.support.journal_givens import (
    ADMIN,
    CLASS,
    DEPUTY,
    MONDAY,
    SCHEDULED,
    SCHOOL,
    TEACHER,
    TODAY,
    new_mark,
    recorded,
)
from tests.support.journal_givens import lesson_after as lesson_given

CLOSED = school.evolve(SCHOOL, PeriodClosed(period_id="q1"))
SEALED = school.evolve(SCHOOL, SchoolYearClosed(next_year=2027))
REASON = "ошибка в журнале, служебная записка № 7"


def decide_closing(cmd, state=SCHOOL, actor=ADMIN):
    return closing.decide(cmd, state, actor=actor)


def edit(cmd, *history, actor=TEACHER, config=CLOSED):
    state = lesson_given(SCHEDULED, *history)
    return lesson_decider.decide(cmd, state, actor=actor, today=TODAY, school=config, klass=CLASS)


# ---------------------------------------------------------------- grading rules


def test_the_first_grading_rules_are_version_one_after_the_defaults():
    assert SCHOOL.grading == school.GradingRules(version=0, rounding="half_up", min_marks=3)
    (event,) = decide_closing(c.SetGradingRules("half_even", 2))
    assert event == GradingRulesSet(version=1, rounding="half_even", min_marks=2)
    later = school.evolve(SCHOOL, event)
    (again,) = decide_closing(c.SetGradingRules("down", 2), later)
    assert again.version == 2


def test_grading_rules_that_change_nothing_are_refused():
    with pytest.raises(NothingToChange):
        decide_closing(c.SetGradingRules("half_up", 3))


def test_grading_rules_are_for_the_administrator_of_an_open_year():
    with pytest.raises(RoleNotAllowed):
        decide_closing(c.SetGradingRules("down", 2), actor=TEACHER)
    with pytest.raises(SchoolYearNotOpen):
        decide_closing(c.SetGradingRules("down", 2), school.INITIAL)
    with pytest.raises(YearClosed):
        decide_closing(c.SetGradingRules("down", 2), SEALED)


@pytest.mark.parametrize(("rounding", "minimum"), [("banker", 3), ("half_up", -1), ("up", 51)])
def test_unusable_grading_rules_are_refused(rounding, minimum):
    with pytest.raises(InvalidGradingRules):
        decide_closing(c.SetGradingRules(rounding, minimum))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["half_up", "half_even", "down", "up"]), st.integers(0, 50)),
        max_size=12,
    )
)
def test_the_rules_version_only_grows_by_one(rules):
    state, versions = SCHOOL, [0]
    for rounding, minimum in rules:
        try:
            (event,) = decide_closing(c.SetGradingRules(rounding, minimum), state)
        except NothingToChange:
            continue
        state = school.evolve(state, event)
        versions.append(state.grading.version)
        assert (state.grading.rounding, state.grading.min_marks) == (rounding, minimum)
    assert versions == list(range(len(versions)))


# ---------------------------------------------------------------- closing and reopening


def test_the_administrator_closes_and_reopens_a_period():
    (closed,) = decide_closing(c.ClosePeriod("q1"))
    assert closed == PeriodClosed(period_id="q1")
    state = school.evolve(SCHOOL, closed)
    assert state.closed_periods == {"q1"}
    (reopened,) = decide_closing(c.ReopenPeriod("q1", "закрыли по ошибке"), state)
    assert reopened == PeriodReopened(period_id="q1", reason="закрыли по ошибке")
    assert school.evolve(state, reopened).closed_periods == frozenset()


def test_year_exam_and_final_close_like_terms():
    for period in ("year", "exam", "final"):
        assert decide_closing(c.ClosePeriod(period)) == [PeriodClosed(period_id=period)]


def test_closing_refuses_unknown_closed_and_open_periods():
    with pytest.raises(PeriodNotFound, match="q7"):
        decide_closing(c.ClosePeriod("q7"))
    with pytest.raises(PeriodAlreadyClosed):
        decide_closing(c.ClosePeriod("q1"), CLOSED)
    with pytest.raises(PeriodNotClosed):
        decide_closing(c.ReopenPeriod("q1", "просто так"))
    with pytest.raises(ReasonRequired):
        decide_closing(c.ReopenPeriod("q1", "  "), CLOSED)


def test_only_the_administrator_closes_and_a_sealed_year_stays_closed():
    with pytest.raises(RoleNotAllowed):
        decide_closing(c.ClosePeriod("q1"), actor=DEPUTY)
    with pytest.raises(YearClosed):
        decide_closing(c.ClosePeriod("q1"), SEALED)
    with pytest.raises(YearClosed):
        decide_closing(
            c.ReopenPeriod("q1", "ошибка"), school.evolve(CLOSED, SchoolYearClosed(next_year=2027))
        )


def test_an_unknown_closing_command_fails_loudly():
    with pytest.raises(TypeError):
        decide_closing(object())


# ---------------------------------------------------------------- edits of a closed period


def test_a_teachers_edit_of_a_closed_period_is_refused_with_the_period():
    with pytest.raises(PeriodClosedError, match="period 'q1' is closed"):
        edit(c.SetTopic("Дроби"))
    with pytest.raises(PeriodClosedError):
        edit(c.RecordMark(new_mark()))


def test_a_teacher_may_not_correct_a_closed_period():
    with pytest.raises(CorrectionNotAllowed):
        edit(c.SetTopic("Дроби", correction_reason=REASON))


@pytest.mark.parametrize("actor", [ADMIN, DEPUTY])
def test_the_administration_corrects_a_closed_period_and_the_event_says_so(actor):
    (topic,) = edit(c.SetTopic("Дроби", correction_reason=REASON), actor=actor)
    assert topic == TopicSet(topic="Дроби", correction_reason=REASON)
    (mark,) = edit(c.RecordMark(new_mark(), correction_reason=REASON), actor=actor)
    assert isinstance(mark, MarkRecorded)
    assert mark.correction_reason == REASON
    assert mark.mark.pupil_id == "p01"


def test_every_kind_of_edit_is_a_correction_in_a_closed_period():
    history = (recorded(), AttendanceTaken(absences=(AbsenceEntry(pupil_id="p02", kind="absent"),)))
    commands = [
        c.MarkLessonHeld(correction_reason=REASON),
        c.SetHomework("№ 5", None, correction_reason=REASON),
        c.CorrectMark("m1", "4", "classwork", "описка", None, True, correction_reason=REASON),
        c.CancelMark("m1", "не тот ученик", correction_reason=REASON),
        c.TakeAttendance((), correction_reason=REASON),
        c.SetAbsenceReason("p02", "illness", None, correction_reason=REASON),
        c.SaveLessonEntries(topic="Дроби", marks=(new_mark("m2"),), correction_reason=REASON),
    ]
    for cmd in commands:
        with pytest.raises(PeriodClosedError):
            edit(replace(cmd, correction_reason=None), *history)
        (event,) = edit(cmd, *history, actor=DEPUTY)
        assert event.correction_reason == REASON, cmd


def test_a_whole_page_correction_carries_the_reason_once():
    cmd = c.SaveLessonEntries(held=True, topic="Дроби", correction_reason=REASON)
    (event,) = edit(cmd, actor=ADMIN)
    assert event == LessonEntriesSaved(held=True, topic="Дроби", correction_reason=REASON)


def test_a_correction_of_an_open_period_is_refused_and_the_administration_does_not_edit_it():
    with pytest.raises(CorrectionNotNeeded):
        edit(c.SetTopic("Дроби", correction_reason=REASON), actor=ADMIN, config=SCHOOL)
    with pytest.raises(NotLessonTeacher):
        edit(c.SetTopic("Дроби"), actor=ADMIN, config=SCHOOL)
    assert edit(c.SetTopic("Дроби"), config=SCHOOL) == [TopicSet(topic="Дроби")]


def test_a_correction_needs_a_real_reason():
    with pytest.raises(ReasonRequired):
        edit(c.SetTopic("Дроби", correction_reason="  "), actor=ADMIN)


def test_a_sealed_year_refuses_edits_with_its_own_reason_and_takes_corrections():
    with pytest.raises(YearClosed, match="school year is closed"):
        edit(c.SetTopic("Дроби"), config=SEALED)
    (event,) = edit(c.SetTopic("Дроби", correction_reason=REASON), actor=DEPUTY, config=SEALED)
    assert event.correction_reason == REASON


def test_a_reopened_period_takes_ordinary_edits_again():
    reopened = school.evolve(CLOSED, PeriodReopened(period_id="q1", reason="ошибка"))
    assert edit(c.SetTopic("Дроби"), config=reopened) == [TopicSet(topic="Дроби")]


def test_scheduling_and_substitution_stop_in_a_closed_period():
    schedule = c.ScheduleLesson("5a-20260909-2", "5a", "math", dt.date(2026, 9, 9), 2, "t-math")
    with pytest.raises(PeriodClosedError):
        lesson_decider.decide(
            schedule, lesson.INITIAL, actor=ADMIN, today=TODAY, school=CLOSED, klass=CLASS
        )
    with pytest.raises(PeriodClosedError):
        edit(c.SubstituteTeacher("t-other", "болезнь"), actor=DEPUTY)


def test_the_timetable_plans_no_lessons_in_a_closed_period():
    slot = TimetableSlot(weekday=1, slot=1, subject_id="math", teacher_id="t-math")
    state = klass.evolve(CLASS, TimetableSet(effective_from=MONDAY, slots=(slot,)))
    week = (MONDAY, MONDAY + dt.timedelta(days=6))
    assert klass.lessons_from_timetable(state, SCHOOL, "5a", *week)
    assert klass.lessons_from_timetable(state, CLOSED, "5a", *week) == []


def test_closing_rebuilds_from_events_in_any_number():
    events = [
        PeriodClosed(period_id="q1"),
        PeriodReopened(period_id="q1", reason="ошибка"),
        PeriodClosed(period_id="q1"),
        GradingRulesSet(version=1, rounding="down", min_marks=2),
    ]
    state = reduce(school.evolve, events, SCHOOL)
    assert state.closed_periods == {"q1"}
    assert state.grading.version == 1
    assert closing.lesson_lock(state, MONDAY, 5) == closing.Lock("period", "q1")
    assert closing.lesson_lock(SCHOOL, MONDAY, 5) is None
