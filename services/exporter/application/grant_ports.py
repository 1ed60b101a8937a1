"""What the exporter's access grants need from the outside world (adapters implement these):
the projections they drain (the roster of the export state, the enrollment's links and staff
UIDs) and the book of grants published."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from services.common.clock import Clock
from services.exporter.application.ports import Publisher
from services.exporter.domain.docs import Content
from services.exporter.domain.grants import Change, Link, Published, Scope, StaffLink


class DrainedProjection(Protocol):
    """A projection the exporter drains on demand (it is not run continuously)."""

    async def behind(self) -> bool:
        """Whether the stream holds events the projection has not folded yet."""
        ...

    async def catch_up(self) -> int:
        """Fold the stream up to its current end; answer the checkpoint."""
        ...


class Roster(DrainedProjection, Protocol):
    """The classes of the export state (folded from the journal), as grants need them."""

    async def classes(self, school: str, year: int) -> list[Content]:
        """The class documents of a school year."""
        ...

    async def years(self, school: str | None = None) -> list[tuple[str, int]]:
        """Every (school, year) the export state has documents of (of one school, if given)."""
        ...


class Enrollment(DrainedProjection, Protocol):
    """Links and staff UIDs, folded from the enrollment stream."""

    async def links(self, school: str) -> list[Link]:
        """Every link of the school's pupils, live and ended."""
        ...

    async def staff(self, school: str) -> list[StaffLink]:
        """The school's live staff UIDs."""
        ...


@dataclass(frozen=True, slots=True)
class GrantRow:
    """A grant as the exporter published it: its state since `since`; `sent` once the DIARY
    stream acknowledged the event that says so."""

    grant_id: str
    uid: int
    scope: Scope
    live: bool
    since: dt.datetime
    reason: str | None
    sent: bool


@dataclass(frozen=True, slots=True)
class Unsent:
    """A recorded change whose publication is not acknowledged yet."""

    event_id: uuid.UUID
    at: dt.datetime
    event: Change


@dataclass(frozen=True, slots=True)
class Due:
    """A school year whose grants must be synced (`year` 0: every year of the school), as of
    mark `version` (a mark made after it keeps it due)."""

    school: str
    year: int
    version: int


class GrantBook(Protocol):
    """The grants the exporter published, the sync lock, and the marks of what is due."""

    def lock(self, school: str, year: int) -> AbstractAsyncContextManager[None]:
        """Held for a sync: syncs of one school and year never overlap (across processes)."""
        ...

    async def published(self, school: str, year: int) -> list[Published]:
        """The current state of every grant of the school year."""
        ...

    async def record(
        self, school: str, year: int, changes: Sequence[tuple[uuid.UUID, Change]], at: dt.datetime
    ) -> None:
        """Record changes as the grants' new state, unsent, in one transaction."""
        ...

    async def unsent(self, school: str, year: int) -> list[Unsent]:
        """Changes recorded but not acknowledged by the stream (new, or left by a crash)."""
        ...

    async def mark_sent(self, school: str, year: int, event_ids: Sequence[uuid.UUID]) -> None:
        """The stream acknowledged these events."""
        ...

    async def rows(self, school: str, year: int) -> list[GrantRow]:
        """Every grant of the school year, for operators."""
        ...

    async def years(self) -> list[tuple[str, int]]:
        """Every (school, year) that has grants."""
        ...

    async def mark_due(self, keys: Iterable[tuple[str, int]]) -> None:
        """Mark school years due for a sync (year 0: every year of the school)."""
        ...

    async def due(self) -> list[Due]:
        """What is marked due."""
        ...

    async def done(self, due: Due) -> None:
        """Clear a mark, unless it was marked again since `due.version`."""
        ...


@dataclass(frozen=True, slots=True)
class GrantDeps:
    """Everything the grant sync uses."""

    enrollment: Enrollment
    roster: Roster
    book: GrantBook
    publisher: Publisher
    clock: Clock
    pseudonym: Callable[[str], str]
    publish_window: int = 256
