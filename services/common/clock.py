"""The one clock of every service: the current moment, and the calendar of the school.

Moments are aware and in UTC (events are stamped with them); dates are the school's local ones
(a lesson at 08:30 Moscow time is on Moscow's date, whatever the server's zone). Application
code asks the `Clock` port, so tests can stand the time still.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """The time as the services read it."""

    def now(self) -> dt.datetime:
        """The current moment (aware, UTC)."""
        ...

    def today(self) -> dt.date:
        """Today's date where the school is."""
        ...

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The date where the school is at `moment`."""
        ...


class SchoolClock:
    """Real time, dated in the school's time zone."""

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
