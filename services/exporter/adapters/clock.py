"""The wall clock."""

from __future__ import annotations

import datetime as dt


class SystemClock:
    """`Clock` on the system time, in UTC."""

    def now(self) -> dt.datetime:
        """Now."""
        return dt.datetime.now(dt.UTC)
