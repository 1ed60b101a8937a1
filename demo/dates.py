"""The school calendar: the year, its quarters (halves for grades 10–11), the vacations and
public holidays, and the days of the term."""

from __future__ import annotations

import datetime as dt
import functools

from contracts.journal import DayOff, Period

# (id, name, first day, last day) with days as (month, day), for a year from September.
_QUARTERS = (
    ("q1", "1 четверть", (9, 1), (10, 26)),
    ("q2", "2 четверть", (11, 5), (12, 28)),
    ("q3", "3 четверть", (1, 12), (3, 20)),
    ("q4", "4 четверть", (3, 30), (5, 31)),
)
_HALVES = (
    ("h1", "1 полугодие", (9, 1), (12, 28)),
    ("h2", "2 полугодие", (1, 12), (5, 31)),
)
_VACATIONS = (
    ("Осенние каникулы", (10, 27), (11, 4)),
    ("Зимние каникулы", (12, 29), (1, 11)),
    ("Весенние каникулы", (3, 21), (3, 29)),
)
# Public holidays that fall inside quarters (23 February, 8 March, 1 and 9 May, with the
# weekdays they move to).
_HOLIDAYS = ((2, 23), (3, 8), (5, 1), (5, 3), (5, 9), (5, 10))


def _on(year: int, month_day: tuple[int, int]) -> dt.date:
    """The date in the school year that starts in September of `year`."""
    month, day = month_day
    return dt.date(year if month >= 9 else year + 1, month, day)


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the school year."""
    return dt.date(year, 9, 1), dt.date(year + 1, 5, 31)


def preparation_day(year: int) -> dt.date:
    """The day the school records its year before the first lesson (configuration, staff,
    pupils, classes, timetable, the lessons' schedule): the eve of 1 September."""
    return year_span(year)[0] - dt.timedelta(days=1)


def quarters(year: int) -> tuple[Period, ...]:
    """The four quarters of the school year."""
    return tuple(
        Period(period_id=pid, name=name, starts_on=_on(year, first), ends_on=_on(year, last))
        for pid, name, first, last in _QUARTERS
    )


def halves(year: int) -> tuple[Period, ...]:
    """The two halves of the school year (grades 10–11)."""
    return tuple(
        Period(period_id=pid, name=name, starts_on=_on(year, first), ends_on=_on(year, last))
        for pid, name, first, last in _HALVES
    )


@functools.cache
def days_off(year: int) -> tuple[DayOff, ...]:
    """The vacations between the quarters and the public holidays inside them."""
    vacations = tuple(
        DayOff(name=name, kind="vacation", starts_on=_on(year, first), ends_on=_on(year, last))
        for name, first, last in _VACATIONS
    )
    holidays = tuple(
        DayOff(name="Праздничный день", kind="holiday", starts_on=day, ends_on=day)
        for day in (_on(year, month_day) for month_day in _HOLIDAYS)
    )
    return vacations + holidays


def is_school_day(year: int, day: dt.date) -> bool:
    """Monday to Friday, inside the school year, and not a day off (the vacations lie between
    the quarters, so this is inside a quarter, too)."""
    first, last = year_span(year)
    if day.isoweekday() > 5 or not first <= day <= last:
        return False
    return all(not d.starts_on <= day <= d.ends_on for d in days_off(year))


def term_days(year: int, weeks: int) -> tuple[dt.date, ...]:
    """The school days of the first `weeks` weeks from 1 September."""
    start, last = year_span(year)
    end = min(last, start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1))
    days = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return tuple(day for day in days if is_school_day(year, day))
