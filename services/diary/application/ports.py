"""What the diary's use cases need from the outside: read models, files, the clock, and what
the messages and the portal users' own data need (`services.diary.application.portal_ports`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from services.common.clock import Clock
from services.diary.application.portal_ports import MessageDeps, ProfileDeps
from services.diary.domain.access import Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.changes import ChangePage, ChangeQuery
from services.diary.domain.period_marks import PeriodMarkRow
from services.diary.domain.rows import DirectoryEntry, FileRow, LessonRow, LessonSet, SchoolConfig


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

    async def period_marks(
        self, school: str, year: int, pupil: str, subject_id: str
    ) -> list[PeriodMarkRow]:
        """A pupil's period marks in a subject, in every class."""
        ...

    async def files_by_attachment(
        self, school: str, year: int, attachment_id: str
    ) -> list[tuple[LessonRow, FileRow]]:
        """The lessons whose homework references an attachment, with the file's row."""
        ...


class StaffDirectoryReads(Protocol):
    """The school year's staff directory: teachers by surname and initials."""

    async def staff_directory(self, school: str, year: int) -> list[DirectoryEntry]:
        """The teachers of the school year, by staff id (empty before the first directory)."""
        ...


class ChangeReads(Protocol):
    """The changes recorded as batches were applied («Что нового»)."""

    async def pupil_changes(self, school: str, year: int, query: ChangeQuery) -> ChangePage:
        """A pupil's changes after `query.after` the query's visibility and memberships cover."""
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


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything the diary's use cases use."""

    reads: DiaryReads
    operations: DiaryOperations
    files: FileStore
    clock: Clock
    messages: MessageDeps
    profile: ProfileDeps | None = None
    """The portal users' own data (bootstrap always wires it; tests of other use cases may not)."""
    changes: ChangeReads | None = None
    """«Что нового» (bootstrap always wires it; tests of other use cases may not)."""
    staff: StaffDirectoryReads | None = None
    """The staff directory (bootstrap always wires it; tests of other use cases may not)."""
