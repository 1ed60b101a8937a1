"""The teacher's day, its pure part: which day the page shows, the days around it, and the
school's words for a lesson's status and what is still missing on it (the journal's own list)."""

from __future__ import annotations

import datetime as dt
from typing import Final

MONTHS: Final = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
WEEKDAYS: Final = (
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
)
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


def long_date(day: dt.date, *, weekday: bool = True) -> str:
    """«суббота, 5 декабря 2026» (the weekday optional)."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def short_date(day: dt.date) -> str:
    """«05.12», as a journal's column is headed."""
    return f"{day:%d.%m}"


def missing_labels(missing: list[str]) -> list[str]:
    """The journal's `missing` list in the school's words (an unknown item as it came)."""
    return [MISSING.get(item, item) for item in missing]
