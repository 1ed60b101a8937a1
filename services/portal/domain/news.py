"""«Что нового»: the diary's changes of a child as sentences a parent reads.

Each change (`GET …/pupils/{pupil}/changes`) becomes an item: what happened («Новая оценка 5»,
«Оценка исправлена: было 3, стало 4»), in which subject and lesson, and whether it is newer than
what the parent has seen (`seen_up_to` of the child in the profile: «новое»). Names of persons
never appear: the diary has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from kernel.russian_dates import day_month, short_day
from kernel.year_plan import value_label
from services.portal.domain.marks import letter_meaning, weight_text
from services.portal.domain.periods import period_name


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One change as the page shows it."""

    change_id: int
    kind: str
    is_new: bool
    headline: str
    change: str | None
    """«было 3, стало 4» for a correction, else None."""
    details: tuple[str, ...]
    subject: str
    subject_id: str
    lesson_date: dt.date | None
    lesson_day: str | None
    """«пн, 14 сентября»: the day of the lesson the change is about."""
    recorded: str


def _was_became(old: str | None, new: str | None) -> str:
    return f"было {old or '—'}, стало {new or '—'}"


def _value(c: Mapping[str, Any], which: str) -> str | None:
    """A mark's old or new value as it reads («зачтено» for «зач»): the diary's label, else
    the kernel's reading of the value."""
    label = c.get(f"{which}_label")
    value = c.get(which)
    return str(label) if label else (value_label(str(value)) if value else value)


def _mark(c: Mapping[str, Any]) -> tuple[str, str | None, list[str]]:
    about = [str(c.get("work_kind_name") or "оценка")]
    weight = weight_text(c.get("weight"))
    about += [weight] if weight else []
    kind = c["kind"]
    old, new = _value(c, "old"), _value(c, "new")
    if kind == "mark_added":
        return f"Новая оценка {new}", None, [", ".join(about)]
    if kind == "mark_corrected":
        change = _was_became(old, new)
        return f"Оценка исправлена: {change}", change, [", ".join(about)]
    return f"Оценка {old} отменена", None, [", ".join(about)]


def _absence(c: Mapping[str, Any]) -> tuple[str, str | None, list[str]]:
    old, new = c.get("old"), c.get("new")
    kind = c["kind"]
    if kind == "absence_added":
        return f"Пропуск: {new}", None, [letter_meaning(str(new))]
    if kind == "absence_changed":
        change = _was_became(old, new)
        return f"Причина пропуска указана: {change}", change, [letter_meaning(str(new))]
    return f"Отметка о пропуске снята (было {old})", None, []


def _homework(c: Mapping[str, Any]) -> tuple[str, str | None, list[str]]:
    details = [str(c.get("new") or "задание снято")]
    due = c.get("due_on")
    if due:
        details.append(f"сдать к {short_day(dt.date.fromisoformat(str(due)))}")
    headline = "Домашнее задание изменено" if c.get("old") else "Новое домашнее задание"
    return headline, None, details


def _period_mark(c: Mapping[str, Any]) -> tuple[str, str | None, list[str]]:
    period = period_name(str(c.get("period_id") or ""), c.get("period_name"))
    old, new = _value(c, "old"), _value(c, "new")
    if old:
        change = _was_became(old, new)
        return f"Оценка за период «{period}» исправлена: {change}", change, []
    return f"Оценка за период «{period}»: {new}", None, []


_WORDING: Final = {
    "mark_added": _mark,
    "mark_corrected": _mark,
    "mark_removed": _mark,
    "absence_added": _absence,
    "absence_changed": _absence,
    "absence_removed": _absence,
    "homework_set": _homework,
    "period_mark_set": _period_mark,
}


def recorded_text(when: dt.datetime, tz: dt.tzinfo) -> str:
    """«5 декабря, 14:03» in the school's time zone."""
    local = when.astimezone(tz)
    return f"{day_month(local.date())}, {local:%H:%M}"


def news_item(change: Mapping[str, Any], seen_up_to: int, tz: dt.tzinfo) -> NewsItem:
    """One change of the diary's answer; `is_new` when newer than `seen_up_to`."""
    kind = str(change["kind"])
    wording = _WORDING.get(kind)
    headline, was_became, details = (
        wording(change) if wording else ("Изменение в дневнике", None, [])
    )
    lesson_date = dt.date.fromisoformat(str(change["date"])) if change.get("date") else None
    recorded = dt.datetime.fromisoformat(str(change["recorded_at"]))
    return NewsItem(
        change_id=int(change["change_id"]),
        kind=kind,
        is_new=int(change["change_id"]) > seen_up_to,
        headline=headline,
        change=was_became,
        details=tuple(details),
        subject=str(change.get("subject_name") or change["subject_id"]),
        subject_id=str(change["subject_id"]),
        lesson_date=lesson_date,
        lesson_day=short_day(lesson_date) if lesson_date else None,
        recorded=recorded_text(recorded, tz),
    )


def news_items(
    changes: Iterable[Mapping[str, Any]], seen_up_to: int, tz: dt.tzinfo
) -> list[NewsItem]:
    """The changes in the diary's order (newest first)."""
    return [news_item(c, seen_up_to, tz) for c in changes]


def unseen(changes: Iterable[Mapping[str, Any]], seen_up_to: int) -> int:
    """How many of the changes are newer than `seen_up_to`."""
    return sum(1 for c in changes if int(c["change_id"]) > seen_up_to)


def marker_to_send(latest: int, seen_up_to: int) -> int | None:
    """The "seen up to" value to record after showing the feed: `latest` when it moves the
    marker forward, else None (nothing to send: the marker only moves forward)."""
    return latest if latest > seen_up_to else None
