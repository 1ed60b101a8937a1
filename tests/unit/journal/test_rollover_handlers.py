"""The rollover through the handlers on the in-memory store, with the small test school."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from contracts import subjects
from services.journal.application import period_marks, rollover, rollover_pupils, roster
from services.journal.application.handling import fold_of
from services.journal.application.read_models import RosterIds
from services.journal.application.rollover_roster import outcome_state
from services.journal.domain import commands as c
from services.journal.domain.errors import (
    ClassNotFound,
    DebtNotOpen,
    NoOutcome,
    RoleNotAllowed,
    YearClosed,
)
from services.journal.domain.klass import enrolled_on
from services.journal.domain.rollover import Decision, RolloverRefused
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    RUSSIAN_TEACHER,
    SCHOOL,
    YEAR,
    in_memory_deps,
    meta,
    seed_small_school,
)

NEXT = YEAR + 1
NEXT_START = dt.date(NEXT, 9, 1)
EVERYONE = (*PUPILS, NEWCOMER)


class RosterViews:
    """The view's roster ids of the small school (the rollover reads the rest from the store)."""

    async def roster_ids(self, school: str, year: int) -> RosterIds:
        if (school, year) != (SCHOOL, YEAR):
            return RosterIds(classes=[], staff=[])
        return RosterIds(classes=[CLASS_ID], staff=[MATH_TEACHER.id, RUSSIAN_TEACHER.id])


@pytest.fixture
async def deps():
    deps = replace(in_memory_deps(), views=RosterViews())
    await seed_small_school(deps)
    return deps


async def class_state(deps, year: int, class_id: str):
    return roster.CLASS.fold(await deps.store.load(subjects.school_class(year, SCHOOL, class_id)))


async def run(deps, decisions=None, **kwargs):
    return await rollover.run_rollover(deps, meta(ADMIN), decisions or {}, final_grade=11, **kwargs)


async def test_a_dry_run_answers_the_plan_and_records_nothing(deps):
    before = len(deps.store.events)
    result = await run(deps, dry_run=True)
    assert len(deps.store.events) == before
    assert (result.closed, result.tally.steps) == (False, 0)
    assert [k.class_id for k in result.plan.classes] == ["6a"]
    assert {m.pupil_id for m in result.plan.moves} == set(EVERYONE)


async def test_the_rollover_moves_everyone_and_seals_the_year_last(deps):
    result = await run(deps)
    assert result.closed
    assert not result.tally.failures
    six = await class_state(deps, NEXT, "6a")
    assert (six.grade, six.label, six.class_teacher_id) == (6, "6А", RUSSIAN_TEACHER.id)
    assert enrolled_on(six, NEXT_START) == set(EVERYONE)
    assert (MATH_TEACHER.id, "math", None) in six.assignments
    assert deps.store.events[-1].envelope.event_type == "journal.SchoolYearClosed"
    pupil = await fold_of(deps, roster.PUPIL, subjects.pupil(NEXT, SCHOOL, PUPILS[0]))
    assert pupil.registered
    state = await outcome_state(deps, SCHOOL, YEAR, PUPILS[0])
    assert (state.current.outcome, state.current.to_class_id) == ("promoted", "6a")


async def test_running_the_rollover_again_records_nothing(deps):
    first = await run(deps)
    count = len(deps.store.events)
    again = await run(deps)
    assert len(deps.store.events) == count
    assert again.tally.recorded == 0
    assert again.tally.duplicates == first.tally.recorded
    assert again.closed


async def test_a_sealed_year_refuses_roster_changes(deps):
    await run(deps)
    with pytest.raises(YearClosed):
        await roster.run_class(
            deps, meta(ADMIN), CLASS_ID, c.AddPupilToClass("p77", dt.date(2026, 10, 1))
        )


async def test_a_changed_decision_after_the_rollover_is_reported_not_applied(deps):
    await run(deps)
    count = len(deps.store.events)
    again = await run(deps, {PUPILS[0]: Decision("repeating")})
    assert len(deps.store.events) == count
    assert [step for step, _ in again.tally.differs] == [
        next(s for s, _ in again.tally.differs if PUPILS[0] in s)
    ]
    assert "undo it first" in again.tally.differs[0][1]


