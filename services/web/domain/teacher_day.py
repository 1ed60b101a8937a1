"""The teacher's day, its pure part: which day the page shows, the days around it, and the
school's words for a lesson's status and what is still missing on it (the journal's own list).
Its dates are written by `kernel.russian_dates`, as the portal's are."""

from __future__ import annotations

import datetime as dt
from typing import Final

STATUS: Final = {"scheduled": "не проведён", "held": "проведён", "cancelled": "отменён"}
MISSING: Final = {
    "topic": "нет темы",
    "held": "не отмечен как проведённый",
    "attendance": "не отмечена посещаемость",
}


def chosen_day(text: str | None, today: dt.date) -> dt.date:
    """The day asked for in `?date=` (YYYY-MM-DD), else today."""
    try:
        return dt.date.fromisoformat(text) if text else today
    except ValueError:
        return today


def neighbours(day: dt.date) -> tuple[dt.date, dt.date]:
    """The previous and the next day."""
    return day - dt.timedelta(days=1), day + dt.timedelta(days=1)


def missing_labels(missing: list[str]) -> list[str]:
    """The journal's `missing` list in the school's words (an unknown item as it came)."""
    return [MISSING.get(item, item) for item in missing]
