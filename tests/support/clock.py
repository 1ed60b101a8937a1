"""The tests' one stand-in for the services' clock (`services.common.clock.Clock`): a moment
that stands still until a test moves it, dated in the zone the test gives (UTC unless told);
and `school_today()`, the real date at the demo school, for tests against a running system."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEMO_SCHOOL_ZONE = ZoneInfo("Europe/Moscow")


def school_today() -> dt.date:
    """Today at the demo school (Moscow), as a launched system's services date it: three hours
    ahead of UTC, so a test that writes "tomorrow" must not take it from UTC."""
    return dt.datetime.now(DEMO_SCHOOL_ZONE).date()


def at(day: dt.date, hour: int) -> dt.datetime:
    """`hour` o'clock UTC of `day`."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@dataclass
class FakeClock:
    """A clock fixed at `moment` (aware); its dates are those of `zone`."""

    moment: dt.datetime = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
    zone: dt.tzinfo = dt.UTC

    @classmethod
    def on(cls, day: dt.date, hour: int = 12) -> FakeClock:
        """Standing at `hour` o'clock UTC of `day` (noon: the same date in Russia's zones)."""
        return cls(at(day, hour))

    def now(self) -> dt.datetime:
        """The fixed moment."""
        return self.moment

    def today(self) -> dt.date:
        """The fixed moment's date in the clock's zone."""
        return self.local_date(self.moment)

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The date in the clock's zone at `moment`."""
        return moment.astimezone(self.zone).date()

    def set(self, day: dt.date, hour: int = 9) -> None:
        """Move to `hour` o'clock UTC of `day`."""
        self.moment = at(day, hour)
