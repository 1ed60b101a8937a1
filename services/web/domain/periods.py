"""The school year's periods as the roster gives them, and which dates a page shows: the current
period by default, `?from=&to=` when asked, and the period whose marks go beside them.

Grades work in different periods (quarters in 5–9, halves in 10–11): the roster lists every
period of any grade with the grades working in it, so a page about a class asks for the periods
of the class's grade (`class_periods`) and never offers another grade's.
"""

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
    grades: tuple[int, ...] | None = None  # the grades working in it (None: every grade)

    def is_of(self, grade: int | None) -> bool:
        """Whether a class of `grade` works in the period (None: a class of no known grade)."""
        return grade is None or self.grades is None or grade in self.grades

    @property
    def grades_text(self) -> str:
        """«5–9 классы»; «все классы» when the roster does not say."""
        return "все классы" if self.grades is None else grades_text(self.grades)


def periods_of(roster: Mapping[str, Any], grade: int | None = None) -> list[Period]:
    """The roster's periods, in its order; with `grade`, only those the grade works in (a
    period the roster gives no grades for is every grade's, as before per-grade periods)."""
    periods = [
        Period(
            str(p["period_id"]),
            str(p["name"]),
            dt.date.fromisoformat(p["starts_on"]),
            dt.date.fromisoformat(p["ends_on"]),
            bool(p.get("closed", False)),
            tuple(int(g) for g in p["grades"]) if "grades" in p else None,
        )
        for p in roster.get("periods", [])
    ]
    return [p for p in periods if p.is_of(grade)]


def grade_of(roster: Mapping[str, Any], class_id: str) -> int | None:
    """The class's grade as the roster gives it (None: no such class this year)."""
    found = next((c for c in roster.get("classes", []) if c.get("class_id") == class_id), None)
    grade = found.get("grade") if found else None
    return int(grade) if isinstance(grade, int) else None


def class_periods(roster: Mapping[str, Any], class_id: str) -> list[Period]:
    """The periods the class works in: those of its grade (a class the roster does not know
    gets every period, as the journal then answers it)."""
    return periods_of(roster, grade_of(roster, class_id))


def grades_text(grades: Iterable[int]) -> str:
    """Grades as the school writes them: «5 класс», «10–11 классы», «1, 3, 5–9 классы»;
    «ни один класс» for none."""
    ordered = sorted(set(grades))
    if not ordered:
        return "ни один класс"
    runs: list[list[int]] = []
    for grade in ordered:
        if runs and grade == runs[-1][-1] + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ", ".join(parts) + (" класс" if len(ordered) == 1 else " классы")


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
