"""The school's bell schedule: when each lesson slot of the timetable starts and ends.

The diary knows a lesson's slot (1st, 2nd, … lesson of the day), not its clock time: the journal
has no bell schedule. The portal shows the common default of a Russian school (`DEFAULT_BELLS`),
documented here so a school with another one changes it in one place:

- the first lesson starts at 08:30; a lesson lasts 45 minutes;
- breaks are 10 minutes, except the 20-minute break after the 3rd lesson (the canteen's).

So: 1 → 08:30–09:15, 2 → 09:25–10:10, 3 → 10:20–11:05, 4 → 11:25–12:10, 5 → 12:20–13:05, …
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

_DAY_MINUTES: Final = 24 * 60


@dataclass(frozen=True, slots=True)
class BellSchedule:
    """Lessons of `lesson_minutes` from `first_start`, `break_minutes` apart, except the longer
    breaks of `long_breaks` (after slot → minutes)."""

    first_start: dt.time = dt.time(8, 30)
    lesson_minutes: int = 45
    break_minutes: int = 10
    long_breaks: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({3: 20}))

    def times(self, slot: int) -> tuple[dt.time, dt.time] | None:
        """The start and end of lesson `slot` (1-based); None for a slot outside the day."""
        if slot < 1:
            return None
        start = self.first_start.hour * 60 + self.first_start.minute
        for before in range(1, slot):
            start += self.lesson_minutes + self.long_breaks.get(before, self.break_minutes)
        end = start + self.lesson_minutes
        if end >= _DAY_MINUTES:
            return None
        return dt.time(start // 60, start % 60), dt.time(end // 60, end % 60)

    def span(self, slot: int) -> str:
        """«08:30–09:15», or «N-й урок» when the slot is outside the day."""
        times = self.times(slot)
        if times is None:
            return f"{slot}-й урок"
        start, end = times
        return f"{start:%H:%M}–{end:%H:%M}"


DEFAULT_BELLS: Final = BellSchedule()
"""The default schedule (see the module's docstring)."""
