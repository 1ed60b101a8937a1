"""The rollover plan: grades shift, labels follow, the final grade graduates, repeaters stay in
their grade, debts are kept; every pupil lands exactly once whatever the roster and decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.journal import Period, TimetableSlot
from services.journal.domain.rollover import (
    Admission,
    ClosingClass,
    ClosingYear,
    Decision,
    Person,
    RolloverRefused,
    next_id,
    next_label,
    plan,
)
from services.journal.domain.rollover_setup import YearSetup, shift_year
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

SETUP = YearSetup(
    school_name="Школа № 1",
    starts_on=dt.date(2026, 9, 1),
    ends_on=dt.date(2027, 5, 31),
    periods=(
        Period(
            period_id="h1",
            name="1 полугодие",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 12, 28),
        ),
        Period(
            period_id="h2",
            name="2 полугодие",
            starts_on=dt.date(2027, 1, 11),
            ends_on=dt.date(2027, 5, 31),
        ),
    ),
    scale_id="five",
    scale=DEFAULT_SCALE,
    work_kinds=DEFAULT_WORK_KINDS,
    subjects={"math": "Математика", "russian": "Русский язык"},
)
LETTERS = (("a", "А"), ("b", "Б"), ("v", "В"))


def klass(grade: int, letter: int, pupils: tuple[str, ...]) -> ClosingClass:
    latin, cyrillic = LETTERS[letter]
    return ClosingClass(
        class_id=f"{grade}{latin}",
        grade=grade,
        label=f"{grade}{cyrillic}",
        class_teacher_id=f"t-{grade}{latin}",
        assignments=((f"t-math-{grade}", "math", None), (f"t-rus-{grade}", "russian", None)),
        pupils=pupils,
    )


def year(*classes: ClosingClass) -> ClosingYear:
    pupils = {p: Person(p, f"Ученик {p}", "2015-03-01") for k in classes for p in k.pupils}
    staff = (Person("t-5a", "Учитель", "учитель"), Person("adm1", "Админ", "администратор"))
    return ClosingYear(2026, SETUP, classes, staff, pupils)


SCHOOL = year(
    klass(4, 0, ("p1", "p2")),
    klass(5, 0, ("p3", "p4", "p5")),
    klass(5, 1, ("p6",)),
    klass(11, 0, ("p7", "p8")),
)


def moves(result) -> dict:
    return {m.pupil_id: m for m in result.moves}


def test_classes_move_up_a_grade_with_their_letter_teacher_and_assignments():
    result = plan(SCHOOL, {})
    classes = {k.class_id: k for k in result.classes}
    assert sorted(classes) == ["5a", "6a", "6b"]
    six = classes["6a"]
    assert (six.grade, six.label, six.class_teacher_id, six.source) == (6, "6А", "t-5a", "5a")
    assert six.assignments == SCHOOL.classes[1].assignments
    assert classes["5a"].source == "4a"


def test_the_final_grade_graduates_and_its_class_closes():
    result = moves(plan(SCHOOL, {}))
    assert (result["p7"].outcome, result["p7"].to_class) == ("graduated", None)
    assert all(k.grade <= 11 for k in plan(SCHOOL, {}).classes)


def test_everyone_else_is_promoted_by_default_into_the_class_theirs_became():
    result = moves(plan(SCHOOL, {}))
    assert (result["p1"].outcome, result["p1"].to_class) == ("promoted", "5a")
    assert (result["p6"].outcome, result["p6"].to_class) == ("promoted", "6b")


def test_a_repeating_pupil_joins_the_class_of_the_same_grade_and_letter():
    result = moves(plan(SCHOOL, {"p3": Decision("repeating")}))
    assert (result["p3"].outcome, result["p3"].to_class) == ("repeating", "5a")  # former 4А


def test_a_class_is_kept_for_repeaters_when_no_class_becomes_it():
    result = plan(SCHOOL, {"p6": Decision("repeating"), "p7": Decision("repeating")})
    classes = {k.class_id: k for k in result.classes}
    assert (classes["5b"].grade, classes["5b"].label, classes["5b"].source) == (5, "5Б", "5b")
    assert classes["11a"].class_teacher_id == "t-11a"
    assert moves(result)["p7"].to_class == "11a"


def test_no_first_grade_is_invented():
    result = plan(year(klass(1, 0, ("p1",)), klass(2, 0, ("p2",))), {})
    assert sorted(k.class_id for k in result.classes) == ["2a", "3a"]


def test_a_conditional_promotion_keeps_its_debts():
    decision = Decision("promoted_conditionally", ("math",))
    move = moves(plan(SCHOOL, {"p4": decision}))["p4"]
    assert (move.outcome, move.to_class, move.debts) == ("promoted_conditionally", "6a", ("math",))


def test_graduates_are_not_registered_in_the_next_year():
    result = plan(SCHOOL, {"p2": Decision("graduated")})
    registered = {p.person_id for p in result.pupils}
    assert registered == {"p1", "p3", "p4", "p5", "p6"}
    assert [s.person_id for s in result.staff] == ["adm1", "t-5a"]


def test_the_next_year_is_the_same_calendar_a_year_later():
    setup = plan(SCHOOL, {}).setup
    assert (setup.starts_on, setup.ends_on) == (dt.date(2027, 9, 1), dt.date(2028, 5, 31))
    assert [p.starts_on for p in setup.periods] == [dt.date(2027, 9, 1), dt.date(2028, 1, 11)]
    assert (setup.scale, setup.subjects) == (SETUP.scale, SETUP.subjects)
    assert shift_year(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_ids_and_labels_without_their_grade():
    assert next_id("10a", 10, 11) == "11a"
    assert next_id("1", 1, 2) == "2"
    assert next_id("10a", 1, 2) == "2-10a"  # "10a" does not start with grade 1
    assert next_label("5А", 5, 6) == "6А"
    assert next_label("Лицей", 5, 6) == "Лицей"


def test_impossible_decisions_are_refused_all_at_once():
    decisions = {
        "p1": Decision("promoted_conditionally"),
        "p3": Decision("promoted", ("math",)),
        "p4": Decision("promoted_conditionally", ("chemistry",)),
        "p7": Decision("promoted"),
        "ghost": Decision("repeating"),
    }
    with pytest.raises(RolloverRefused) as refused:
        plan(SCHOOL, decisions)
    assert len(refused.value.problems) == 5


def test_a_pupil_in_two_classes_at_the_end_is_refused():
    with pytest.raises(RolloverRefused, match="two classes"):
        plan(year(klass(5, 0, ("p1",)), klass(5, 1, ("p1",))), {})


def test_the_final_grade_can_be_the_schools_last():
    result = moves(plan(year(klass(9, 0, ("p1",))), {}, final_grade=9))
    assert result["p1"].outcome == "graduated"


# ---------------------------------------------------------------- properties

OUTCOMES = ("promoted", "promoted_conditionally", "repeating", "graduated")


@st.composite
def rosters(draw):
    layout = draw(
        st.sets(st.tuples(st.integers(1, 11), st.integers(0, 2)), min_size=1, max_size=12)
    )
    classes, number = [], 0
    for grade, letter in sorted(layout):
        size = draw(st.integers(0, 5))
        pupils = tuple(f"p{number + i}" for i in range(size))
        number += size
        classes.append(klass(grade, letter, pupils))
    closing = year(*classes)
    decisions = {}
    for k in classes:
        for pupil in k.pupils:
            outcome = draw(st.sampled_from((None, *OUTCOMES)))
            if outcome is None or (k.grade == 11 and outcome.startswith("promoted")):
                continue
            debts = ("math",) if outcome == "promoted_conditionally" else ()
            decisions[pupil] = Decision(outcome, debts)
    return closing, decisions


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_every_pupil_lands_exactly_once_and_the_counts_add_up(case):
    closing, decisions = case
    result = plan(closing, decisions)
    everyone = [p for k in closing.classes for p in k.pupils]
    assert sorted(m.pupil_id for m in result.moves) == sorted(everyone)
    assert sum(result.outcomes.values()) == len(everyone)
    assert Counter(m.outcome for m in result.moves) == Counter(result.outcomes)
    opened = {k.class_id for k in result.classes}
    for move in result.moves:
        assert (move.to_class is None) == (move.outcome == "graduated")
        assert move.to_class is None or move.to_class in opened
    assert len(opened) == len(result.classes)
    assert all(1 <= k.grade <= 11 for k in result.classes)
    assert {p.person_id for p in result.pupils} == {
        m.pupil_id for m in result.moves if m.to_class is not None
    }
    assert plan(closing, decisions) == result  # the same inputs, the same plan


# ---------------------------------------------------------------- the demo school


def _closing_of(demo) -> ClosingYear:
    """The demo's roster folded through the deciders (lessons left out)."""
    from demo.model import ADMIN  # noqa: PLC0415
    from services.journal.domain import commands as c  # noqa: PLC0415
    from services.journal.domain import klass as k  # noqa: PLC0415
    from services.journal.domain import rollover_source, school, year_plan  # noqa: PLC0415

    config, source, classes = school.INITIAL, rollover_source.INITIAL, {}
    pupils, staff = {}, []
    for step in demo.steps:
        cmd = step.command
        if step.target == "school":
            for event in year_plan.decide_configuration(cmd, config, actor=ADMIN):
                config = school.evolve(config, event)
                source = rollover_source.evolve(source, event)
        elif isinstance(cmd, c.RegisterPupil):
            pupils[cmd.pupil_id] = Person(cmd.pupil_id, cmd.full_name, cmd.birth_date.isoformat())
        elif isinstance(cmd, c.RegisterStaffMember):
            staff.append(Person(cmd.staff_id, cmd.full_name, cmd.position))
        elif step.target == "class":
            state = classes.get(step.class_id, k.INITIAL)
            for event in k.decide(cmd, state, actor=ADMIN, school=config):
                state = k.evolve(state, event)
            classes[step.class_id] = state
    setup = rollover_source.setup_of(source)
    closing = tuple(
        ClosingClass(
            s.class_id,
            s.grade,
            s.label,
            s.class_teacher_id,
            tuple(sorted(s.assignments, key=str)),
            tuple(sorted(k.enrolled_on(s, setup.ends_on))),
        )
        for s in classes.values()
    )
    return ClosingYear(demo.year, setup, closing, tuple(staff), pupils)


