"""Test support for erasing people: an in-memory key store counting its erasures, and fake
erasure views (the roster's people, retention inputs, the lease).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from contracts.personal import PersonKind
from services.common.keystore import Erasure
from services.common.keystore_memory import InMemoryKeyStore
from services.journal.application.erasure_reads import ErasureInfo, LessonTexts, RetentionInputs
from services.journal.domain.erasure import ErasedKind
from services.journal.domain.retention import PupilRecord


class InMemoryPersonKeys(InMemoryKeyStore):
    """`InMemoryKeyStore` that counts the calls to `erase`."""

    def __init__(self) -> None:
        super().__init__()
        self.erase_calls = 0

    async def erase(
        self, school: str, kind: PersonKind, person: str, *, by: str, reason: str
    ) -> list[Erasure]:
        """Destroy the person's keys, counting the call."""
        self.erase_calls += 1
        return await super().erase(school, kind, person, by=by, reason=reason)


@dataclass
class FakeErasureViews:
    """The roster's people by (school, kind, person), retention inputs by school, a lease."""

    people: set[tuple[str, str, str]] = field(default_factory=set)
    inputs: dict[str, RetentionInputs] = field(default_factory=dict)
    recorded: dict[str, list[ErasureInfo]] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    texts: dict[str, list[LessonTexts]] = field(default_factory=dict)
    lease_taken: bool = False

    async def known(self, school: str, kind: ErasedKind, person: str) -> bool:
        """Whether the fake roster has the person."""
        return (school, kind, person) in self.people

    async def erasures(self, school: str) -> list[ErasureInfo]:
        """The erasures a test put here."""
        return list(self.recorded.get(school, []))

    async def retention_inputs(self, school: str) -> RetentionInputs:
        """The inputs a test put here (none: an empty school)."""
        return self.inputs.get(school, RetentionInputs())

    async def schools(self) -> list[str]:
        """Every school with inputs."""
        return sorted(self.inputs)

    async def pupil_name(self, school: str, pupil: str) -> str | None:
        """The name a test gave the pupil."""
        return self.names.get((school, pupil))

    async def lesson_texts(self, school: str) -> list[LessonTexts]:
        """The lessons' texts a test put here."""
        return list(self.texts.get(school, []))

    @contextlib.asynccontextmanager
    async def lease(self, name: str) -> AsyncIterator[bool]:
        """Held unless `lease_taken` says another process holds it."""
        yield not self.lease_taken

    def add_pupils(
        self, school: str, records: list[PupilRecord], year_ends: dict[int, dt.date | None]
    ) -> None:
        """Pupils known to the roster, with their memberships for the retention rule."""
        self.people.update((school, "pupil", r.pupil_id) for r in records)
        self.inputs[school] = RetentionInputs(records, year_ends)
