"""Test support for the portal users' own data: in-memory fakes of the profile's ports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from services.common.eventstore_memory import InMemoryEventStore
from services.diary.application.portal_ports import ProfileDeps
from services.diary.application.ports import Deps
from services.diary.domain.access import Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.rows import SchoolConfig
from tests.support.diary_messages import FakeDirectory, message_deps


@dataclass
class FakeDiary(FakeDirectory):
    """Grants, class members, class labels and subject names held in memory: the DiaryReads,
    GrantDirectory and PortalDirectory ports."""

    class_labels_of: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)
    class_subjects_of: dict[str, list[str]] = field(default_factory=dict)

    async def school_config(self, school: str, year: int) -> SchoolConfig:
        """Only the subjects' names."""
        return SchoolConfig(subjects=dict(self.subjects))

    async def memberships(self, school: str, year: int, pupils: Collection[str]) -> list[MemberRow]:
        """Every membership of the given pupils."""
        return [m for rows in self.members_of.values() for m in rows if m.pupil in pupils]

    async def class_labels(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, str]:
        """The labels of the given classes."""
        return {c: label for c, label in self.class_labels_of.items() if c in class_ids}

    async def class_subjects(
        self, school: str, year: int, class_ids: Collection[str]
    ) -> dict[str, list[str]]:
        """The subjects taught in the given classes."""
        return {c: list(s) for c, s in self.class_subjects_of.items() if c in class_ids}

    async def pupil_grants_of(self, school: str, uid: int) -> list[Grant]:
        """The live pupil grants of `uid`."""
        return [
            g for g in self.grants if g.uid == uid and g.scope_kind == "pupil" and not g.revoked
        ]

    async def school_grants(self, school: str, year: int) -> list[Grant]:
        """Every live grant."""
        return [g for g in self.grants if not g.revoked]


@dataclass
class FakeLabels:
    """The ProfileReads port: users' own labels in a dict."""

    by_uid: dict[int, str] = field(default_factory=dict)

    async def labels(self, school: str, uids: Collection[int]) -> dict[int, str]:
        """The labels of the given users that are set."""
        return {uid: label for uid, label in self.by_uid.items() if uid in uids}


def profile_deps(
    diary: FakeDiary, *, store: InMemoryEventStore | None = None, labels: FakeLabels | None = None
) -> Deps:
    """The diary's Deps for the profile's handlers, on fakes and an in-memory event store."""
    deps = message_deps(diary, store=store)
    return replace(deps, profile=ProfileDeps(labels or FakeLabels(), diary))