def test_the_whole_demo_school_lands_every_pupil_exactly_once():
    from demo import generate  # noqa: PLC0415

    demo = generate(term_weeks=1)
    closing = _closing_of(demo)
    assert len(closing.classes) == 36
    assert len(closing.pupils) == 1000
    by_id = {k.class_id: k for k in closing.classes}
    repeater, debtor = by_id["5a"].pupils[0], by_id["7b"].pupils[0]
    decisions = {
        repeater: Decision("repeating"),
        debtor: Decision("promoted_conditionally", ("math",)),
    }
    result = plan(closing, decisions)
    everyone = [p for k in closing.classes for p in k.pupils]
    assert len(everyone) == len(set(everyone)) == 1000
    assert sorted(m.pupil_id for m in result.moves) == sorted(everyone)
    eleventh = sum(len(k.pupils) for k in closing.classes if k.grade == 11)
    assert result.outcomes["graduated"] == eleventh
    assert result.outcomes["repeating"] == result.outcomes["promoted_conditionally"] == 1
    assert len(result.pupils) == 1000 - eleventh
    assert len(result.classes) == sum(1 for k in closing.classes if k.grade < 11)
    assert not any(k.grade == 1 for k in result.classes)
    by_pupil = moves(result)
    assert by_pupil[repeater].to_class == "5a"  # the class 4А became
    assert (by_pupil[debtor].to_class, by_pupil[debtor].debts) == ("8b", ("math",))


