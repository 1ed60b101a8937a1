"""Retention by rule: whose personal data is due to be erased, and why (pure).

The rule of the school (`JOURNAL_RETENTION__LEAVER_YEARS`): a pupil's personal data is erased
N years after they left the school. A pupil left

- on the last day of their last membership, when every membership of the latest school year
  they belonged to a class in has ended (they left during a year, or were withdrawn), or
- at the end of that school year, when they were still in a class on its last day but the
  next school year is opened and they belong to none of its classes (they graduated, or were
  not moved on).

A pupil who is still in a class (an open membership in the latest year, no later year opened
yet) never is due; neither is a pupil registered but never placed in a class (there is no
leaving date to count from), nor one erased already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

RULE_NAME = "срок хранения"


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """The school's rule: a leaver's personal data is erased `leaver_years` after leaving."""

    leaver_years: int


@dataclass(frozen=True, slots=True)
class Stay:
    """One interval of a pupil's membership of a class in a school year."""

    year: int
    class_id: str
    since: dt.date
    last_day: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PupilRecord:
    """A pupil of the school, every year they were registered in, with every membership."""

    pupil_id: str
    full_name: str
    stays: tuple[Stay, ...] = ()


@dataclass(frozen=True, slots=True)
class Leaving:
    """When and from which class a pupil left; `at_year_end` when they stayed to the end of the
    school year and did not go on into the next one."""

    left_on: dt.date
    class_id: str
    at_year_end: bool


@dataclass(frozen=True, slots=True)
class Due:
    """A pupil whose personal data the rule erases, since `due_on`, and the reason recorded."""

    pupil_id: str
    full_name: str
    class_id: str
    left_on: dt.date
    at_year_end: bool
    due_on: dt.date
    reason: str


def leaving(stays: Iterable[Stay], year_ends: Mapping[int, dt.date | None]) -> Leaving | None:
    """When the pupil left the school, or None while they have not (see the module's rules).

    `year_ends` has the last day of every opened school year of the school. Empty intervals (a
    move withdrawn before it took effect ends the day before it starts) do not count.
    """
    real = [s for s in stays if s.last_day is None or s.last_day >= s.since]
    if not real:
        return None
    latest = max(s.year for s in real)
    last_year = [s for s in real if s.year == latest]
    still = [s for s in last_year if s.last_day is None]
    if still:
        ends_on = year_ends.get(latest)
        if latest + 1 not in year_ends or ends_on is None:
            return None  # in a class; or the year is over but the next not opened yet
        stay = max(still, key=lambda s: (s.since, s.class_id))
        return Leaving(ends_on, stay.class_id, at_year_end=True)
    stay = max(last_year, key=lambda s: (s.last_day or s.since, s.class_id))
    assert stay.last_day is not None  # noqa: S101 - every stay of the year has ended
    return Leaving(stay.last_day, stay.class_id, at_year_end=False)


def due(
    pupils: Iterable[PupilRecord],
    year_ends: Mapping[int, dt.date | None],
    *,
    today: dt.date,
    leaver_years: int,
    erased: frozenset[str] = frozenset(),
) -> list[Due]:
    """The pupils whose data is due for erasure on `today`, by pupil id (the erased left out)."""
    found: list[Due] = []
    for pupil in sorted(pupils, key=lambda p: p.pupil_id):
        if pupil.pupil_id in erased:
            continue
        left = leaving(pupil.stays, year_ends)
        if left is None:
            continue
        due_on = add_years(left.left_on, leaver_years)
        if due_on <= today:
            text = reason(left, leaver_years)
            found.append(
                Due(
                    pupil.pupil_id,
                    pupil.full_name,
                    left.class_id,
                    left.left_on,
                    left.at_year_end,
                    due_on,
                    text,
                )
            )
    return found


def reason(left: Leaving, years: int) -> str:
    """The reason an erasure by the rule records («срок хранения: выбыл 2026-05-31, прошло
    5 лет»)."""
    how = " (по окончании учебного года)" if left.at_year_end else ""
    return f"{RULE_NAME}: выбыл {left.left_on.isoformat()}{how}, {years_passed(years)}"


def years_passed(years: int) -> str:
    """«прошёл 1 год», «прошло 3 года», «прошло 5 лет», «прошёл 21 год»."""
    last, tens = years % 10, years % 100
    if last == 1 and tens != 11:
        return f"прошёл {years} год"
    if 2 <= last <= 4 and not 12 <= tens <= 14:
        return f"прошло {years} года"
    return f"прошло {years} лет"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_run(after: dt.datetime, at: dt.time, timezone: str) -> dt.datetime:
    """The first moment strictly after `after` (aware) when the daily run is due, at local `at`."""
    zone = ZoneInfo(timezone)
    day = after.astimezone(zone).date()
    while True:
        due_at = dt.datetime.combine(day, at, tzinfo=zone)
        if due_at > after:
            return due_at
        day += dt.timedelta(days=1)
