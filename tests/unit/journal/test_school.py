"""The school year's configuration and the people of the school: deciders and folds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce

import pytest

from contracts.envelope import Actor
from contracts.journal import (
    LessonHeld,
    MarkScaleConfigured,
    Period,
    PupilRegistered,
    ScaleValue,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    WorkKind,
    WorkKindsConfigured,
)
from services.journal.domain import people, school
from services.journal.domain.commands import (
    ConfigureMarkScale,
    ConfigureWorkKinds,
    DefineSubject,
    OpenSchoolYear,
    RegisterPupil,
    RegisterStaffMember,
)
from services.journal.domain.errors import (
    AlreadyExists,
    InvalidPeriods,
    InvalidScale,
    InvalidWorkKinds,
    NothingToChange,
    RoleNotAllowed,
    SchoolYearNotOpen,
)
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

ADMIN = Actor(id="adm1", role="admin")
SYSTEM = Actor(id="system", role="system")
START, END = dt.date(2026, 9, 1), dt.date(2027, 5, 31)
Q1 = Period(period_id="q1", name="1 четверть", starts_on=START, ends_on=dt.date(2026, 10, 26))
Q2 = Period(
    period_id="q2",
    name="2 четверть",
    starts_on=dt.date(2026, 11, 5),
    ends_on=dt.date(2026, 12, 28),
)
OPENED = SchoolYearOpened(school_name="Школа № 1", starts_on=START, ends_on=END, periods=(Q1, Q2))
OTHER_ROLES = ["head", "deputy", "teacher", "auditor", "parent", "pupil"]


def given(*events):
    return reduce(school.evolve, events, school.INITIAL)


def when(cmd, state, actor=ADMIN):
    return school.decide(cmd, state, actor=actor)


def period(pid, start, end):
    return Period(period_id=pid, name=pid.upper(), starts_on=start, ends_on=end)


def open_with(*periods, starts_on=START, ends_on=END):
    return OpenSchoolYear("Школа № 1", starts_on, ends_on, periods)


# ---------------------------------------------------------------- opening the year


def test_opening_the_year_records_its_calendar_and_periods():
    assert when(open_with(Q1, Q2), given()) == [OPENED]


def test_the_system_may_open_the_year():
    assert when(open_with(Q1), given(), SYSTEM)[0].periods == (Q1,)


def test_the_year_opens_only_once():
    with pytest.raises(AlreadyExists):
        when(open_with(Q1), given(OPENED))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_administration_opens_the_year(role):
    with pytest.raises(RoleNotAllowed, match=role):
        when(open_with(Q1), given(), Actor(id="x", role=role))


def test_a_year_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidPeriods, match="must end after it starts"):
        when(open_with(Q1, starts_on=END, ends_on=START), given())


@pytest.mark.parametrize(
    ("periods", "words"),
    [
        ((), "at least one period"),
        ((period("q1", dt.date(2026, 8, 25), dt.date(2026, 10, 1)),), "not inside"),
        ((period("q1", dt.date(2027, 5, 1), dt.date(2027, 6, 10)),), "not inside"),
        ((period("q1", dt.date(2026, 10, 1), dt.date(2026, 9, 20)),), "ends before it starts"),
        ((Q2, Q1), "does not start after"),
        ((Q1, period("q2", dt.date(2026, 10, 26), dt.date(2026, 12, 1))), "does not start after"),
    ],
)
def test_periods_must_be_inside_the_year_ordered_and_apart(periods, words):
    with pytest.raises(InvalidPeriods, match=words):
        when(open_with(*periods), given())


def test_a_period_id_may_not_repeat():
    again = period("q1", dt.date(2026, 11, 5), dt.date(2026, 12, 28))
    with pytest.raises(InvalidPeriods, match="'q1' is listed twice"):
        when(open_with(Q1, again), given())


def test_the_opened_year_knows_its_dates_and_periods():
    state = given(OPENED)
    assert state.opened
    assert state.school_name == "Школа № 1"
    assert school.within_year(state, START)
    assert school.within_year(state, END)
    assert not school.within_year(state, END + dt.timedelta(days=1))
    assert school.period_of(state, dt.date(2026, 10, 26), 5) == Q1
    assert school.period_of(state, dt.date(2026, 11, 1), 5) is None  # autumn holidays


def test_before_opening_no_date_is_within_the_year():
    assert not school.within_year(given(), START)


# ---------------------------------------------------------------- scale, kinds of work, subjects


def test_configuring_the_scale_records_it_and_numbers_its_values():
    (event,) = when(ConfigureMarkScale("five", DEFAULT_SCALE), given(OPENED))
    assert event == MarkScaleConfigured(scale_id="five", values=DEFAULT_SCALE)
    state = given(OPENED, event)
    assert state.scale_id == "five"
    assert school.numeric_value(state, "4") == 4
    assert school.numeric_value(state, "н/а") is None
    assert school.numeric_value(state, "6") is None


def test_the_default_scale_is_five_points_with_not_assessed_and_exempt():
    numbers = {v.value: v.numeric for v in DEFAULT_SCALE}
    assert numbers == {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "н/а": None, "осв": None}


def test_a_scale_value_may_not_repeat():
    twice = (*DEFAULT_SCALE, ScaleValue(value="5", numeric=5, label="снова"))
    with pytest.raises(InvalidScale, match="'5' is listed twice"):
        when(ConfigureMarkScale("five", twice), given(OPENED))


def test_a_scale_without_a_numeric_value_is_refused():
    flat = (ScaleValue(value="зач", label="зачёт"), ScaleValue(value="незач", label="незачёт"))
    with pytest.raises(InvalidScale, match="no numeric value"):
        when(ConfigureMarkScale("pass", flat), given(OPENED))


def test_configuration_waits_for_the_year_to_open():
    with pytest.raises(SchoolYearNotOpen):
        when(ConfigureMarkScale("five", DEFAULT_SCALE), given())
    with pytest.raises(SchoolYearNotOpen):
        when(DefineSubject("math", "Математика"), given())


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_administration_configures_the_school(role):
    with pytest.raises(RoleNotAllowed):
        when(ConfigureWorkKinds(DEFAULT_WORK_KINDS), given(OPENED), Actor(id="x", role=role))


def test_configuring_kinds_of_work_keeps_their_weights():
    (event,) = when(ConfigureWorkKinds(DEFAULT_WORK_KINDS), given(OPENED))
    assert event == WorkKindsConfigured(kinds=DEFAULT_WORK_KINDS)
    kinds = given(OPENED, event).work_kinds
    assert kinds["test"].weight == Decimal(2)
    assert kinds["classwork"].weight == Decimal(1)


def test_a_kind_of_work_may_not_repeat():
    twice = (*DEFAULT_WORK_KINDS, WorkKind(work_kind_id="test", name="Тест", weight=Decimal(1)))
    with pytest.raises(InvalidWorkKinds, match="'test' is listed twice"):
        when(ConfigureWorkKinds(twice), given(OPENED))


def test_the_default_kinds_of_work_have_distinct_ids():
    ids = [k.work_kind_id for k in DEFAULT_WORK_KINDS]
    assert len(ids) == len(set(ids))


def test_defining_and_renaming_a_subject():
    (first,) = when(DefineSubject("math", "Математика"), given(OPENED))
    assert first == SubjectDefined(subject_id="math", name="Математика")
    (renamed,) = when(DefineSubject("math", "Алгебра"), given(OPENED, first))
    assert given(OPENED, first, renamed).subjects == {"math": "Алгебра"}


def test_defining_a_subject_again_with_the_same_name_changes_nothing():
    defined = SubjectDefined(subject_id="math", name="Математика")
    with pytest.raises(NothingToChange):
        when(DefineSubject("math", "Математика"), given(OPENED, defined))


def test_the_configuration_ignores_events_of_other_aggregates():
    state = given(OPENED)
    assert school.evolve(state, LessonHeld()) is state


def test_an_unknown_command_fails_loudly():
    with pytest.raises(TypeError):
        when(object(), given(OPENED))


# ---------------------------------------------------------------- people


def test_registering_a_member_of_staff():
    cmd = RegisterStaffMember("t-math", "Иванова Анна Петровна", "учитель")
    (event,) = people.decide_staff(cmd, people.STAFF_INITIAL, actor=ADMIN)
    assert event == StaffMemberRegistered(
        staff_id="t-math", full_name="Иванова Анна Петровна", position="учитель"
    )
    state = people.evolve_staff(people.STAFF_INITIAL, event)
    assert state.registered
    assert state.full_name == "Иванова Анна Петровна"


def test_registering_staff_again_with_the_same_details_changes_nothing():
    cmd = RegisterStaffMember("t-math", "Иванова Анна", "учитель")
    state = people.evolve_staff(
        people.STAFF_INITIAL, *people.decide_staff(cmd, people.STAFF_INITIAL, actor=ADMIN)
    )
    with pytest.raises(NothingToChange):
        people.decide_staff(cmd, state, actor=ADMIN)


def test_a_member_of_staff_may_be_renamed():
    first = StaffMemberRegistered(staff_id="t-math", full_name="Иванова Анна", position="учитель")
    state = people.evolve_staff(people.STAFF_INITIAL, first)
    cmd = RegisterStaffMember("t-math", "Петрова Анна", "учитель")
    (event,) = people.decide_staff(cmd, state, actor=ADMIN)
    assert people.evolve_staff(state, event).full_name == "Петрова Анна"


def test_registering_a_pupil_and_renaming_them():
    cmd = RegisterPupil("p01", "Сидоров Иван", dt.date(2015, 3, 1))
    (event,) = people.decide_pupil(cmd, people.PUPIL_INITIAL, actor=SYSTEM)
    assert event == PupilRegistered(
        pupil_id="p01", full_name="Сидоров Иван", birth_date=dt.date(2015, 3, 1)
    )
    state = people.evolve_pupil(people.PUPIL_INITIAL, event)
    renamed = RegisterPupil("p01", "Сидоров-Петров Иван", dt.date(2015, 3, 1))
    (again,) = people.decide_pupil(renamed, state, actor=ADMIN)
    assert people.evolve_pupil(state, again).full_name == "Сидоров-Петров Иван"


def test_registering_a_pupil_again_with_the_same_details_changes_nothing():
    registered = PupilRegistered(pupil_id="p01", full_name="Сидоров Иван", birth_date=START)
    state = people.evolve_pupil(people.PUPIL_INITIAL, registered)
    with pytest.raises(NothingToChange):
        people.decide_pupil(RegisterPupil("p01", "Сидоров Иван", START), state, actor=ADMIN)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_administration_registers_people(role):
    actor = Actor(id="x", role=role)
    with pytest.raises(RoleNotAllowed):
        people.decide_pupil(RegisterPupil("p01", "Иван", START), people.PUPIL_INITIAL, actor=actor)
    with pytest.raises(RoleNotAllowed):
        people.decide_staff(
            RegisterStaffMember("t1", "Анна", "учитель"), people.STAFF_INITIAL, actor=actor
        )


def test_people_ignore_events_of_other_aggregates():
    assert people.evolve_staff(people.STAFF_INITIAL, OPENED) is people.STAFF_INITIAL
    assert people.evolve_pupil(people.PUPIL_INITIAL, OPENED) is people.PUPIL_INITIAL
