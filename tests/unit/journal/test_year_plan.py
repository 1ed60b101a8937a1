"""The year's plan per grade: periods of each grade (quarters, halves), each subject's assessment
in a grade (scale, pass/fail, unmarked), and the calendar's days off; and the rules that follow
them: closing, lesson marks, period marks, scheduling, the monthly check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.journal import (
    ClassOpened,
    DayOff,
    Period,
    PeriodClosed,
    PeriodMarkInput,
    SubjectAssessmentSet,
    SubjectDefined,
    TimetableSet,
    TimetableSlot,
)
from kernel.year_plan import FAILED, PASSED
from services.journal.domain import closing, klass, lesson_decider, period_marks, school, year_plan
from services.journal.domain import commands as c
from services.journal.domain.errors import (
    DayOffLesson,
    InvalidCalendar,
    InvalidGrades,
    InvalidPeriods,
    MarkNotOnScale,
    NothingToChange,
    NotMarkedSubject,
    PeriodNotFound,
    PeriodsInUse,
    RoleNotAllowed,
    UnknownSubject,
)
from services.journal.domain.findings import AbsenceFact, CheckRules, LessonFacts, lesson_findings
from tests.support.journal_givens import (
    ADMIN,
    CLASS_ROLL,
    END,
    MATH_ASSIGNED,
    MONDAY,
    SCHEDULED,
    SCHOOL,
    START,
    TEACHER,
    TODAY,
    class_after,
    lesson_after,
    new_mark,
)

H1 = Period(period_id="h1", name="1 полугодие", starts_on=START, ends_on=dt.date(2026, 12, 28))
H2 = Period(period_id="h2", name="2 полугодие", starts_on=dt.date(2027, 1, 12), ends_on=END)
WINTER = DayOff(
    name="Зимние каникулы",
    kind="vacation",
    starts_on=dt.date(2026, 12, 29),
    ends_on=dt.date(2027, 1, 11),
)
HALVES = c.SetPeriodScheme("halves", "Полугодия", (10, 11), (H1, H2))


def decided(state: school.SchoolConfig, *commands: object) -> school.SchoolConfig:
    """The configuration after the administrator's commands of the plan."""
    for cmd in commands:
        for event in year_plan.decide_configuration(cmd, state, actor=ADMIN):  # type: ignore[arg-type]
            state = school.evolve(state, event)
    return state


def class_of(grade: int) -> klass.ClassState:
    opened = ClassOpened(class_id=f"{grade}a", grade=grade, label=f"{grade}А", class_teacher_id="t")
    return class_after(opened, *CLASS_ROLL[1:], MATH_ASSIGNED)


HALVED = decided(SCHOOL, HALVES)

# ---------------------------------------------------------------- periods per grade


def test_a_grade_with_a_scheme_works_in_its_periods_and_others_in_the_years():
    assert [p.period_id for p in HALVED.plan.periods_of(10)] == ["h1", "h2"]
    assert [p.period_id for p in HALVED.plan.periods_of(5)] == ["q1"]
    assert school.period_of(HALVED, dt.date(2027, 2, 1), 11) == H2
    assert school.period_of(HALVED, dt.date(2027, 2, 1), 5).period_id == "q1"
    assert HALVED.plan.grades_of("h1") == frozenset({10, 11})
    assert [p.period_id for p in HALVED.plan.all_periods()] == ["h1", "q1", "h2"]


def test_closing_a_half_locks_grade_10_lessons_only():
    state = school.evolve(HALVED, PeriodClosed(period_id="h1"))
    assert closing.lesson_lock(state, MONDAY, 10) == closing.Lock("period", "h1")
    assert closing.lesson_lock(state, MONDAY, 5) is None


