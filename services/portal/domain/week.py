"""A week of the diary: its days from Monday, each with its lessons in the order they came.

The diary answers a pupil's week as one list of lessons (ordered by date and slot); the page
shows it day by day. Monday to Saturday are always shown (a day without lessons says so),
Sunday only when a lesson falls on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
_WEEK = 7
_SCHOOL_DAYS = 6


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    """Monday to Sunday of the week starting `monday`."""
    return [monday + dt.timedelta(days=i) for i in range(_WEEK)]


def neighbour_weeks(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Mondays of the week before and the week after the week of `day`."""
    monday = monday_of(day)
    return monday - dt.timedelta(days=_WEEK), monday + dt.timedelta(days=_WEEK)


@dataclass(frozen=True, slots=True)
class Day(Generic[T]):
    """One day of the week and its lessons, in the order the diary gave them."""

    date: dt.date
    lessons: tuple[T, ...]


def group_by_day(
    lessons: Iterable[T], monday: dt.date, date_of: Callable[[T], dt.date]
) -> list[Day[T]]:
    """The week from `monday`, day by day: every lesson of the week once, on its date, keeping
    the order of `lessons` within a day. A lesson dated outside the week is not shown (the
    diary never sends one). Sunday is listed only when it has a lesson."""
    days = week_days(monday)
    by_date: dict[dt.date, list[T]] = {day: [] for day in days}
    for lesson in lessons:
        found = by_date.get(date_of(lesson))
        if found is not None:
            found.append(lesson)
    shown = days[:_SCHOOL_DAYS] + [d for d in days[_SCHOOL_DAYS:] if by_date[d]]
    return [Day(day, tuple(by_date[day])) for day in shown]
