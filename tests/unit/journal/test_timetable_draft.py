"""A timetable proposed for a class (the rollover's carry-over): checked as a set one is, set as
it stands when the administrator confirms it, and replaced by any timetable set meanwhile."""

from __future__ import annotations

import pytest

from contracts.journal import TimetableDrafted, TimetableSet, TimetableSlot
from services.journal.domain import commands as c
from services.journal.domain import klass
from services.journal.domain.errors import NothingToChange, NoTimetableDraft, TeacherNotAssigned
from tests.support.journal_givens import ADMIN, CLASS, SCHOOL, START

MATH = TimetableSlot(weekday=1, slot=1, subject_id="math", teacher_id="t-math")
DRAFT = c.DraftTimetable(START, (MATH,), "4a")


def decide(cmd: c.ClassCommand, state: klass.ClassState = CLASS) -> list:
    return klass.decide(cmd, state, actor=ADMIN, school=SCHOOL)


def test_a_proposed_timetable_waits_for_confirmation():
    [drafted] = decide(DRAFT)
    assert drafted == TimetableDrafted(effective_from=START, slots=(MATH,), source="4a")
    state = klass.evolve(CLASS, drafted)
    assert state.timetables == CLASS.timetables  # nothing scheduled from it yet
    with pytest.raises(NothingToChange):
        decide(DRAFT, state)
    [confirmed] = decide(c.ConfirmTimetableDraft(), state)
    assert confirmed == TimetableSet(effective_from=START, slots=(MATH,))
    after = klass.evolve(state, confirmed)
    assert (after.draft, klass.timetable_on(after, START)) == (None, (MATH,))


def test_a_proposal_is_checked_as_a_timetable_and_needs_something_to_confirm():
    stranger = TimetableSlot(weekday=2, slot=1, subject_id="math", teacher_id="t-other")
    with pytest.raises(TeacherNotAssigned):
        decide(c.DraftTimetable(START, (stranger,), "4a"))
    with pytest.raises(NoTimetableDraft):
        decide(c.ConfirmTimetableDraft())


def test_a_timetable_set_meanwhile_replaces_the_proposal():
    state = klass.evolve(CLASS, decide(DRAFT)[0])
    [chosen] = decide(c.SetTimetable(START, ()), state)
    assert klass.evolve(state, chosen).draft is None
