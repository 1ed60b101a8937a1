"""The class aggregate: teacher, pupils over time, teaching assignments, timetable."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import pytest

from contracts.envelope import Actor
from contracts.journal import (
    ClassOpened,
    ClassTeacherAssigned,
    LessonHeld,
    Period,
    PupilJoinedClass,
    PupilLeftClass,
    SchoolYearOpened,
    SubjectDefined,
    TeachingAssigned,
    TeachingUnassigned,
    TimetableSet,
    TimetableSlot,
)
from services.journal.domain import klass, school
from services.journal.domain.commands import (
    AddPupilToClass,
    AssignClassTeacher,
    AssignTeaching,
    OpenClass,
    RemovePupilFromClass,
    ScheduleLesson,
    SetTimetable,
    UnassignTeaching,
)
from services.journal.domain.errors import (
    AlreadyExists,
    AssignmentNotFound,
    ClassNotFound,
    DateOutsideSchoolYear,
    NothingToChange,
    PupilAlreadyInClass,
    PupilNotInClass,
    ReasonRequired,
    RoleNotAllowed,
    SchoolYearNotOpen,
    TeacherNotAssigned,
    TimetableClash,
    UnknownSubject,
)

ADMIN = Actor(id="adm1", role="admin")
START, END = dt.date(2026, 9, 1), dt.date(2027, 5, 31)
MONDAY = dt.date(2026, 9, 7)
YEAR = SchoolYearOpened(
    school_name="Школа № 1",
    starts_on=START,
    ends_on=END,
    periods=(Period(period_id="q1", name="1 четверть", starts_on=START, ends_on=END),),
)
SCHOOL = reduce(
    school.evolve,
    [
        YEAR,
        SubjectDefined(subject_id="math", name="Математика"),
        SubjectDefined(subject_id="english", name="Английский язык"),
    ],
    school.INITIAL,
)
OPENED = ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t-rus")
MATH = TeachingAssigned(teacher_id="t-math", subject_id="math")
ENGLISH_A = TeachingAssigned(teacher_id="t-en1", subject_id="english", group="a")
ENGLISH_B = TeachingAssigned(teacher_id="t-en2", subject_id="english", group="b")


def given(*events):
    return reduce(klass.evolve, events, klass.INITIAL)


def when(cmd, state, actor=ADMIN, config=SCHOOL):
    return klass.decide(cmd, state, actor=actor, school=config)


def joined(pupil, since=START):
    return PupilJoinedClass(pupil_id=pupil, since=since)


def slot(weekday, number, subject="math", teacher="t-math", group=None):
    return TimetableSlot(
        weekday=weekday, slot=number, subject_id=subject, teacher_id=teacher, group=group
    )


# ---------------------------------------------------------------- opening, class teacher


def test_opening_a_class_records_its_teacher():
    assert when(OpenClass("5a", 5, "5А", "t-rus"), given()) == [OPENED]


def test_a_class_opens_only_once():
    with pytest.raises(AlreadyExists):
        when(OpenClass("5a", 5, "5А", "t-rus"), given(OPENED))


def test_classes_wait_for_the_school_year():
    with pytest.raises(SchoolYearNotOpen):
        when(OpenClass("5a", 5, "5А", "t-rus"), given(), config=school.INITIAL)


@pytest.mark.parametrize("role", ["head", "deputy", "teacher", "auditor", "parent", "pupil"])
def test_only_the_administration_manages_classes(role):
    with pytest.raises(RoleNotAllowed):
        when(AddPupilToClass("p01", START), given(OPENED), Actor(id="x", role=role))


def test_commands_on_a_class_never_opened_find_no_class():
    with pytest.raises(ClassNotFound):
        when(AddPupilToClass("p01", START), given())


def test_changing_the_class_teacher():
    (event,) = when(AssignClassTeacher("t-math"), given(OPENED))
    assert event == ClassTeacherAssigned(class_teacher_id="t-math")
    assert given(OPENED, event).class_teacher_id == "t-math"


def test_assigning_the_same_class_teacher_changes_nothing():
    with pytest.raises(NothingToChange):
        when(AssignClassTeacher("t-rus"), given(OPENED))


# ---------------------------------------------------------------- membership


def test_a_pupil_joins_the_class_from_a_date():
    (event,) = when(AddPupilToClass("p01", dt.date(2026, 9, 14)), given(OPENED))
    assert event == joined("p01", dt.date(2026, 9, 14))
    state = given(OPENED, event)
    assert "p01" not in klass.enrolled_on(state, dt.date(2026, 9, 13))
    assert "p01" in klass.enrolled_on(state, dt.date(2026, 9, 14))


def test_joining_outside_the_school_year_is_refused():
    with pytest.raises(DateOutsideSchoolYear, match="2026-08-31"):
        when(AddPupilToClass("p01", dt.date(2026, 8, 31)), given(OPENED))


def test_a_pupil_already_in_the_class_cannot_join_again():
    with pytest.raises(PupilAlreadyInClass, match="'p01'"):
        when(AddPupilToClass("p01", dt.date(2026, 10, 1)), given(OPENED, joined("p01")))


def test_a_pupil_cannot_rejoin_before_their_last_day():
    left = PupilLeftClass(pupil_id="p01", last_day=dt.date(2026, 10, 30), reason="переезд")
    with pytest.raises(PupilAlreadyInClass):
        when(AddPupilToClass("p01", dt.date(2026, 10, 30)), given(OPENED, joined("p01"), left))


def test_a_pupil_who_left_may_come_back_later():
    left = PupilLeftClass(pupil_id="p01", last_day=dt.date(2026, 10, 30), reason="переезд")
    (event,) = when(
        AddPupilToClass("p01", dt.date(2026, 11, 9)), given(OPENED, joined("p01"), left)
    )
    state = given(OPENED, joined("p01"), left, event)
    assert state.memberships["p01"] == (
        (START, dt.date(2026, 10, 30)),
        (dt.date(2026, 11, 9), None),
    )
    assert "p01" not in klass.enrolled_on(state, dt.date(2026, 11, 2))
    assert "p01" in klass.enrolled_on(state, dt.date(2026, 11, 9))


def test_a_pupil_leaves_after_their_last_day():
    cmd = RemovePupilFromClass("p01", dt.date(2026, 10, 30), "переезд")
    (event,) = when(cmd, given(OPENED, joined("p01")))
    assert event == PupilLeftClass(pupil_id="p01", last_day=dt.date(2026, 10, 30), reason="переезд")
    state = given(OPENED, joined("p01"), event)
    assert "p01" in klass.enrolled_on(state, dt.date(2026, 10, 30))
    assert "p01" not in klass.enrolled_on(state, dt.date(2026, 10, 31))


def test_removing_a_pupil_who_is_not_a_member_is_refused():
    with pytest.raises(PupilNotInClass, match="'p02'"):
        when(RemovePupilFromClass("p02", dt.date(2026, 10, 30), "ошибка"), given(OPENED))


def test_the_last_day_may_not_come_before_joining():
    state = given(OPENED, joined("p01", dt.date(2026, 10, 1)))
    with pytest.raises(PupilNotInClass):
        when(RemovePupilFromClass("p01", dt.date(2026, 9, 30), "ошибка"), state)


def test_removing_a_pupil_needs_a_reason():
    with pytest.raises(ReasonRequired):
        when(RemovePupilFromClass("p01", dt.date(2026, 9, 30), "  "), given(OPENED, joined("p01")))


# ---------------------------------------------------------------- teaching assignments


def test_assigning_teaching_records_it():
    (event,) = when(AssignTeaching("t-math", "math"), given(OPENED))
    assert event == MATH
    state = given(OPENED, event)
    assert klass.is_assigned(state, "t-math", "math", None)
    assert not klass.is_assigned(state, "t-math", "math", "a")


def test_teaching_an_undefined_subject_is_refused():
    with pytest.raises(UnknownSubject, match="'chess'"):
        when(AssignTeaching("t-math", "chess"), given(OPENED))


def test_the_same_assignment_twice_is_refused():
    with pytest.raises(AlreadyExists):
        when(AssignTeaching("t-math", "math"), given(OPENED, MATH))


def test_unassigning_ends_the_assignment():
    (event,) = when(UnassignTeaching("t-math", "math"), given(OPENED, MATH))
    assert event == TeachingUnassigned(teacher_id="t-math", subject_id="math")
    assert not klass.is_assigned(given(OPENED, MATH, event), "t-math", "math", None)


def test_unassigning_what_was_never_assigned_finds_nothing():
    with pytest.raises(AssignmentNotFound):
        when(UnassignTeaching("t-math", "math", "a"), given(OPENED, MATH))


# ---------------------------------------------------------------- timetable


def test_setting_a_timetable_of_assigned_teaching():
    slots = (slot(1, 1), slot(1, 2, "english", "t-en1", "a"), slot(1, 2, "english", "t-en2", "b"))
    (event,) = when(SetTimetable(START, slots), given(OPENED, MATH, ENGLISH_A, ENGLISH_B))
    assert event == TimetableSet(effective_from=START, slots=slots)


def test_a_slot_for_an_unassigned_teacher_is_refused():
    with pytest.raises(TeacherNotAssigned, match="'t-other'"):
        when(SetTimetable(START, (slot(1, 1, teacher="t-other"),)), given(OPENED, MATH))


def test_a_slot_of_an_undefined_subject_is_refused():
    with pytest.raises(UnknownSubject):
        when(SetTimetable(START, (slot(1, 1, subject="chess"),)), given(OPENED, MATH))


def test_a_timetable_outside_the_school_year_is_refused():
    with pytest.raises(DateOutsideSchoolYear):
        when(SetTimetable(END + dt.timedelta(days=1), (slot(1, 1),)), given(OPENED, MATH))


@pytest.mark.parametrize(
    "slots",
    [
        (slot(1, 1), slot(1, 1)),
        (slot(1, 1), slot(1, 1, "english", "t-en1", "a")),
        (slot(1, 1, "english", "t-en1", "a"), slot(1, 1, "english", "t-en1", "a")),
        (slot(1, 1, "english", "t-en1", "a"), slot(1, 1, "english", "t-en1", "b")),
    ],
    ids=["whole-class twice", "whole-class and group", "same group", "one teacher two groups"],
)
def test_two_lessons_in_one_slot_clash(slots):
    teaching = TeachingAssigned(teacher_id="t-en1", subject_id="english", group="b")
    state = given(OPENED, MATH, ENGLISH_A, ENGLISH_B, teaching)
    with pytest.raises(TimetableClash, match="weekday 1 slot 1"):
        when(SetTimetable(START, slots), state)


def test_the_timetable_in_force_is_the_latest_effective_one():
    first = TimetableSet(effective_from=START, slots=(slot(1, 1),))
    second = TimetableSet(effective_from=dt.date(2026, 10, 1), slots=(slot(2, 3),))
    state = given(OPENED, MATH, second, first)
    assert klass.timetable_on(state, dt.date(2026, 8, 31)) == ()
    assert klass.timetable_on(state, dt.date(2026, 9, 30)) == (slot(1, 1),)
    assert klass.timetable_on(state, dt.date(2026, 10, 1)) == (slot(2, 3),)


def test_a_new_timetable_on_the_same_date_replaces_the_old():
    first = TimetableSet(effective_from=START, slots=(slot(1, 1),))
    again = TimetableSet(effective_from=START, slots=(slot(3, 2),))
    assert given(OPENED, first, again).timetables == ((START, (slot(3, 2),)),)


# ---------------------------------------------------------------- lessons from the timetable


def test_the_timetable_plans_lessons_with_deterministic_ids():
    table = TimetableSet(
        effective_from=START,
        slots=(slot(1, 1), slot(3, 2, "english", "t-en1", "a")),
    )
    state = given(OPENED, MATH, ENGLISH_A, table)
    planned = klass.lessons_from_timetable(state, SCHOOL, "5a", MONDAY, MONDAY + dt.timedelta(6))
    assert planned == [
        ScheduleLesson("5a-20260907-1", "5a", "math", MONDAY, 1, "t-math"),
        ScheduleLesson(
            "5a-20260909-2-a", "5a", "english", dt.date(2026, 9, 9), 2, "t-en1", group="a"
        ),
    ]


def test_planning_stays_within_the_school_year():
    state = given(OPENED, MATH, TimetableSet(effective_from=START, slots=(slot(1, 1),)))
    planned = klass.lessons_from_timetable(
        state, SCHOOL, "5a", dt.date(2026, 8, 24), dt.date(2026, 9, 13)
    )
    assert [p.date for p in planned] == [MONDAY]


def test_planning_follows_timetable_changes_and_skips_ended_assignments():
    first = TimetableSet(effective_from=START, slots=(slot(1, 1),))
    second = TimetableSet(effective_from=dt.date(2026, 9, 14), slots=(slot(1, 2),))
    state = given(OPENED, MATH, first, second)
    planned = klass.lessons_from_timetable(state, SCHOOL, "5a", MONDAY, dt.date(2026, 9, 20))
    assert [p.lesson_id for p in planned] == ["5a-20260907-1", "5a-20260914-2"]
    ended = klass.evolve(state, TeachingUnassigned(teacher_id="t-math", subject_id="math"))
    assert klass.lessons_from_timetable(ended, SCHOOL, "5a", MONDAY, dt.date(2026, 9, 20)) == []


def test_the_class_ignores_events_of_other_aggregates():
    state = given(OPENED)
    assert klass.evolve(state, LessonHeld()) is state


def test_an_unknown_class_command_fails_loudly():
    with pytest.raises(TypeError):
        when(object(), given(OPENED))
