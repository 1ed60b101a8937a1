"""The pupil's year-end on the closing year's pupil aggregate, the sealing of the year, and the
withdrawal of a move into a class (the undo's compensating change)."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest

from contracts.envelope import Actor
from contracts.journal import (
    ClassOpened,
    PupilJoinedClass,
    PupilRegistered,
    SchoolYearOpened,
)
from services.journal.domain import commands as c
from services.journal.domain import errors, klass, rollover_outcome, school
from services.journal.domain.rollover_outcome import decide, decide_close, evolve, open_debts

ADMIN = Actor(id="adm1", role="admin")
TEACHER = Actor(id="t1", role="teacher")
REGISTERED = evolve(
    rollover_outcome.INITIAL,
    PupilRegistered(pupil_id="p1", full_name="Ученик", birth_date=dt.date(2015, 3, 1)),
)
PROMOTED = c.RecordPupilOutcome("p1", "promoted", "6a")


def given(*commands: c.OutcomeCommand):
    state = REGISTERED
    for cmd in commands:
        state = reduce(evolve, decide(cmd, state, actor=ADMIN), state)
    return state


def test_an_outcome_is_recorded_once():
    [event] = decide(PROMOTED, REGISTERED, actor=ADMIN)
    assert (event.outcome, event.to_class_id) == ("promoted", "6a")
    with pytest.raises(errors.NothingToChange):
        decide(PROMOTED, given(PROMOTED), actor=ADMIN)
    with pytest.raises(errors.OutcomeAlreadyRecorded, match="undo it first"):
        decide(c.RecordPupilOutcome("p1", "repeating", "5a"), given(PROMOTED), actor=ADMIN)


def test_an_undone_outcome_can_be_recorded_again():
    state = given(PROMOTED, c.UndoPupilOutcome("p1", "ошибка"))
    assert (state.current, state.undone, state.last_undone.to_class_id) == (None, 1, "6a")
    [event] = decide(c.RecordPupilOutcome("p1", "repeating", "5a"), state, actor=ADMIN)
    assert event.outcome == "repeating"
    with pytest.raises(errors.NoOutcome):
        decide(c.UndoPupilOutcome("p1", "ещё"), state, actor=ADMIN)


@pytest.mark.parametrize(
    "cmd",
    [
        c.RecordPupilOutcome("p1", "promoted_conditionally", "6a"),
        c.RecordPupilOutcome("p1", "promoted", "6a", ("math",)),
        c.RecordPupilOutcome("p1", "graduated", "6a"),
        c.RecordPupilOutcome("p1", "repeating", None),
        c.RecordPupilOutcome("p1", "promoted_conditionally", "6a", ("math", "math")),
    ],
)
def test_outcomes_that_do_not_fit_are_refused(cmd):
    with pytest.raises(errors.InvalidOutcome):
        decide(cmd, REGISTERED, actor=ADMIN)


def test_unregistered_pupils_and_other_roles_are_refused():
    with pytest.raises(errors.PupilNotFound):
        decide(PROMOTED, rollover_outcome.INITIAL, actor=ADMIN)
    with pytest.raises(errors.RoleNotAllowed):
        decide(PROMOTED, REGISTERED, actor=TEACHER)


def test_debts_stay_open_until_cleared():
    conditional = c.RecordPupilOutcome("p1", "promoted_conditionally", "6a", ("math", "pe"))
    state = given(conditional, c.ClearAcademicDebt("p1", "math", dt.date(2027, 6, 20)))
    assert open_debts(state) == ("pe",)
    with pytest.raises(errors.DebtNotOpen):
        decide(c.ClearAcademicDebt("p1", "math", dt.date(2027, 6, 21)), state, actor=ADMIN)


OPEN_YEAR = SchoolYearOpened(
    school_name="Школа",
    starts_on=dt.date(2027, 9, 1),
    ends_on=dt.date(2028, 5, 31),
    periods=(
        {
            "period_id": "q1",
            "name": "1",
            "starts_on": dt.date(2027, 9, 1),
            "ends_on": dt.date(2027, 10, 26),
        },
    ),
)
CONFIG = school.evolve(school.INITIAL, OPEN_YEAR)


def test_closing_seals_the_year_once():
    [closed] = decide_close(c.CloseSchoolYear(2028), CONFIG, actor=ADMIN)
    sealed = school.evolve(CONFIG, closed)
    assert sealed.sealed
    with pytest.raises(errors.YearClosed):
        decide_close(c.CloseSchoolYear(2028), sealed, actor=ADMIN)
    with pytest.raises(errors.SchoolYearNotOpen):
        decide_close(c.CloseSchoolYear(2028), school.INITIAL, actor=ADMIN)


def test_a_move_is_withdrawn_before_it_began_and_only_when_asked():
    opened = ClassOpened(class_id="6a", grade=6, label="6А", class_teacher_id="t1")
    joined = PupilJoinedClass(pupil_id="p1", since=dt.date(2027, 9, 1))
    state = reduce(klass.evolve, [opened, joined], klass.INITIAL)
    day_before = dt.date(2027, 8, 31)
    with pytest.raises(errors.DateOutsideSchoolYear):
        klass.decide(
            c.RemovePupilFromClass("p1", day_before, "ошибка"), state, actor=ADMIN, school=CONFIG
        )
    withdraw = c.RemovePupilFromClass("p1", day_before, "ошибка", withdraw=True)
    [left] = klass.decide(withdraw, state, actor=ADMIN, school=CONFIG)
    after = klass.evolve(state, left)
    assert "p1" not in klass.enrolled_on(after, dt.date(2027, 9, 1))
