"""Dates and times as the portal's pages write them, in Russian: «пн, 14 сентября»,
«понедельник, 14 сентября 2026», «14–20 сентября 2026», «сегодня, 10:05»."""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

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
SHORT_WEEKDAYS: Final = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def day_month(day: dt.date) -> str:
    """«14 сентября»."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def short_day(day: dt.date) -> str:
    """«пн, 14 сентября»."""
    return f"{SHORT_WEEKDAYS[day.weekday()]}, {day_month(day)}"


def long_day(day: dt.date) -> str:
    """«понедельник, 14 сентября 2026»."""
    return f"{WEEKDAYS[day.weekday()]}, {day_month(day)} {day.year}"


def date_range(first: dt.date, last: dt.date) -> str:
    """«14–20 сентября 2026», «28 сентября – 4 октября 2026», «28 декабря 2026 – 3 января
    2027»; one day: «14 сентября 2026»."""
    if first == last:
        return f"{day_month(first)} {first.year}"
    if first.year != last.year:
        return f"{day_month(first)} {first.year} – {day_month(last)} {last.year}"
    if first.month != last.month:
        return f"{day_month(first)} – {day_month(last)} {last.year}"
    return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"


def column_day(day: dt.date) -> str:
    """«14.09», as a grid's column is headed."""
    return f"{day:%d.%m}"


def moment_text(moment: dt.datetime, today: dt.date, zone: ZoneInfo) -> str:
    """When something happened, in the school's time zone, as briefly as it stays clear:
    «сегодня, 10:05», «вчера, 18:20», «пн, 14 сентября, 10:05», «14 сентября 2025, 10:05»."""
    local = moment.astimezone(zone)
    day, clock = local.date(), f"{local:%H:%M}"
    if day == today:
        return f"сегодня, {clock}"
    if day == today - dt.timedelta(days=1):
        return f"вчера, {clock}"
    if day.year == today.year:
        return f"{short_day(day)}, {clock}"
    return f"{day_month(day)} {day.year}, {clock}"