def test_a_closed_period_keeps_its_grades_and_dates():
    state = school.evolve(HALVED, PeriodClosed(period_id="h1"))
    moved = H1.model_copy(update={"ends_on": dt.date(2026, 12, 20)})
    with pytest.raises(PeriodsInUse, match="grade 10 would leave, join or move closed period"):
        decided(state, c.SetPeriodScheme("halves", "Полугодия", (10, 11), (moved, H2)))
    with pytest.raises(PeriodsInUse, match="grade 9 would leave, join or move closed period"):
        decided(state, c.SetPeriodScheme("halves", "Полугодия", (9, 10, 11), (H1, H2)))
    renamed = H2.model_copy(update={"name": "Второе полугодие"})
    assert decided(state, c.SetPeriodScheme("halves", "Полугодия", (10, 11), (H1, renamed))).plan
    assert decided(
        state,
        c.SetPeriodScheme(
            "thirds", "Триместры", (7,), (H1.model_copy(update={"period_id": "t1"}), H2)
        ),
    ).plan


def test_a_period_id_means_the_same_dates_in_every_scheme():
    other_h1 = H1.model_copy(update={"ends_on": dt.date(2026, 12, 20)})
    with pytest.raises(InvalidPeriods, match="period 'h1' already means"):
        decided(HALVED, c.SetPeriodScheme("other", "Другие", (9,), (other_h1, H2)))


def test_the_same_scheme_again_changes_nothing_and_bad_grades_are_refused():
    with pytest.raises(NothingToChange):
        decided(HALVED, HALVES)
    with pytest.raises(InvalidGrades):
        decided(SCHOOL, c.SetPeriodScheme("x", "X", (10, 10), (H1, H2)))
    with pytest.raises(InvalidPeriods, match="does not start after"):
        decided(SCHOOL, c.SetPeriodScheme("x", "X", (10,), (H2, H1)))


def test_the_plan_is_the_administrators():
    with pytest.raises(RoleNotAllowed):
        year_plan.decide(HALVES, SCHOOL, actor=TEACHER)


def test_once_there_is_a_calendar_every_day_is_off_or_in_a_period_of_every_grade():
    with pytest.raises(InvalidCalendar, match=r"2026-12-29 is neither a day off nor in a period"):
        decided(HALVED, c.SetSchoolCalendar((_holiday(dt.date(2026, 11, 4)),)))
    with_calendar = decided(HALVED, c.SetSchoolCalendar((WINTER,)))
    early = H1.model_copy(update={"period_id": "g1"})
    late = H2.model_copy(update={"period_id": "g2", "starts_on": dt.date(2027, 2, 1)})
    gap = c.SetPeriodScheme("gap", "С пробелом", (9,), (early, late))
    with pytest.raises(
        InvalidPeriods, match="2027-01-12 is neither a day off nor in a period of grade"
    ):
        decided(with_calendar, gap)


def _holiday(day: dt.date) -> DayOff:
    return DayOff(name="Праздник", kind="holiday", starts_on=day, ends_on=day)


@st.composite
def plans(draw: st.DrawFn) -> tuple[school.SchoolConfig, tuple[c.SetPeriodScheme, ...]]:
    """A year split for some grades into schemes of periods with vacations between them, and
    a calendar of those vacations and some holidays, as the administrator would set them."""
    length = (END - START).days + 1
    count = draw(st.integers(1, 4))
    schemes, gaps = [], []
    for n in range(count):
        cuts = sorted(draw(st.sets(st.integers(10, length - 10), min_size=2, max_size=6)))
        bounds = [0, *cuts[1::2]] if len(cuts) > 2 else [0, cuts[0]]
        periods = []
        for i, first in enumerate(bounds):
            last = (
                (bounds[i + 1] - 1 - draw(st.integers(0, 5))) if i + 1 < len(bounds) else length - 1
            )
            periods.append(
                Period(
                    period_id=f"s{n}p{i}",
                    name=f"Период {i + 1}",
                    starts_on=START + dt.timedelta(days=first),
                    ends_on=START + dt.timedelta(days=max(first, last)),
                )
            )
            if i + 1 < len(bounds) and max(first, last) + 1 <= bounds[i + 1] - 1:
                gaps.append((max(first, last) + 1, bounds[i + 1] - 1))
        grades = tuple(sorted(draw(st.sets(st.integers(1, 11), min_size=1, max_size=4))))
        schemes.append(c.SetPeriodScheme(f"s{n}", f"Схема {n}", grades, tuple(periods)))
    days_off = [
        DayOff(
            name="Каникулы",
            kind="vacation",
            starts_on=START + dt.timedelta(days=a),
            ends_on=START + dt.timedelta(days=b),
        )
        for a, b in gaps
    ]
    holidays = draw(st.lists(st.integers(0, length - 1), min_size=1, max_size=5))
    days_off += [_holiday(START + dt.timedelta(days=d)) for d in holidays]
    state = decided(SCHOOL, *schemes) if schemes else SCHOOL
    return decided(state, c.SetSchoolCalendar(tuple(days_off))), tuple(schemes)


