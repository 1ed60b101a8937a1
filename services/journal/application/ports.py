"""What the journal's application layer needs from the outside world, as Protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from contracts.journal import Attachment
from services.common.clock import Clock
from services.common.eventstore import EventStore
from services.common.keystore import KeyStore
from services.common.keystore_memory import InMemoryKeyStore
from services.journal.application.check_models import CheckViews, NoCheckViews
from services.journal.application.erasure_reads import ErasureViews, NoErasureViews
from services.journal.application.pupil_names import RosterPupilNames
from services.journal.application.read_models import JournalViews
from services.journal.application.roster_reads import NoRosterViews, RosterViews
from services.journal.domain.findings import CheckRules
from services.journal.domain.retention import RetentionRule


class FileStore(Protocol):
    """Where homework files live (a JetStream Object Store bucket in production)."""

    async def put(self, attachment: Attachment, data: bytes) -> None:
        """Store the bytes of an attachment under its id (idempotent)."""
        ...

    async def get(self, attachment_id: str) -> bytes | None:
        """The bytes of an attachment, or None when there is none."""
        ...


class Shelf(Protocol):
    """Where the journal keeps the printed archives of sealed years (an Object Store bucket in
    production), under names `<school>/<year>/<file>`."""

    async def put(self, name: str, media_type: str, data: bytes) -> None:
        """Keep the bytes under the name (a retry keeps the same bytes)."""
        ...

    async def get(self, name: str) -> bytes | None:
        """The bytes kept under the name, or None."""
        ...


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What a homework file may be."""

    max_bytes: int
    media_types: frozenset[str]


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything a handler needs; built by `bootstrap`, or by tests with fakes."""

    store: EventStore
    clock: Clock
    files: FileStore
    views: JournalViews
    file_limits: FileLimits
    check_views: CheckViews = field(default_factory=NoCheckViews)
    check_rules: CheckRules = field(default_factory=CheckRules)
    roster_views: RosterViews = field(default_factory=NoRosterViews)
    keys: KeyStore = field(default_factory=InMemoryKeyStore)
    """Keys of the people whose data events carry sealed; bootstrap gives the PostgreSQL store."""
    pupil_names: RosterPupilNames | None = None
    """The school's pupils for the name guard: texts naming one are sealed under their key and
    the teacher is warned (None: texts as typed, no warnings, as in handler tests)."""
    retention: RetentionRule | None = None
    """The retention rule of the school (None: no erasure by rule)."""
    erasure_views: ErasureViews = field(default_factory=NoErasureViews)
    archives: Shelf | None = None
    """The printed archives of sealed years (None where nothing keeps them: handler tests)."""