async def test_undo_withdraws_the_pupil_and_a_new_outcome_moves_them_again(deps):
    await run(deps)
    pupil = PUPILS[1]
    undone = await rollover_pupils.undo_outcome(deps, meta(ADMIN), pupil, "ошибка перевода")
    assert [r.event_type for r in undone] == [
        "journal.PupilOutcomeUndone",
        "journal.PupilLeftClass",
    ]
    six = await class_state(deps, NEXT, "6a")
    assert pupil not in enrolled_on(six, NEXT_START)  # withdrawn before the year began
    with pytest.raises(NoOutcome):
        await rollover_pupils.undo_outcome(deps, meta(ADMIN), pupil, "ещё раз")
    new = rollover_pupils.NewOutcome("promoted_conditionally", ("math",))
    redone = await rollover_pupils.record_outcome(deps, meta(ADMIN), pupil, new)
    assert [r.event_type for r in redone][-2:] == [
        "journal.PupilOutcomeRecorded",
        "journal.PupilJoinedClass",
    ]
    six = await class_state(deps, NEXT, "6a")
    assert pupil in enrolled_on(six, NEXT_START)
    status = await rollover_pupils.status(deps, SCHOOL, YEAR)
    mine = next(p for p in status.pupils if p.pupil_id == pupil)
    assert (mine.state.current.outcome, mine.open_debts, mine.state.undone) == (
        "promoted_conditionally",
        ("math",),
        1,
    )
    assert status.closed_into == NEXT


async def test_a_retried_undo_records_each_step_once(deps):
    await run(deps)
    cmd_meta = meta(ADMIN, "undo-once")
    await rollover_pupils.undo_outcome(deps, cmd_meta, PUPILS[2], "ошибка")
    count = len(deps.store.events)
    again = await rollover_pupils.undo_outcome(deps, cmd_meta, PUPILS[2], "ошибка")
    assert all(r.duplicate for r in again)
    assert len(again) == 2
    assert len(deps.store.events) == count


async def test_repeating_needs_the_class_of_the_same_grade_next_year(deps):
    await run(deps)
    await rollover_pupils.undo_outcome(deps, meta(ADMIN), PUPILS[3], "ошибка")
    count = len(deps.store.events)
    with pytest.raises(ClassNotFound):
        await rollover_pupils.record_outcome(
            deps, meta(ADMIN), PUPILS[3], rollover_pupils.NewOutcome("repeating")
        )
    assert len(deps.store.events) == count  # refused before anything was recorded


async def test_debts_are_tracked_until_cleared(deps):
    decisions = {PUPILS[4]: Decision("promoted_conditionally", ("math", "russian"))}
    await run(deps, decisions)
    await rollover_pupils.clear_debt(deps, meta(ADMIN), PUPILS[4], "math", dt.date(2027, 6, 20))
    state = await outcome_state(deps, SCHOOL, YEAR, PUPILS[4])
    assert rollover_pupils.open_debts(state) == ("russian",)
    with pytest.raises(DebtNotOpen):
        await rollover_pupils.clear_debt(deps, meta(ADMIN), PUPILS[4], "math", None)


async def test_impossible_decisions_record_nothing(deps):
    count = len(deps.store.events)
    with pytest.raises(RolloverRefused):
        await run(deps, {PUPILS[0]: Decision("promoted_conditionally")})
    assert len(deps.store.events) == count


async def test_only_the_administrator_rolls_the_year_over(deps):
    count = len(deps.store.events)
    with pytest.raises(RoleNotAllowed):
        await rollover.run_rollover(deps, meta(MATH_TEACHER), {}, final_grade=11)
    assert len(deps.store.events) == count


async def test_the_next_year_copies_the_configuration_and_grading_rules(deps):
    await period_marks.run_closing(deps, meta(ADMIN), c.SetGradingRules("half_even", 2))
    await run(deps)
    config = roster.SCHOOL.fold(await deps.store.load(subjects.school_config(NEXT, SCHOOL)))
    closing = roster.SCHOOL.fold(await deps.store.load(subjects.school_config(YEAR, SCHOOL)))
    assert (config.starts_on, config.ends_on) == (NEXT_START, dt.date(NEXT + 1, 5, 31))
    assert [p.period_id for p in config.plan.periods] == [p.period_id for p in closing.plan.periods]
    assert (config.scale, config.subjects, config.work_kinds) == (
        closing.scale,
        closing.subjects,
        closing.work_kinds,
    )
    assert (config.grading.rounding, config.grading.min_marks) == ("half_even", 2)
    assert not config.sealed
    assert closing.sealed
