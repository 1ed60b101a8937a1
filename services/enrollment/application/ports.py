"""What the enrollment's application layer needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from services.common.clock import Clock
from services.common.eventstore import EventStore
from services.common.keystore import KeyStore
from services.common.keystore_memory import InMemoryKeyStore
from services.enrollment.application.views import (
    ApplicationView,
    DepartureView,
    DutyRow,
    PupilInfo,
    StaffInfo,
    StaffUidView,
    StayRow,
)


class Roster(Protocol):
    """The enrollment's copy of the journal roster (eventually consistent with the journal)."""

    async def pupil(self, school: str, pupil_id: str) -> PupilInfo | None:
        """A pupil, or None when the roster does not know them."""
        ...

    async def staff(self, school: str, staff_ids: Collection[str] | None = None) -> list[StaffInfo]:
        """Members of staff (those of `staff_ids`, or all), ordered by id."""
        ...

    async def school_name(self, school: str) -> str | None:
        """The school's name in its latest school year."""
        ...

    async def stays(self, school: str, pupil_id: str) -> list[StayRow]:
        """Every stay of the pupil in a class, in order."""
        ...

    async def duties(self, school: str, classes: Collection[tuple[int, str]]) -> list[DutyRow]:
        """Teaching assignments and class teachers' terms of the given (year, class) pairs."""
        ...


class EnrollmentReads(Protocol):
    """The enrollment read model (eventually consistent with the ENROLLMENT stream)."""

    async def application(self, school: str, application_id: str) -> ApplicationView | None:
        """One application, or None."""
        ...

    async def applied_up_to(self) -> int:
        """The last ENROLLMENT stream sequence the read model has applied."""
        ...

    async def applications(
        self, school: str, *, status: str | None = None, pupil_id: str | None = None
    ) -> list[ApplicationView]:
        """Applications, newest first, optionally of one status and/or pupil."""
        ...

    async def departure(self, school: str, pupil_id: str) -> DepartureView | None:
        """The pupil's departure, if recorded."""
        ...

    async def uid_holders(self, school: str, uid: int) -> frozenset[str]:
        """Staff ids holding `uid` now."""
        ...

    async def staff_uids(
        self, school: str, staff_ids: Collection[str] | None = None
    ) -> list[StaffUidView]:
        """Every staff UID interval (of `staff_ids`, or all), in recording order."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything a handler needs; built by `bootstrap`, or by tests with fakes."""

    store: EventStore
    clock: Clock
    roster: Roster
    reads: EnrollmentReads
    keys: KeyStore = field(default_factory=InMemoryKeyStore)
    """Keys of the applicants whose data events carry sealed; bootstrap gives PostgreSQL's."""
