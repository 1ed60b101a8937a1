"""The school year's periods as the roster gives them, and which dates a page shows: the current
period by default, `?from=&to=` when asked, and the period whose marks go beside them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Period:
    """A period of assessment (a quarter, a half) as the roster gives it."""

    period_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    closed: bool = False


def periods_of(roster: Mapping[str, Any]) -> list[Period]:
    """The roster's periods, in its order."""
    return [
        Period(
            str(p["period_id"]),
            str(p["name"]),
            dt.date.fromisoformat(p["starts_on"]),
            dt.date.fromisoformat(p["ends_on"]),
            bool(p.get("closed", False)),
        )
        for p in roster.get("periods", [])
    ]


def default_range(
    periods: Sequence[Period], today: dt.date, year_start: dt.date
) -> tuple[dt.date, dt.date]:
    """The current period; between periods (holidays) or outside them, 1 September → today."""
    current = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
    if current is not None:
        return current.starts_on, current.ends_on
    return year_start, max(year_start, today)


def chosen_range(
    date_from: str | None, date_to: str | None, default: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """`?from=&to=` (each defaulting on its own); reversed dates are put in order."""
    start, end = _date(date_from, default[0]), _date(date_to, default[1])
    return (start, end) if start <= end else (end, start)


def given_range(date_from: str | None, date_to: str | None) -> tuple[dt.date, dt.date] | None:
    """Both dates of `?from=&to=` when both are given and valid (in order), else None."""
    try:
        start, end = dt.date.fromisoformat(date_from or ""), dt.date.fromisoformat(date_to or "")
    except ValueError:
        return None
    return (start, end) if start <= end else (end, start)


def _date(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def period_for(periods: Iterable[Period], start: dt.date, end: dt.date) -> Period | None:
    """The period the range shows most of (its marks fill the last column), or None."""
    best: Period | None = None
    best_days = 0
    for period in periods:
        days = (min(end, period.ends_on) - max(start, period.starts_on)).days + 1
        if days > best_days:
            best, best_days = period, days
    return best
