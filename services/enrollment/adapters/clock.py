"""The school's clock: aware UTC moments and local dates of the school's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class SchoolClock:
    """Real time in the school's time zone."""

    def __init__(self, timezone: str) -> None:
        self._zone = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        """The current moment (UTC)."""
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """Today's date where the school is."""
        return dt.datetime.now(self._zone).date()

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The date where the school is at `moment`."""
        return moment.astimezone(self._zone).date()