@settings(max_examples=60, deadline=None)
@given(plans())
def test_every_school_day_of_a_class_lies_in_exactly_one_of_its_periods(planned):
    state, _ = planned
    plan = state.plan
    for grade in range(2, 12):
        periods = plan.periods_of(grade)
        for day in plan.school_days(START, END):
            assert sum(p.starts_on <= day <= p.ends_on for p in periods) == 1, (grade, day)
            assert school.period_of(state, day, grade) is not None


# ---------------------------------------------------------------- assessment per subject and grade

PASS_FAIL_MATH = decided(SCHOOL, c.SetSubjectAssessment("math", (10,), "pass_fail"))


def _record(state: school.SchoolConfig, grade: int, value: str) -> list[object]:
    return lesson_decider.decide(
        c.RecordMark(new_mark("m1", "p01", value)),
        lesson_after(SCHEDULED),
        actor=TEACHER,
        today=TODAY,
        school=state,
        klass=class_of(grade),
    )


def test_a_pass_fail_subject_takes_pass_or_fail_and_no_number():
    [recorded] = _record(PASS_FAIL_MATH, 10, PASSED)
    assert recorded.mark.value == PASSED
    with pytest.raises(MarkNotOnScale, match="pass/fail in grade 10"):
        _record(PASS_FAIL_MATH, 10, "5")
    with pytest.raises(MarkNotOnScale, match="not on the school's scale"):
        _record(PASS_FAIL_MATH, 5, PASSED)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["1", "2", "3", "4", "5", "н/а", "осв", PASSED, FAILED])
    | st.text(min_size=1, max_size=8)
)
def test_a_first_grade_lesson_refuses_any_mark(value):
    with pytest.raises(NotMarkedSubject, match="безотметочное"):
        _record(SCHOOL, 1, value)


def test_a_first_grade_subject_may_be_marked_when_the_school_says_so():
    marked = decided(SCHOOL, c.SetSubjectAssessment("math", (1,), "scale"))
    assert _record(marked, 1, "5")
    with pytest.raises(UnknownSubject):
        decided(SCHOOL, c.SetSubjectAssessment("chess", (1,), "scale"))
    with pytest.raises(NothingToChange):
        decided(SCHOOL, c.SetSubjectAssessment("math", (1,), "unmarked"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["2", "3", "4", "5"]), min_size=1, max_size=10),
    st.lists(st.sampled_from([PASSED, FAILED]), max_size=10),
)
def test_averages_ignore_pass_fail_marks(numbers, passes):
    def inputs(values):
        return tuple(
            PeriodMarkInput(mark_id=f"m{i}", lesson_id="l", date=MONDAY, value=v, weight=Decimal(1))
            for i, v in enumerate(values)
        )

    with_passes = period_marks.compute(inputs([*numbers, *passes]), SCHOOL)
    without = period_marks.compute(inputs(numbers), SCHOOL)
    assert (with_passes.average, with_passes.counted) == (without.average, without.counted)


