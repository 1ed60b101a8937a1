"""Dates of the diary: weeks, periods of assessment, the school year, class membership."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class UnknownPeriod(Exception):
    """The school has no period of that id."""


@dataclass(frozen=True, slots=True)
class DateRange:
    """Days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        """True for a date within the range."""
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """True when [start, end] (end None: open) shares a day with the range."""
        return start <= self.end and (end is None or end >= self.start)


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """A period of assessment of the school's year."""

    period_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True, slots=True)
class Selected:
    """The days a view covers, and the period they are (None: the whole year)."""

    days: DateRange
    period_id: str | None


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A pupil's time in a class: from `since` to `last_day` (None while still in it)."""

    class_id: str
    pupil: str
    since: dt.date
    last_day: dt.date | None = None

    def on(self, day: dt.date) -> bool:
        """The pupil was in the class that day."""
        return self.since <= day and (self.last_day is None or day <= self.last_day)


def week_of(day: dt.date) -> DateRange:
    """The Monday-to-Sunday week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return DateRange(monday, monday + dt.timedelta(days=6))


def school_year(year: int, starts_on: dt.date | None, ends_on: dt.date | None) -> DateRange:
    """The school year's days: the school's calendar, else 1 September to 31 August."""
    return DateRange(starts_on or dt.date(year, 9, 1), ends_on or dt.date(year + 1, 8, 31))


def select_period(
    periods: Sequence[PeriodRow], period_id: str | None, today: dt.date, year: DateRange
) -> Selected:
    """The period asked for, else the one containing today, else the whole year."""
    if period_id is not None:
        for period in periods:
            if period.period_id == period_id:
                return Selected(DateRange(period.starts_on, period.ends_on), period_id)
        raise UnknownPeriod(period_id)
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return Selected(DateRange(period.starts_on, period.ends_on), period.period_id)
    return Selected(year, None)


def classes_on(memberships: Iterable[MemberRow], day: dt.date) -> frozenset[str]:
    """The classes the pupil belonged to on `day`."""
    return frozenset(m.class_id for m in memberships if m.on(day))


def member_on(memberships: Iterable[MemberRow], class_id: str, day: dt.date) -> bool:
    """The pupil belonged to `class_id` on `day`."""
    return any(m.class_id == class_id and m.on(day) for m in memberships)
