"""The school year a date belongs to: it starts on 1 September (2026 = 2026/27)."""

from __future__ import annotations

from datetime import date

FIRST_MONTH = 9


def school_year_of(day: date) -> int:
    """The school year's first calendar year: 2026 for any day from 2026-09-01 to 2027-08-31."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def year_label(year: int) -> str:
    """`2026/27`, as the school writes it."""
    return f"{year}/{(year + 1) % 100:02d}"
