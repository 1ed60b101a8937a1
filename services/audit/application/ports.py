"""What the audit's application layer needs from the outside world, as Protocols."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypedDict, Unpack

from services.audit.application.opening import OpenedLog
from services.audit.application.verification import Integrity
from services.audit.domain.log import LoggedEvent
from services.common.keystore import KeySource
from services.common.keystore_memory import InMemoryKeyStore


class EventWindow(TypedDict, total=False):
    """What narrows `EventLog.events`; a filter left out or None narrows nothing."""

    until: dt.datetime | None
    """Only the events recorded (JetStream time) at or before it."""
    subjects_like: str | None
    """A SQL LIKE pattern on the subject (e.g. `jrn.2026.s1.%.lesson.%`)."""
    include_undecodable: bool
    """Undecodable messages too (left out by default)."""


class EventFilters(TypedDict, total=False):
    """What `EventLog.find` matches, all of those given; a filter left out or None matches
    everything."""

    event_types: Collection[str] | None
    subjects_like: str | None
    """A SQL LIKE pattern on the subject."""
    data_contains: Mapping[str, object] | None
    """The payload holds these fields with these values (JSON containment)."""
    actor_id: str | None


class EventLog(Protocol):
    """Every message of every stream, as the audit projected it (one logical table): payloads
    as written, personal data sealed (`services.audit.application.opening` opens them)."""

    def events(
        self, school: str, *, streams: Collection[str], **window: Unpack[EventWindow]
    ) -> AsyncIterator[LoggedEvent]:
        """The school's events of `streams` in stream order (stream, then sequence), narrowed
        by the `window` given."""
        ...

    async def by_subjects(
        self, school: str, stream: str, subjects: Collection[str]
    ) -> list[LoggedEvent]:
        """Every decodable event on exactly these subjects of one stream, in stream order."""
        ...

    async def find(
        self, school: str, stream: str, **filters: Unpack[EventFilters]
    ) -> list[LoggedEvent]:
        """Every decodable event of one stream matching all the `filters` given, in stream
        order."""
        ...

    async def roster(
        self, school: str, *, year: int | None, ids: Collection[str] | None
    ) -> list[LoggedEvent]:
        """The roster events naming staff, pupils and subjects (of `year`, or of every year),
        and the erasures of people (of any year), only those about `ids` when given: what
        histories show names from."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """The adapters the audit's use cases run with."""

    log: EventLog
    timezone: str = "Europe/Moscow"
    """The school's time zone: report dates are its local days."""
    integrity: Integrity | None = None
    """Tamper evidence: the streams, the anchors and the keys (`application.verification`)."""
    keys: KeySource = field(default_factory=InMemoryKeyStore)
    """The key store of personal data: opens the sealed names the answers show (bootstrap
    gives the school side's PostgreSQL store)."""

    @property
    def opened_log(self) -> EventLog:
        """The log as the answers read it: sealed personal data opened with `keys`."""
        return OpenedLog(self.log, self.keys)
