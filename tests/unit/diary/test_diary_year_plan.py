"""The diary follows each class's periods, its subjects' assessment and the calendar: the
kernel's plan (`kernel.year_plan`) asked by class (`services.diary.domain.year_plan`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.journal import DayOff
from kernel.grading import weighted_average
from services.diary.domain.access import Visibility
from services.diary.domain.assembly import class_lessons, pupil_lessons, pupil_marks
from services.diary.domain.calendar import DateRange, MemberRow, PeriodRow, select_period
from services.diary.domain.changes import ChangePage, ChangeQuery, ChangeRow, pupil_changes
from services.diary.domain.period_marks import PeriodMarkRow, pupil_period_marks
from services.diary.domain.rows import LessonRow, LessonSet, MarkRow, SchoolConfig
from services.diary.domain.year_plan import (
    GradePeriodRow,
    class_assessment,
    class_periods,
    day_off_on,
    days_off_between,
    plan_from_rows,
)
from tests.support.diary import pseudonym

ANNA = pseudonym("anna")
SEPT = dt.date(2026, 9, 1)
SCALE = {"2": 2, "3": 3, "4": 4, "5": 5, "н/а": None, "осв": None}
QUARTERS = (
    PeriodRow("q1", "1 четверть", SEPT, dt.date(2026, 10, 25)),
    PeriodRow("q2", "2 четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
)
HALVES = (
    PeriodRow("h1", "1 полугодие", SEPT, dt.date(2026, 12, 28)),
    PeriodRow("h2", "2 полугодие", dt.date(2027, 1, 9), dt.date(2027, 5, 26)),
)
AUTUMN = DayOff(
    name="Осенние каникулы",
    kind="vacation",
    starts_on=dt.date(2026, 10, 26),
    ends_on=dt.date(2026, 11, 4),
)
UNITY = DayOff(
    name="День народного единства",
    kind="holiday",
    starts_on=dt.date(2026, 11, 4),
    ends_on=dt.date(2026, 11, 4),
)


def config(
    schemes: dict[int, tuple[PeriodRow, ...]] | None = None,
    assessments: tuple[tuple[str, int, str], ...] = (),
    days_off: tuple[DayOff, ...] = (),
    grades: dict[str, int] | None = None,
    periods: tuple[PeriodRow, ...] = QUARTERS,
) -> SchoolConfig:
    rows = [
        GradePeriodRow(grade, f"scheme-{grade}", "Схема", period)
        for grade, periods_of in (schemes or {}).items()
        for period in periods_of
    ]
    plan = plan_from_rows(periods, rows, assessments, days_off)  # type: ignore[arg-type]
    return SchoolConfig(
        periods=periods,
        scale=SCALE,
        work_kinds={"answer": "Ответ"},
        subjects={"math": "Математика", "music": "Музыка"},
        plan=plan,
        grades=grades or {"5a": 5, "10a": 10, "1a": 1},
    )


PLANNED = config(
    {10: HALVES, 11: HALVES},
    (("music", 5, "pass_fail"), ("math", 1, "scale")),
    (AUTUMN, UNITY),
)


def lesson(lesson_id: str, class_id: str, subject_id: str, day: int = 7) -> LessonRow:
    return LessonRow(
        lesson_id,
        class_id,
        subject_id,
        dt.date(2026, 9, day),
        1,
        None,
        "t",
        "held",
        None,
        None,
        None,
    )


def mark(lesson_id: str, value: str, weight: str = "1") -> MarkRow:
    return MarkRow(
        lesson_id, f"{lesson_id}-{value}", ANNA, value, "answer", Decimal(weight), None, True, False
    )


def test_a_class_works_in_its_grades_scheme_else_in_the_years_periods():
    assert class_periods(PLANNED, "10a") == HALVES
    assert class_periods(PLANNED, "5a") == QUARTERS
    assert class_periods(PLANNED, "unknown") == QUARTERS
    assert class_periods(PLANNED, None) == QUARTERS
    assert class_periods(SchoolConfig(periods=QUARTERS), "10a") == QUARTERS  # no plan read


def test_a_subject_is_assessed_as_its_class_grade_says():
    assert class_assessment(PLANNED, "music", "5a") == "pass_fail"
    assert class_assessment(PLANNED, "music", "10a") == "scale"
    assert class_assessment(PLANNED, "music", "1a") == "unmarked"  # the first grade's default
    assert class_assessment(PLANNED, "math", "1a") == "scale"  # unless the school says so
    assert class_assessment(SchoolConfig(), "music", "1a") == "scale"  # an unknown class


def test_days_off_are_named_with_their_kind():
    found = days_off_between(PLANNED, dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert [(d.date.day, d.name, d.kind) for d in found] == [
        (2, "Осенние каникулы", "vacation"),
        (3, "Осенние каникулы", "vacation"),
        (4, "Осенние каникулы", "vacation"),  # the school's first listed wins
    ]
    assert day_off_on(PLANNED, dt.date(2026, 11, 5)) is None
    assert days_off_between(SchoolConfig(), SEPT, SEPT) == ()


def test_a_pass_fail_mark_reads_as_such_and_enters_no_average():
    found = LessonSet(
        lessons=(lesson("m", "5a", "math"), lesson("u", "5a", "music", 8)),
        marks=(mark("m", "4"), mark("u", "зач"), mark("u", "незач")),
    )
    lessons = pupil_lessons(ANNA, found, PLANNED, str)
    music = next(x for x in lessons if x.subject_id == "music")
    assert music.assessment == "pass_fail"
    assert [(m.value, m.label) for m in music.marks] == [
        ("зач", "зачтено"),
        ("незач", "не зачтено"),
    ]
    only_music = LessonSet(lessons=(found.lessons[1],), marks=found.marks[1:])
    assert pupil_marks(ANNA, only_music, PLANNED)[1] is None
    assert pupil_marks(ANNA, found, PLANNED)[1] == "4.00"


def test_a_subject_that_is_not_marked_shows_no_marks_nor_average():
    found = LessonSet(lessons=(lesson("a", "1a", "music"),), marks=(mark("a", "5"),))
    assert pupil_marks(ANNA, found, PLANNED) == ((), None)
    (seen,) = pupil_lessons(ANNA, found, PLANNED, str)
    assert (seen.assessment, seen.marks) == ("unmarked", ())
    (staff,) = class_lessons(found, PLANNED, str)
    assert staff.marks == ()


def test_a_period_mark_is_named_by_the_classs_period_and_reads_as_passed():
    rows = [
        PeriodMarkRow("10a", "music", "h1", ANNA, "зач", None, False),
        PeriodMarkRow("10a", "music", "year", ANNA, "незач", None, False),
    ]
    current, every = pupil_period_marks(rows, class_periods(PLANNED, "10a"), "h1")
    assert current is not None
    assert (current.name, current.label, current.average) == ("1 полугодие", "зачтено", None)
    assert [(v.period_id, v.label) for v in every] == [("h1", "зачтено"), ("year", "не зачтено")]


def test_the_changes_name_the_classs_period_and_skip_subjects_without_marks():
    def change(change_id: int, kind: str, class_id: str, subject: str, **kw: object) -> ChangeRow:
        values = {
            "lesson_id": None,
            "date": None,
            "period_id": None,
            "old": None,
            "new": "зач",
            "work_kind_id": None,
            "weight": None,
            "due_on": None,
        }
        values.update(kw)
        return ChangeRow(
            change_id,
            kind,  # type: ignore[arg-type]
            dt.datetime(2026, 9, 7, tzinfo=dt.UTC),
            ANNA,
            class_id,
            subject,
            **values,  # type: ignore[arg-type]
        )

    rows = (
        change(3, "period_mark_set", "10a", "music", period_id="h1", old="незач"),
        change(2, "mark_added", "1a", "music", lesson_id="l", date=SEPT, new="5"),
        change(1, "homework_set", "1a", "music", lesson_id="l", date=SEPT, new="№ 1"),
    )
    memberships = (MemberRow("10a", ANNA, SEPT), MemberRow("1a", ANNA, SEPT))
    query = ChangeQuery(ANNA, memberships, Visibility(everything=True))
    page = pupil_changes(query, ChangePage(3, rows), PLANNED)
    assert [c.change_id for c in page.changes] == [3, 1]
    period = page.changes[0]
    assert (period.period_name, period.old_label, period.new_label) == (
        "1 полугодие",
        "не зачтено",
        "зачтено",
    )
    assert page.changes[1].new_label == "№ 1"


# ---------------------------------------------------------------- properties

spans = st.lists(st.tuples(st.integers(5, 60), st.integers(1, 12)), min_size=1, max_size=4)


def scheme(prefix: str, parts: list[tuple[int, int]]) -> tuple[tuple[PeriodRow, ...], list[DayOff]]:
    """Periods one after another from 1 September, each followed by a vacation of days off."""
    periods, days_off, start = [], [], SEPT
    for n, (length, gap) in enumerate(parts, start=1):
        end = start + dt.timedelta(days=length - 1)
        periods.append(PeriodRow(f"{prefix}{n}", f"{n} период", start, end))
        after = end + dt.timedelta(days=1)
        days_off.append(
            DayOff(
                name="Каникулы",
                kind="vacation",
                starts_on=after,
                ends_on=after + dt.timedelta(days=gap - 1),
            )
        )
        start = after + dt.timedelta(days=gap)
    return tuple(periods), days_off


@given(
    spans,
    spans,
    st.lists(st.integers(1, 11), max_size=11, unique=True),
    st.sampled_from(range(1, 12)),
)
@settings(max_examples=100, deadline=None)
def test_every_school_day_of_a_class_lies_in_exactly_one_of_its_periods(own, other, grades, grade):
    year_periods, year_off = scheme("q", own)
    scheme_periods, scheme_off = scheme("h", other)
    plan_config = config(
        dict.fromkeys(grades, scheme_periods),
        days_off=(*year_off, *scheme_off),
        grades={"c": grade},
        periods=year_periods,
    )
    periods = class_periods(plan_config, "c")
    assert periods == (scheme_periods if grade in grades else year_periods)
    whole = DateRange(SEPT, dt.date(2027, 8, 31))
    first, last = periods[0].starts_on, periods[-1].ends_on
    for day in plan_config.plan.school_days(first, last):
        holding = [p for p in periods if p.starts_on <= day <= p.ends_on]
        assert len(holding) == 1, day
        assert select_period(periods, None, day, whole).period_id == holding[0].period_id


marks_on_the_scale = st.lists(
    st.tuples(st.sampled_from(("2", "3", "4", "5", "н/а")), st.sampled_from(("1", "2", "0.5"))),
    max_size=8,
)
pass_fail_marks = st.lists(st.sampled_from(("зач", "незач", "н/а", "осв")), max_size=8)


@given(marks_on_the_scale, pass_fail_marks, st.booleans())
@settings(max_examples=150, deadline=None)
def test_averages_ignore_pass_fail_marks(scale_marks, passed, on_a_scale_lesson):
    """Pass/fail marks change no average: neither in a pass/fail subject's lessons nor, should
    one stand on a lesson of a subject on the scale, there."""
    lessons = (lesson("m", "5a", "math"), lesson("u", "5a", "music", 8))
    numeric = tuple(
        MarkRow("m", f"m{i}", ANNA, value, "answer", Decimal(weight), None, True, False)
        for i, (value, weight) in enumerate(scale_marks)
    )
    target = "m" if on_a_scale_lesson else "u"
    extra = tuple(
        MarkRow(target, f"x{i}", ANNA, value, "answer", Decimal(1), None, True, False)
        for i, value in enumerate(passed)
    )
    found = LessonSet(lessons=lessons, marks=(*numeric, *extra))
    _, avg = pupil_marks(ANNA, found, PLANNED)
    expected = weighted_average(numeric, SCALE)
    assert avg == (None if expected is None else f"{expected:.2f}")
