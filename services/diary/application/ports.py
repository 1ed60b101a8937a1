"""What the diary's use cases need from the outside: read models, files, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from services.diary.domain.access import Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.views import FileRow, LessonRow, LessonSet, SchoolConfig


class DiaryReads(Protocol):
    """The diary's read models (PostgreSQL in production)."""

    async def grants_of(self, school: str, year: int, uid: int) -> list[Grant]:
        """The live grants of a portal user."""
        ...

    async def school_config(self, school: str, year: int) -> SchoolConfig:
        """The school's year (empty when no school record arrived yet)."""
        ...

    async def memberships(self, school: str, year: int, pupils: Collection[str]) -> list[MemberRow]:
        """Every membership of the given pupils."""
        ...

    async def members(self, school: str, year: int, class_id: str) -> list[MemberRow]:
        """Every membership of a class."""
        ...

    async def lessons(
        self,
        school: str,
        year: int,
        class_ids: Collection[str],
        days: tuple[dt.date, dt.date],
        subject_id: str | None = None,
    ) -> LessonSet:
        """Lessons of the classes between two days (included), with files, marks, absences."""
        ...

    async def files_by_attachment(
        self, school: str, year: int, attachment_id: str
    ) -> list[tuple[LessonRow, FileRow]]:
        """The lessons whose homework references an attachment, with the file's row."""
        ...


class FileStore(Protocol):
    """The diary's own bucket of homework files, objects named by attachment id."""

    async def get(self, attachment_id: str) -> bytes | None:
        """The bytes, or None when the object is absent."""
        ...


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """A decided batch, as operators see it."""

    batch_id: str
    school: str
    year: int
    kind: str
    status: str
    reason: str | None
    from_seq: int
    to_seq: int
    records: int
    received_at: dt.datetime
    applied_at: dt.datetime
    drift_missing: int | None
    drift_extra: int | None
    drift_different: int | None
    drift_same: int | None


@dataclass(frozen=True, slots=True)
class PendingBatch:
    """Records staged for a batch whose manifest has not come (yet, or ever)."""

    batch_id: str
    records: int
    first_staged_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """Where the diary's projection stands."""

    projection: str
    checkpoint: int
    dead_letters: int
    staged_records: int
    pending_batches: tuple[PendingBatch, ...]
    applied_batches: int
    rejected_batches: int


class DiaryOperations(Protocol):
    """The operators' read models."""

    async def batches(self, school: str, year: int, limit: int) -> list[BatchInfo]:
        """The most recent decided batches of a school year."""
        ...

    async def status(self, school: str, year: int) -> FeedStatus:
        """Checkpoint, dead letters, batches staged but not applied."""
        ...

    def records(self, school: str, year: int, kind: str | None) -> AsyncIterator[dict[str, Any]]:
        """Current records ordered by kind and id (byte order), read through a cursor."""
        ...


class Clock(Protocol):
    """The school's today."""

    def today(self) -> dt.date:
        """Today in the school's time zone."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything the diary's use cases use."""

    reads: DiaryReads
    operations: DiaryOperations
    files: FileStore
    clock: Clock
