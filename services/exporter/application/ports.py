"""What the exporter's application needs from the outside world to export (adapters implement
these); what the access grants need is `services.exporter.application.grant_ports`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from contracts.diary import BatchKind
from contracts.journal import Attachment
from services.common.clock import Clock
from services.exporter.domain.docs import Doc

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

    async def claim(self, school: str, year: int, kind: BatchKind, due: dt.datetime) -> bool:
        """Whether this process takes the scheduled `kind` export of the school year due at
        `due`: the first replica to ask does, the others leave it (to it)."""
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

    async def years(self) -> list[tuple[str, int]]:
        """Every (school, year) with a run."""
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


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything the exporter's handlers use."""

    runs: Runs
    state: ExportState
    publisher: Publisher
    files: FileCopier
    clock: Clock
    publish_window: int = 256
