"""Test support for the diary's messages: in-memory fakes of the ports the handlers use."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field, replace
from typing import Any

from services.common.eventstore_memory import InMemoryEventStore
from services.diary.application.portal_ports import MessageDeps, ThreadSummary
from services.diary.application.ports import BatchInfo, Deps, FeedStatus
from services.diary.domain.access import Grant
from services.diary.domain.attachments import AttachmentLimits
from services.diary.domain.calendar import MemberRow
from services.diary.domain.period_marks import PeriodMarkRow
from services.diary.domain.rows import FileRow, LessonRow, LessonSet, SchoolConfig
from tests.support.clock import FakeClock

NOW = dt.datetime(2026, 10, 5, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


@dataclass
class FakeDirectory:
    """Grants and class members held in lists: the DiaryReads and GrantDirectory ports."""

    grants: list[Grant] = field(default_factory=list)
    members_of: dict[str, list[MemberRow]] = field(default_factory=dict)

    def grant(self, grant: Grant) -> None:
        """Give a grant (live)."""
        self.grants.append(grant)

    def revoke(self, grant_id: str) -> None:
        """End a grant."""
        self.grants = [
            replace(g, revoked=True) if g.grant_id == grant_id else g for g in self.grants
        ]

    async def grants_of(self, school: str, year: int, uid: int) -> list[Grant]:
        """The live grants of a portal user."""
        return [g for g in self.grants if g.uid == uid and not g.revoked]

    async def live_grants(self, school: str, year: int, uids: Collection[int]) -> list[Grant]:
        """The live grants of the given UIDs."""
        return [g for g in self.grants if g.uid in uids and not g.revoked]

    async def pupil_grants(self, school: str, year: int, pupils: Collection[str]) -> list[Grant]:
        """The live pupil grants naming the given pupils."""
        return [
            g
            for g in self.grants
            if g.scope_kind == "pupil" and g.pupil in pupils and not g.revoked
        ]

    async def members(self, school: str, year: int, class_id: str) -> list[MemberRow]:
        """Every membership of a class."""
        return list(self.members_of.get(class_id, []))

    async def school_config(self, school: str, year: int) -> SchoolConfig:
        """Not used by the messages."""
        raise NotImplementedError

    async def memberships(self, school: str, year: int, pupils: Collection[str]) -> list[MemberRow]:
        """Not used by the messages."""
        raise NotImplementedError

    async def lessons(
        self,
        school: str,
        year: int,
        class_ids: Collection[str],
        days: tuple[dt.date, dt.date],
        subject_id: str | None = None,
    ) -> LessonSet:
        """Not used by the messages."""
        raise NotImplementedError

    async def period_marks(
        self, school: str, year: int, pupil: str, subject_id: str
    ) -> list[PeriodMarkRow]:
        """Not used by the messages."""
        raise NotImplementedError

    async def files_by_attachment(
        self, school: str, year: int, attachment_id: str
    ) -> list[tuple[LessonRow, FileRow]]:
        """Not used by the messages."""
        raise NotImplementedError


class InMemoryAttachments:
    """The AttachmentStore port in a dict."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def put(self, attachment_id: str, media_type: str, data: bytes) -> None:
        """Store the bytes."""
        self.files[attachment_id] = data

    async def get(self, attachment_id: str) -> bytes | None:
        """The bytes, or None."""
        return self.files.get(attachment_id)


class NoThreadReads:
    """The ThreadReads port for handler tests, which read threads from the store instead."""

    async def threads_of(self, school: str, uid: int, limit: int) -> list[ThreadSummary]:
        """Nothing projected."""
        return []

    async def unread_total(self, school: str, uid: int) -> int:
        """Nothing projected."""
        return 0


class _NoOperations:
    async def batches(self, school: str, year: int, limit: int) -> list[BatchInfo]:
        raise NotImplementedError

    async def status(self, school: str, year: int) -> FeedStatus:
        raise NotImplementedError

    def records(self, school: str, year: int, kind: str | None) -> AsyncIterator[dict[str, Any]]:
        raise NotImplementedError


class _NoFiles:
    async def get(self, attachment_id: str) -> bytes | None:
        raise NotImplementedError


def message_deps(
    directory: FakeDirectory,
    *,
    store: InMemoryEventStore | None = None,
    attachments: InMemoryAttachments | None = None,
    limits: AttachmentLimits | None = None,
) -> Deps:
    """The diary's Deps for the messages' handlers, on fakes and an in-memory event store."""
    return Deps(
        reads=directory,
        operations=_NoOperations(),
        files=_NoFiles(),
        clock=FakeClock(NOW),
        messages=MessageDeps(
            store=store or InMemoryEventStore(),
            directory=directory,
            threads=NoThreadReads(),
            attachments=attachments or InMemoryAttachments(),
            limits=limits or AttachmentLimits(),
        ),
    )
