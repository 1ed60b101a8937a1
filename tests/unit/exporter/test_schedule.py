"""When the scheduled exports are due."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from services.exporter.domain.schedule import (
    Schedule,
    next_daily,
    next_due,
    next_monthly,
    parse_time,
)

MSK = ZoneInfo("Europe/Moscow")
DEFAULT = Schedule(parse_time("19:00"), 1, parse_time("20:00"), "Europe/Moscow")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


def test_daily_is_today_before_the_hour_and_tomorrow_after_it():
    assert next_daily(at(2026, 9, 7, 18, 59), DEFAULT) == at(2026, 9, 7, 19, 0)
    assert next_daily(at(2026, 9, 7, 19, 0), DEFAULT) == at(2026, 9, 8, 19, 0)


def test_daily_respects_the_time_zone():
    utc = dt.datetime(2026, 9, 7, 15, 30, tzinfo=dt.UTC)  # 18:30 in Moscow
    assert next_daily(utc, DEFAULT) == dt.datetime(2026, 9, 7, 16, 0, tzinfo=dt.UTC)


def test_monthly_on_its_day_and_the_last_day_of_short_months():
    assert next_monthly(at(2026, 9, 1, 19, 0), DEFAULT) == at(2026, 9, 1, 20, 0)
    assert next_monthly(at(2026, 9, 1, 20, 0), DEFAULT) == at(2026, 10, 1, 20, 0)
    assert next_monthly(at(2026, 12, 5, 0, 0), DEFAULT) == at(2027, 1, 1, 20, 0)
    late = Schedule(parse_time("19:00"), 31, parse_time("20:00"), "Europe/Moscow")
    assert next_monthly(at(2027, 2, 1, 0, 0), late) == at(2027, 2, 28, 20, 0)


def test_next_due_picks_the_earliest_and_names_both_when_they_coincide():
    assert next_due(at(2026, 9, 1, 19, 30), DEFAULT) == (at(2026, 9, 1, 20, 0), ("full",))
    assert next_due(at(2026, 9, 1, 20, 30), DEFAULT) == (at(2026, 9, 2, 19, 0), ("delta",))
    same = Schedule(parse_time("19:00"), 1, parse_time("19:00"), "Europe/Moscow")
    assert next_due(at(2026, 8, 31, 20, 0), same) == (at(2026, 9, 1, 19, 0), ("full", "delta"))


def test_a_bad_schedule_fails_at_once():
    with pytest.raises(ValueError, match="monthly_day"):
        Schedule(parse_time("19:00"), 0, parse_time("20:00"), "Europe/Moscow")
    with pytest.raises(Exception, match="Nowhere"):
        Schedule(parse_time("19:00"), 1, parse_time("20:00"), "Nowhere/City")
