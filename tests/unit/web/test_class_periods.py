"""The periods a page about a class offers: those of the class's grade (quarters in 5–9, halves
in 10–11), as the roster lists every period of any grade with the grades working in it."""

from __future__ import annotations

import datetime as dt

from services.web.domain.periods import (
    class_periods,
    default_range,
    grade_of,
    grades_text,
    period_for,
    periods_of,
)

ROSTER = {
    "periods": [
        {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
         "ends_on": "2026-10-26", "closed": True, "grades": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
        {"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01",
         "ends_on": "2026-12-28", "closed": False, "grades": [10, 11]},
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28", "closed": False, "grades": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
        {"period_id": "h2", "name": "2 полугодие", "starts_on": "2027-01-12",
         "ends_on": "2027-05-31", "closed": False, "grades": [10, 11]},
    ],
    "classes": [
        {"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t1"},
        {"class_id": "10a", "grade": 10, "label": "10А", "class_teacher_id": "t2"},
    ],
}  # fmt: skip


def ids(periods) -> list[str]:
    return [p.period_id for p in periods]


def test_a_class_gets_the_periods_of_its_grade_only():
    assert ids(class_periods(ROSTER, "5a")) == ["q1", "q2"]
    assert ids(class_periods(ROSTER, "10a")) == ["h1", "h2"]


def test_a_class_the_roster_does_not_know_gets_every_period():
    assert grade_of(ROSTER, "7z") is None
    assert ids(class_periods(ROSTER, "7z")) == ["q1", "h1", "q2", "h2"]


def test_a_period_without_grades_is_every_grades_as_before_per_grade_periods():
    old = {"periods": [{"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
                        "ends_on": "2026-10-26"}]}  # fmt: skip
    [period] = periods_of(old, 10)
    assert (period.grades, period.grades_text) == (None, "все классы")


def test_a_period_no_grade_works_in_is_no_classs():
    lonely = {"periods": [{"period_id": "t1", "name": "1 триместр", "starts_on": "2026-09-01",
                           "ends_on": "2026-11-30", "grades": []}]}  # fmt: skip
    assert periods_of(lonely, 5) == []
    assert periods_of(lonely)[0].grades_text == "ни один класс"


def test_the_default_dates_and_the_period_mark_column_follow_the_classs_periods():
    today = dt.date(2026, 11, 20)
    start = dt.date(2026, 9, 1)
    fifth, tenth = class_periods(ROSTER, "5a"), class_periods(ROSTER, "10a")

    assert default_range(fifth, today, start) == (dt.date(2026, 11, 5), dt.date(2026, 12, 28))
    assert default_range(tenth, today, start) == (dt.date(2026, 9, 1), dt.date(2026, 12, 28))
    period = period_for(tenth, dt.date(2026, 9, 1), dt.date(2026, 12, 28))
    assert period is not None
    assert period.period_id == "h1"


def test_closed_is_per_period_of_the_grade():
    assert [p.closed for p in class_periods(ROSTER, "5a")] == [True, False]
    assert [p.closed for p in class_periods(ROSTER, "10a")] == [False, False]


def test_grades_are_written_as_the_school_writes_them():
    assert grades_text([5]) == "5 класс"
    assert grades_text([11, 10]) == "10–11 классы"
    assert grades_text([1, 3, 5, 6, 7, 8, 9]) == "1, 3, 5–9 классы"
    assert grades_text([]) == "ни один класс"
