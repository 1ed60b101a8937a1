"""What the exporter's application needs from the outside world (adapters implement these)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from contracts.diary import BatchKind
from contracts.journal import Attachment
from services.exporter.domain.docs import Content, Doc
from services.exporter.domain.grants import Change, Link, Published, Scope, StaffLink

Trigger = Literal["schedule", "api", "cli", "rollover"]
RunStatus = Literal["running", "published", "empty", "failed"]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One export run as the `runs` table keeps it."""

    run_id: uuid.UUID
    school: str
    year: int
    kind: BatchKind
    trigger: Trigger
    from_seq: int
    started_at: dt.datetime
    status: RunStatus = "running"
    batch_id: str | None = None
    to_seq: int | None = None
    finished_at: dt.datetime | None = None
    records: int = 0
    files_copied: int = 0
    files_missing: int = 0
    checksum: str | None = None
    duration_ms: int | None = None
    error: str | None = None
    names_redacted: int = 0  # pupils' names replaced in the batch's free texts


@dataclass(frozen=True, slots=True)
class Cut:
    """The documents of one batch: the journal sequence it reaches, the documents in order,
    and the full names of the school's pupils as of the cut (for the name guard: they stay on
    the school side).

    `docs` must be consumed inside the context that produced the cut (it streams from a
    database snapshot).
    """

    to_seq: int
    docs: AsyncIterator[Doc]
    names: tuple[str, ...] = ()


class Runs(Protocol):
    """The runs table and the per-(school, year) run lock."""

    def lock(self, school: str, year: int) -> AbstractAsyncContextManager[None]:
        """Held for a run's whole duration: runs of one school and year never overlap."""
        ...

    async def interrupt_stale(self, school: str, year: int) -> int:
        """Mark runs left 'running' by a dead process as failed (call under the lock)."""
        ...

    async def last_cut(self, school: str, year: int) -> RunRecord | None:
        """The furthest 'published' or 'empty' run, delta or full: its `to_seq` is the delta
        cursor (a full batch brought the diary up to its cut as well)."""
        ...

    async def find_done(self, batch_id: str) -> RunRecord | None:
        """A run that already published (or found empty) this batch."""
        ...

    async def save(self, run: RunRecord) -> None:
        """Insert or update a run."""
        ...

    async def get(self, run_id: uuid.UUID) -> RunRecord | None:
        """One run."""
        ...

    async def recent(self, school: str, year: int, limit: int) -> list[RunRecord]:
        """The latest runs of a school and year, newest first."""
        ...


class ExportState(Protocol):
    """The export state (documents per aggregate) and the journal it is folded from."""

    async def catch_up(self) -> int:
        """Fold the journal up to its current end; answer the checkpoint."""
        ...

    async def journal_last_seq(self) -> int:
        """The JOURNAL stream's last sequence now."""
        ...

    def changed(self, school: str, year: int, after: int) -> AbstractAsyncContextManager[Cut]:
        """The documents of (school, year) changed after sequence `after`, up to the checkpoint,
        ordered by (kind, record_id), read from one snapshot, with the names of the school's
        pupils of every year folded so far."""
        ...

    def full(self, school: str, year: int, until: int) -> AbstractAsyncContextManager[Cut]:
        """Every document of (school, year) replayed from the journal up to `until`, with the
        names of the school's pupils (of the replay, and of every year folded so far)."""
        ...

    async def exported_years(self) -> list[tuple[str, int]]:
        """Every (school, year) that has a school document."""
        ...


class Publisher(Protocol):
    """Publishes to the DIARY stream and waits for the server's acknowledgement."""

    async def publish(self, subject: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Publish one message (a duplicate `Nats-Msg-Id` is dropped by the server)."""
        ...


FileCopy = Literal["copied", "present", "missing"]


class FileCopier(Protocol):
    """Copies homework files from the school's bucket to the diary's."""

    async def copy(self, attachment: Attachment) -> FileCopy:
        """Copy one file: 'copied', 'present' (the diary holds these bytes already) or
        'missing' (the school's bucket lacks it)."""
        ...


class Clock(Protocol):
    """The time now (aware)."""

    def now(self) -> dt.datetime:
        """Now."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything the exporter's handlers use."""

    runs: Runs
    state: ExportState
    publisher: Publisher
    files: FileCopier
    clock: Clock
    publish_window: int = 256


# ---------------------------------------------------------------- access grants


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
