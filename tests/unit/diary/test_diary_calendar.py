"""Weeks, periods and membership dates of the diary."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.diary.domain.calendar import (
    DateRange,
    MemberRow,
    PeriodRow,
    UnknownPeriod,
    classes_on,
    school_year,
    select_period,
    week_of,
)

Q1 = PeriodRow("q1", "1", dt.date(2026, 9, 1), dt.date(2026, 10, 25))
Q2 = PeriodRow("q2", "2", dt.date(2026, 11, 5), dt.date(2026, 12, 28))
YEAR = school_year(2026, None, None)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
def test_a_week_runs_monday_to_sunday_around_the_date(day):
    week = week_of(day)
    assert week.start.weekday() == 0
    assert week.end - week.start == dt.timedelta(days=6)
    assert day in week


def test_the_year_defaults_to_september_to_august():
    assert DateRange(dt.date(2026, 9, 1), dt.date(2027, 8, 31)) == YEAR
    assert school_year(2026, dt.date(2026, 9, 2), None).start == dt.date(2026, 9, 2)


def test_a_period_by_id_by_today_or_the_whole_year():
    assert select_period([Q1, Q2], "q2", dt.date(2026, 9, 5), YEAR).period_id == "q2"
    today = select_period([Q1, Q2], None, dt.date(2026, 10, 1), YEAR)
    assert (today.period_id, today.days) == ("q1", DateRange(Q1.starts_on, Q1.ends_on))
    holidays = select_period([Q1, Q2], None, dt.date(2026, 11, 1), YEAR)
    assert (holidays.period_id, holidays.days) == (None, YEAR)
    with pytest.raises(UnknownPeriod):
        select_period([Q1], "q9", dt.date(2026, 10, 1), YEAR)


def test_membership_counts_from_since_to_last_day_inclusive():
    rows = [
        MemberRow("5a", "p", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        MemberRow("5b", "p", dt.date(2026, 10, 1)),
    ]
    assert classes_on(rows, dt.date(2026, 9, 30)) == {"5a"}
    assert classes_on(rows, dt.date(2026, 10, 1)) == {"5b"}
    assert classes_on(rows, dt.date(2026, 8, 31)) == frozenset()
    assert DateRange(dt.date(2026, 9, 25), dt.date(2026, 10, 5)).overlaps(
        dt.date(2026, 10, 5), None
    )