# ---------------------------------------------------------------- first grade, timetable drafts

FIRST_GRADERS = (
    Person("n1", "Новенькая Анна", "2019-05-01"),
    Person("n2", "Новый Олег", "2019-07-02"),
)


def test_the_new_first_grade_is_admitted_from_the_list():
    admitted = Admission("1a", "1А", "t-5a", FIRST_GRADERS)
    result = plan(SCHOOL, {}, admissions=[admitted])
    first = next(k for k in result.classes if k.class_id == "1a")
    assert (first.grade, first.label, first.source, first.admitted) == (1, "1А", "", ("n1", "n2"))
    assert {"n1", "n2"} <= {p.person_id for p in result.pupils}
    assert all(m.pupil_id not in {"n1", "n2"} for m in result.moves)  # admitted, not moved


def test_an_admission_that_collides_is_refused_with_every_problem():
    clash = Admission("5a", "5А", "nobody", (*FIRST_GRADERS, FIRST_GRADERS[0]))
    again = Admission("5a", "5Б", "t-5a", (Person("p1", "Уже ученик", "2015-03-01"),))
    with pytest.raises(RolloverRefused) as refused:
        plan(SCHOOL, {}, admissions=[clash, again])
    assert refused.value.problems == (
        "first-grade class '5a' is listed twice",
        "first-grade class '5a' is already a class next year",
        "first-grade class '5a': no staff 'nobody'",
        "first-grade class '5a' is already a class next year",
        "admitted pupil 'n1' is listed twice",
        "admitted pupil 'p1' is already a pupil of the school",
    )


def test_a_continuing_class_gets_the_timetable_of_its_last_day_proposed():
    slots = (TimetableSlot(weekday=1, slot=1, subject_id="math", teacher_id="t-math-5"),)
    closing = year(dataclasses.replace(klass(5, 0, ("p3",)), timetable=slots))
    [six] = plan(closing, {}).classes
    assert (six.class_id, six.source, six.timetable) == ("6a", "5a", slots)
