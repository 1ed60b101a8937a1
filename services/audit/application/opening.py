"""The event log as the audit's answers read it: sealed personal data opened by the key store.

The log keeps every payload as written, personal data sealed (`contracts.personal`), so the
audit's tables hold no name in the clear. A question that shows names (a history, a report, the
journal as of a moment) reads through `OpenedLog`: for the events it returns it asks the key
store for their keys only (one query per read, none when nothing is sealed) and opens them
with the domain's `opened`. A destroyed key reads «[удалено]»; a key the store does not know
raises (`services.common.sealing.MissingKey`): a lost key store is an error, never an erasure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from typing import TYPE_CHECKING, Unpack

from services.audit.domain.log import LoggedEvent, is_sealed, opened
from services.common.keystore import keys_of_payloads

if TYPE_CHECKING:
    from services.audit.application.ports import EventFilters, EventLog, EventWindow
    from services.common.keystore import KeySource

CHUNK = 1000
"""Events opened at a time while a long read streams (one key-store query per chunk)."""


class OpenedLog:
    """An `EventLog` whose events come with their sealed personal data opened."""

    def __init__(self, log: EventLog, keys: KeySource) -> None:
        self._log = log
        self._keys = keys

    async def events(
        self, school: str, *, streams: Collection[str], **window: Unpack[EventWindow]
    ) -> AsyncIterator[LoggedEvent]:
        """`EventLog.events`, opened a chunk at a time."""
        chunk: list[LoggedEvent] = []
        async for event in self._log.events(school, streams=streams, **window):
            chunk.append(event)
            if len(chunk) >= CHUNK:
                for done in await self.opened(chunk):
                    yield done
                chunk = []
        for done in await self.opened(chunk):
            yield done

    async def by_subjects(
        self, school: str, stream: str, subjects: Collection[str]
    ) -> list[LoggedEvent]:
        """`EventLog.by_subjects`, opened."""
        return await self.opened(await self._log.by_subjects(school, stream, subjects))

    async def find(
        self, school: str, stream: str, **filters: Unpack[EventFilters]
    ) -> list[LoggedEvent]:
        """`EventLog.find`, opened."""
        return await self.opened(await self._log.find(school, stream, **filters))

    async def roster(
        self, school: str, *, year: int | None, ids: Collection[str] | None
    ) -> list[LoggedEvent]:
        """`EventLog.roster`, opened."""
        return await self.opened(await self._log.roster(school, year=year, ids=ids))

    async def opened(self, events: Sequence[LoggedEvent]) -> list[LoggedEvent]:
        """The events opened with the keys they need (no query when none is sealed)."""
        wanted = keys_of_payloads(e.data for e in events if is_sealed(e))
        if not wanted:
            return list(events)
        return opened(events, await self._keys.ring(wanted))
