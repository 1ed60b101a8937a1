"""Today's date in the school's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


class SchoolClock:
    """The school's calendar day (a lesson at 08:30 Moscow time is on Moscow's date)."""

    def __init__(self, timezone: str) -> None:
        self._zone = ZoneInfo(timezone)

    def today(self) -> date:
        """The current date where the school is."""
        return datetime.now(self._zone).date()
