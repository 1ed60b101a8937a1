"""The school's pupils as the name guard sees them when the journal writes: for sealing each
free text that names a pupil under their key (`contracts.personal`, "Texts that name a pupil")
and for warning the teacher who typed it (`name_warnings`).

The roster is the journal's roster view. A guard over a school's pupils is kept while the
view's pupils of the school have not changed (their count and the last event applied to one,
one indexed query), so a save pays for reading a thousand names only after a registration, a
correction or an erasure. That query itself is asked at most once per `RECHECK_SECONDS` per
school (saves in the meantime share its answer): at 400 saves a second it was a PostgreSQL round
trip per save, 6% of a save's CPU. A pupil is known here once the view has applied their
registration (the view's lag, usually milliseconds) and the guard has looked again (at most
`RECHECK_SECONDS` later): a text naming them before that travels as typed, and the exporter's
own guard still keeps the name from the diary.
"""

from __future__ import annotations

import asyncio
import time
from typing import Final

from services.common.name_guard import RosterGuard
from services.journal.application.roster_reads import RosterViews

RECHECK_SECONDS: Final = 0.1
"""How long a guard found current is used without asking the view again."""


class RosterPupilNames:
    """`services.common.named_sealing.PupilNames` over the journal's roster view."""

    def __init__(self, views: RosterViews, *, recheck_seconds: float = RECHECK_SECONDS) -> None:
        self._views = views
        self._guards: dict[str, tuple[tuple[int, int], RosterGuard]] = {}
        self._checked: dict[str, float] = {}  # when each school's guard was last found current
        self._recheck = recheck_seconds
        self._asking: dict[str, asyncio.Future[tuple[float, tuple[int, int]]]] = {}
        self._lock = asyncio.Lock()

    async def latest(self, school: str) -> RosterGuard:
        """The guard last checked for the school, without checking again (the warnings about a
        save's texts: the save checked it a moment ago); `guard` when there is none."""
        kept = self._guards.get(school)
        return kept[1] if kept is not None else await self.guard(school)

    async def guard(self, school: str) -> RosterGuard:
        """The guard over every pupil the school registered, as the view held them at most
        `RECHECK_SECONDS` ago."""
        kept = self._guards.get(school)
        checked = self._checked.get(school)
        if kept is not None and checked is not None and time.monotonic() - checked < self._recheck:
            return kept[1]
        asked, version = await self._version(school)
        kept = self._guards.get(school)
        if kept is not None and kept[0] == version:
            self._checked[school] = max(asked, self._checked.get(school, asked))
            return kept[1]
        async with self._lock:  # concurrent saves wait for one read instead of each reading
            kept = self._guards.get(school)
            if kept is None or kept[0] != version:
                kept = (version, RosterGuard(await self._views.pupil_names(school)))
                self._guards[school] = kept
            self._checked[school] = asked
            return kept[1]

    async def _version(self, school: str) -> tuple[float, tuple[int, int]]:
        """When the view was asked and its pupils' version: the question in flight, if any,
        is shared (else every save arriving meanwhile asked it again as the interval ran out)."""
        asking = self._asking.get(school)
        if asking is None:
            asking = asyncio.ensure_future(self._ask(school))
            self._asking[school] = asking
            asking.add_done_callback(lambda _done: self._asking.pop(school, None))
        return await asyncio.shield(asking)  # a caller cut short leaves it to the others

    async def _ask(self, school: str) -> tuple[float, tuple[int, int]]:
        asked = time.monotonic()
        return asked, await self._views.pupils_version(school)