def _period_mark(state: school.SchoolConfig, grade: int, period_id: str, value: str):
    return period_marks.decide(
        c.SetPeriodMark("p01", "math", period_id, value),
        period_marks.INITIAL,
        actor=TEACHER,
        school=state,
        klass=class_of(grade),
        inputs=(),
    )


def test_a_period_mark_follows_the_grades_periods_and_the_subjects_assessment():
    state = decided(HALVED, c.SetSubjectAssessment("math", (10,), "pass_fail"))
    [mark] = _period_mark(state, 10, "h1", PASSED)
    assert (mark.value, mark.suggested) == (PASSED, None)
    assert _period_mark(state, 10, "h1", "н/а")
    with pytest.raises(PeriodNotFound, match="no period 'q1' for grade 10"):
        _period_mark(state, 10, "q1", PASSED)
    with pytest.raises(MarkNotOnScale):
        _period_mark(state, 10, "h1", "4")
    with pytest.raises(NotMarkedSubject):
        _period_mark(state, 1, "q1", "5")


# ---------------------------------------------------------------- the calendar

CALENDAR = decided(SCHOOL, c.SetSchoolCalendar((WINTER, _holiday(MONDAY))))


def test_no_lesson_is_scheduled_on_a_day_off():
    schedule = c.ScheduleLesson("l2", "5a", "math", MONDAY, 1, "t-math")
    with pytest.raises(DayOffLesson, match="Праздник"):
        lesson_decider.decide(
            schedule,
            lesson_after(),
            actor=ADMIN,
            today=TODAY,
            school=CALENDAR,
            klass=class_of(5),
        )


def test_the_timetable_puts_no_lesson_on_a_day_off():
    slot = TimetableSlot(weekday=1, slot=1, subject_id="math", teacher_id="t-math")
    state = klass.evolve(class_of(5), TimetableSet(effective_from=START, slots=(slot,)))
    week = (MONDAY, MONDAY + dt.timedelta(days=7))
    planned = klass.lessons_from_timetable(state, CALENDAR, "5a", *week)
    assert [p.date for p in planned] == [MONDAY + dt.timedelta(days=7)]


def test_the_monthly_check_does_not_count_days_off():
    rules = CheckRules().with_calendar(CALENDAR.plan)
    on_holiday = LessonFacts("l1", "5a", "math", "t-math", MONDAY)
    assert lesson_findings(on_holiday, today=TODAY, rules=rules) == []
    assert lesson_findings(on_holiday, today=TODAY, rules=CheckRules()) != []


def test_an_absence_reason_is_due_within_school_days_not_vacation_days():
    rules = CheckRules(absence_reason_days=3).with_calendar(CALENDAR.plan)
    absent = LessonFacts(
        "l2",
        "5a",
        "math",
        "t-math",
        dt.date(2026, 12, 25),
        status="held",
        has_topic=True,
        attendance_taken=True,
        absences=(AbsenceFact(pupil_id="p01", reason_known=False),),
    )
    in_vacation = dt.date(2027, 1, 9)  # 15 days later, three of them (26–28 Dec) school days
    assert lesson_findings(absent, today=in_vacation, rules=rules) == []
    kinds = {f.kind for f in lesson_findings(absent, today=dt.date(2027, 1, 12), rules=rules)}
    assert kinds == {"absence_without_reason"}


def test_the_plan_reads_back_from_the_configuration():
    state = decided(HALVED, c.SetSchoolCalendar((WINTER,)))
    state = reduce(
        school.evolve,
        [
            SubjectDefined(subject_id="music", name="Музыка"),
            SubjectAssessmentSet(subject_id="music", grades=(7, 8), assessment="pass_fail"),
        ],
        state,
    )
    assert state.plan.assessment("music", 8) == "pass_fail"
    assert state.plan.assessment("music", 1) == "unmarked"
    assert state.plan.assessment("music", 9) == "scale"
    assert state.plan.day_off(dt.date(2027, 1, 1)) == WINTER
