"""When scheduled exports are due: a daily delta and a monthly full, in the school's time zone."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from contracts.diary import BatchKind


@dataclass(frozen=True, slots=True)
class Schedule:
    """A daily delta at `daily_at`; a full on day `monthly_day` at `monthly_at` (local times).

    A `monthly_day` past the end of a short month means that month's last day.
    """

    daily_at: dt.time
    monthly_day: int
    monthly_at: dt.time
    timezone: str

    def __post_init__(self) -> None:
        if not 1 <= self.monthly_day <= 31:
            msg = f"monthly_day must be 1..31, not {self.monthly_day}"
            raise ValueError(msg)
        ZoneInfo(self.timezone)  # fails now, not at the first run


def parse_time(text: str) -> dt.time:
    """`"19:00"` -> 19:00."""
    hours, _, minutes = text.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def next_daily(after: dt.datetime, schedule: Schedule) -> dt.datetime:
    """The first daily run strictly after `after` (an aware datetime)."""
    zone = ZoneInfo(schedule.timezone)
    day = after.astimezone(zone).date()
    while True:
        due = dt.datetime.combine(day, schedule.daily_at, tzinfo=zone)
        if due > after:
            return due
        day += dt.timedelta(days=1)


def next_monthly(after: dt.datetime, schedule: Schedule) -> dt.datetime:
    """The first monthly run strictly after `after` (an aware datetime)."""
    zone = ZoneInfo(schedule.timezone)
    local = after.astimezone(zone)
    year, month = local.year, local.month
    while True:
        last = calendar.monthrange(year, month)[1]
        day = dt.date(year, month, min(schedule.monthly_day, last))
        due = dt.datetime.combine(day, schedule.monthly_at, tzinfo=zone)
        if due > after:
            return due
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def next_due(after: dt.datetime, schedule: Schedule) -> tuple[dt.datetime, tuple[BatchKind, ...]]:
    """The next moment strictly after `after` when something is due, and what (full first)."""
    daily, monthly = next_daily(after, schedule), next_monthly(after, schedule)
    due = min(daily, monthly)
    candidates: tuple[tuple[BatchKind, dt.datetime], ...] = (("full", monthly), ("delta", daily))
    kinds = tuple(kind for kind, when in candidates if when == due)
    return due, kinds
