"""Dates and times as both web apps' pages write them, in Russian: «пн, 14 сентября»,
«понедельник, 14 сентября 2026», «14 сентября 2026», «14–20 сентября 2026», «14.09»,
«сегодня, 10:05».

Pure wording, in the kernel so that both apps' domains (the school's pages and the portal's)
share one spelling of the months and weekdays; the domains may import nothing of
`services.common`.
"""

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
"""The months in the genitive, as a date names them («14 сентября»)."""
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


def full_date(day: dt.date) -> str:
    """«14 сентября 2026»."""
    return f"{day_month(day)} {day.year}"


def short_day(day: dt.date) -> str:
    """«пн, 14 сентября»."""
    return f"{SHORT_WEEKDAYS[day.weekday()]}, {day_month(day)}"


def long_day(day: dt.date) -> str:
    """«понедельник, 14 сентября 2026»."""
    return f"{WEEKDAYS[day.weekday()]}, {full_date(day)}"


def date_range(first: dt.date, last: dt.date) -> str:
    """«14–20 сентября 2026», «28 сентября – 4 октября 2026», «28 декабря 2026 – 3 января
    2027»; one day: «14 сентября 2026»."""
    if first == last:
        return full_date(first)
    if first.year != last.year:
        return f"{full_date(first)} – {full_date(last)}"
    if first.month != last.month:
        return f"{day_month(first)} – {full_date(last)}"
    return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"


def column_day(day: dt.date) -> str:
    """«14.09», as a grid's or a journal's column is headed."""
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
    return f"{full_date(day)}, {clock}"
