"""The school's pupils as the name guard sees them when the journal writes: for sealing each
free text that names a pupil under their key (`contracts.personal`, "Texts that name a pupil")
and for warning the teacher who typed it (`name_warnings`).

The roster is the journal's roster view. A guard over a school's pupils is kept while the
view's pupils of the school have not changed (their count and the last event applied to one,
one indexed query), so a save pays for reading a thousand names only after a registration, a
correction or an erasure. A pupil is known here once the view has applied their registration
(the view's lag, usually milliseconds): a text naming them before that travels as typed, and
the exporter's own guard still keeps the name from the diary.
"""

from __future__ import annotations

import asyncio

from services.common.name_guard import RosterGuard
from services.journal.application.roster_reads import RosterViews


class RosterPupilNames:
    """`services.common.named_sealing.PupilNames` over the journal's roster view."""

    def __init__(self, views: RosterViews) -> None:
        self._views = views
        self._guards: dict[str, tuple[tuple[int, int], RosterGuard]] = {}
        self._lock = asyncio.Lock()

    async def latest(self, school: str) -> RosterGuard:
        """The guard last checked for the school, without checking again (the warnings about a
        save's texts: the save checked it a moment ago); `guard` when there is none."""
        kept = self._guards.get(school)
        return kept[1] if kept is not None else await self.guard(school)

    async def guard(self, school: str) -> RosterGuard:
        """The guard over every pupil the school registered, as the view holds them now."""
        version = await self._views.pupils_version(school)
        kept = self._guards.get(school)
        if kept is not None and kept[0] == version:
            return kept[1]
        async with self._lock:  # concurrent saves wait for one read instead of each reading
            kept = self._guards.get(school)
            if kept is not None and kept[0] == version:
                return kept[1]
            guard = RosterGuard(await self._views.pupil_names(school))
            self._guards[school] = (version, guard)
            return guard
