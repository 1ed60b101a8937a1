"""The week's grouping by day, the school's bells and Russian dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from kernel.russian_dates import date_range, long_day, short_day
from services.portal.domain.bells import DEFAULT_BELLS, BellSchedule
from services.portal.domain.week import group_by_day, monday_of, neighbour_weeks

MONDAY = dt.date(2026, 9, 14)


def test_the_default_bells_have_a_long_break_after_the_third_lesson():
    spans = [DEFAULT_BELLS.span(slot) for slot in range(1, 8)]

    assert spans == [
        "08:30–09:15",
        "09:25–10:10",
        "10:20–11:05",
        "11:25–12:10",
        "12:20–13:05",
        "13:15–14:00",
        "14:10–14:55",
    ]


def test_a_school_gives_its_own_bells():
    bells = BellSchedule(dt.time(9, 0), 40, 5, {})

    assert bells.span(3) == "10:30–11:10"


def test_a_slot_outside_the_day_is_shown_by_its_number():
    assert DEFAULT_BELLS.span(0) == "0-й урок"


def test_dates_read_the_russian_way():
    assert short_day(MONDAY) == "пн, 14 сентября"
    assert long_day(dt.date(2026, 12, 5)) == "суббота, 5 декабря 2026"
    assert date_range(MONDAY, MONDAY + dt.timedelta(days=6)) == "14–20 сентября 2026"
    assert date_range(dt.date(2026, 9, 28), dt.date(2026, 10, 4)) == "28 сентября – 4 октября 2026"
    assert (
        date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "28 декабря 2026 – 3 января 2027"
    )


def test_weeks_start_on_monday_and_step_by_seven_days():
    assert monday_of(dt.date(2026, 9, 20)) == MONDAY
    assert monday_of(MONDAY) == MONDAY
    assert neighbour_weeks(dt.date(2026, 9, 17)) == (dt.date(2026, 9, 7), dt.date(2026, 9, 21))


def test_a_week_shows_monday_to_saturday_and_sunday_only_with_a_lesson():
    plain = group_by_day([], MONDAY, lambda d: d)
    with_sunday = group_by_day([MONDAY + dt.timedelta(days=6)], MONDAY, lambda d: d)

    assert [d.date.weekday() for d in plain] == [0, 1, 2, 3, 4, 5]
    assert [d.date.weekday() for d in with_sunday] == [0, 1, 2, 3, 4, 5, 6]
    assert with_sunday[-1].lessons == (MONDAY + dt.timedelta(days=6),)


lessons = st.lists(
    st.tuples(st.integers(0, 6), st.integers(1, 12), st.uuids()).map(
        lambda t: (MONDAY + dt.timedelta(days=t[0]), t[1], t[2].hex)
    ),
    max_size=40,
)


@given(lessons)
def test_grouping_keeps_every_lesson_of_the_week_once_on_its_day_in_order(week):
    days = group_by_day(week, MONDAY, lambda lesson: lesson[0])

    regrouped = [lesson for day in days for lesson in day.lessons]
    assert Counter(regrouped) == Counter(week)
    for day in days:
        assert list(day.lessons) == [lesson for lesson in week if lesson[0] == day.date]


@given(lessons.map(sorted))
def test_a_week_in_the_diary_s_order_reads_back_in_that_order(week):
    days = group_by_day(week, MONDAY, lambda lesson: lesson[0])

    assert [lesson for day in days for lesson in day.lessons] == week


@given(lessons, st.integers(-30, 30).filter(lambda n: not 0 <= n <= 6))
def test_a_lesson_outside_the_week_is_never_shown(week, offset):
    stray = (MONDAY + dt.timedelta(days=offset), 1, "stray")

    days = group_by_day([*week, stray], MONDAY, lambda lesson: lesson[0])

    assert all(stray not in day.lessons for day in days)
