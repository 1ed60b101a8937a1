"""What the diary's use cases on the PORTAL stream need from the outside: for messages the
PORTAL event store, the grants, the threads' read model and the files' bucket; for the portal
users' own data (labels, `services.diary.application.profile`) its reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from services.common.eventstore import EventStore
from services.diary.domain.access import Grant
from services.diary.domain.attachments import AttachmentLimits


class GrantDirectory(Protocol):
    """Live grants of other portal users, to address and to keep addressing them."""

    async def live_grants(self, school: str, year: int, uids: Collection[int]) -> list[Grant]:
        """The live grants of the given UIDs."""
        ...

    async def pupil_grants(self, school: str, year: int, pupils: Collection[str]) -> list[Grant]:
        """The live pupil grants (parents' and pupils' own) naming the given pupils."""
        ...


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread in a participant's list, with what is new for them."""

    thread_id: str
    year: int
    class_id: str
    subject_id: str | None
    title: str
    role: str
    started_by: int
    started_at: dt.datetime
    last_message_at: dt.datetime
    messages: int
    unread: int


class ThreadReads(Protocol):
    """The messages' read model (the PORTAL stream projected into the messages schema)."""

    async def threads_of(self, school: str, uid: int, limit: int) -> list[ThreadSummary]:
        """The threads `uid` takes part in, the latest message first."""
        ...

    async def unread_total(self, school: str, uid: int) -> int:
        """Messages sent to `uid` that they have not read yet, over all their threads."""
        ...


class AttachmentStore(Protocol):
    """The portal bucket of message files, objects named by attachment id."""

    async def put(self, attachment_id: str, media_type: str, data: bytes) -> None:
        """Store the bytes (a retry rewrites the same bytes)."""
        ...

    async def get(self, attachment_id: str) -> bytes | None:
        """The bytes, or None when the object is absent."""
        ...


class ProfileReads(Protocol):
    """Portal users' own data as the messages schema holds it (projected from PORTAL)."""

    async def labels(self, school: str, uids: Collection[int]) -> dict[int, str]:
        """The labels the given users set for themselves (a user without one is left out)."""
        ...


class PortalDirectory(Protocol):
    """What the portal users' own data needs of the diary's schema besides `DiaryReads`."""

    async def class_labels(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, str]:
        """The labels («5А») of the given classes that the feed brought."""
        ...

    async def class_subjects(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, list[str]]:
        """The subjects taught in each of the given classes (its teaching assignments)."""
        ...

    async def pupil_grants_of(self, school: str, uid: int) -> list[Grant]:
        """The live pupil grants of `uid` in every school year of the school."""
        ...

    async def school_grants(self, school: str, year: int) -> list[Grant]:
        """Every live grant of the school year."""
        ...


@dataclass(frozen=True, slots=True)
class ProfileDeps:
    """What the portal users' own data uses besides the messages' store."""

    reads: ProfileReads
    directory: PortalDirectory


@dataclass(frozen=True, slots=True)
class MessageDeps:
    """What the messages use: the PORTAL store, grants, threads, files and their limits."""

    store: EventStore
    directory: GrantDirectory
    threads: ThreadReads
    attachments: AttachmentStore
    limits: AttachmentLimits
