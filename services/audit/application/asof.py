"""The journal as of a moment: events read from the audit's event log, decoded, folded, viewed.

A moment `at` means "as recorded by then": the events JetStream stored at or before `at` (their
message timestamp, not the domain time they claim, since entries may be made late). Only the
subjects a view needs are read: the school-wide ones (configuration, subjects, staff, pupils)
and those of the class (or, for a lesson, of the class and the lesson), merged in stream order.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from contracts.subjects import SCHOOL_WIDE
from kernel.answers import JournalPage
from services.audit.domain.asof import (
    Change,
    ClassGridAsOf,
    DiaryQuery,
    GridQuery,
    JournalState,
    LessonDetailAsOf,
    PupilDiary,
    Recorded,
    class_grid,
    classes_of,
    diff,
    fold,
    lesson_detail,
    pupil_diary,
)
from services.audit.domain.asof.fold import FOLDED_TYPES

if TYPE_CHECKING:
    from services.audit.application.ports import EventLog
    from services.audit.domain.log import LoggedEvent


class AsOfNotFound(LookupError):
    """Nothing under that key had been recorded by the moment (a class, lesson or pupil)."""

    def __init__(self, what: str, key: str, at: dt.datetime) -> None:
        super().__init__(f"{what} {key!r} not recorded by {at.isoformat()}")
        self.what = what
        self.key = key


@dataclass(frozen=True, slots=True)
class PageChanges(JournalPage):
    """What changed on a class-subject page between two moments (as recorded)."""

    since: dt.datetime
    until: dt.datetime
    since_seq: int
    until_seq: int
    changes: tuple[Change, ...]


class AsOfJournal:
    """Answers the journal's views as they stood at a moment, from the event log."""

    def __init__(self, log: EventLog) -> None:
        self._log = log

    async def class_grid(
        self, school: str, year: int, query: GridQuery, at: dt.datetime
    ) -> ClassGridAsOf:
        """The class-subject page as recorded by `at`."""
        state = fold(JournalState(school, year), await self._class(school, year, query, at))
        grid = class_grid(state, query, at)
        if grid is None:
            raise AsOfNotFound("class", query.class_id, at)
        return grid

    async def lesson(
        self, school: str, year: int, class_id: str, lesson_id: str, at: dt.datetime
    ) -> LessonDetailAsOf:
        """A lesson of the class as recorded by `at`."""
        prefix = f"jrn.{year}.{school}.{class_id}"
        patterns = (f"{prefix}.class.{class_id}", f"{prefix}.lesson.{lesson_id}")
        events = await self._read(school, _school_wide(school, year), *patterns, until=at)
        detail = lesson_detail(fold(JournalState(school, year), events), lesson_id, at)
        if detail is None or detail.class_id != class_id:
            raise AsOfNotFound("lesson", f"{class_id}/{lesson_id}", at)
        return detail

    async def diary(self, school: str, year: int, query: DiaryQuery, at: dt.datetime) -> PupilDiary:
        """A pupil's diary as recorded by `at`: their classes first, then those classes' lessons."""
        everyone = (_school_wide(school, year), f"jrn.{year}.{school}.%.class.%")
        roster = await self._read(school, *everyone, until=at)
        state = fold(JournalState(school, year), roster)
        lessons = [f"jrn.{year}.{school}.{c}.lesson.%" for c in classes_of(state, query)]
        if lessons:
            # Lesson events interleave with the roster's: fold them all again in stream order.
            events = _merged([roster, await self._read(school, *lessons, until=at)])
            state = fold(JournalState(school, year), events)
        found = pupil_diary(state, query, at)
        if found is None:
            raise AsOfNotFound("pupil", query.pupil_id, at)
        return found

    async def changes(
        self, school: str, year: int, query: GridQuery, since: dt.datetime, until: dt.datetime
    ) -> PageChanges:
        """What changed on the class-subject page between `since` and `until` (as recorded)."""
        events = await self._class(school, year, query, until)
        initial = JournalState(school, year)
        split = next((i for i, e in enumerate(events) if e.recorded_at > since), len(events))
        before = fold(initial, events[:split])
        rest = events[split:]
        if all(e.recorded_at > since for e in rest):
            after = fold(before, rest)
        else:  # a server clock that stepped back: fold each moment's events on their own
            before = fold(initial, (e for e in events if e.recorded_at <= since))
            after = fold(initial, events)
        if after.klass(query.class_id) is None:
            raise AsOfNotFound("class", query.class_id, until)
        return PageChanges(
            school,
            year,
            *query,
            since=since,
            until=until,
            since_seq=before.last_seq,
            until_seq=after.last_seq,
            changes=tuple(diff(before, after, query)),
        )

    async def _class(
        self, school: str, year: int, query: GridQuery, until: dt.datetime
    ) -> list[Recorded]:
        """The school-wide events and the class's, recorded by `until`, in stream order."""
        own = f"jrn.{year}.{school}.{query.class_id}.%"
        return await self._read(school, _school_wide(school, year), own, until=until)

    async def _read(self, school: str, *patterns: str, until: dt.datetime) -> list[Recorded]:
        """The events on subjects LIKE any of `patterns`, merged in stream order."""
        parts: list[list[Recorded]] = []
        for pattern in patterns:
            found = self._log.events(
                school, streams=(JOURNAL.name,), until=until, subjects_like=pattern
            )
            parts.append([_recorded(e) async for e in found if e.event_type in FOLDED_TYPES])
        return _merged(parts)


def _school_wide(school: str, year: int) -> str:
    return f"jrn.{year}.{school}.{SCHOOL_WIDE}.%"


def _merged(parts: Sequence[list[Recorded]]) -> list[Recorded]:
    """One list in stream order; an event read by two patterns is kept once."""
    if len(parts) == 1:
        return parts[0]
    merged: list[Recorded] = []
    for event in heapq.merge(*parts, key=lambda e: e.seq):
        if not merged or merged[-1].seq != event.seq:
            merged.append(event)
    return merged


def _recorded(logged: LoggedEvent) -> Recorded:
    """A logged event decoded (upcast to its current version) for the fold.

    A payload the registry refuses raises: the log only holds what the projector could decode,
    so this would be a bug worth a loud error rather than a page silently missing an entry.
    """
    event = JOURNAL_REGISTRY.decode(logged.event_type, logged.schema_version, dict(logged.data))
    return Recorded(
        logged.seq,
        logged.recorded_at,
        logged.subject.rpartition(".")[2],
        logged.actor_id or "",
        event,
    )
