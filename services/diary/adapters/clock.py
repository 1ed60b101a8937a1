"""The school's clock: the local date of the school's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class SchoolClock:
    """Real time in the school's time zone."""

    def __init__(self, timezone: str) -> None:
        self._zone = ZoneInfo(timezone)

    def today(self) -> dt.date:
        """Today's date where the school is."""
        return dt.datetime.now(self._zone).date()
