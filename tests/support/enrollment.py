"""Test support for the enrollment: a clock that stands still, in-memory read models, Deps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.common.eventstore import EventStore
from services.common.eventstore_memory import InMemoryEventStore
from services.enrollment.application.ports import Deps
from services.enrollment.application.views import (
    ApplicationView,
    DepartureView,
    DutyRow,
    PupilInfo,
    StaffInfo,
    StaffUidView,
    StayRow,
)
from tests.support import clock

SCHOOL_ZONE = ZoneInfo("Europe/Moscow")


@dataclass
class FakeClock(clock.FakeClock):
    """The tests' clock, dated in the school's zone (enrollment's dates are the school's)."""

    zone: dt.tzinfo = SCHOOL_ZONE


class InMemoryRoster:
    """The `Roster` port over dicts (a test fills `pupils`, `staff_members`, ...)."""

    def __init__(self) -> None:
        self.pupils: dict[str, PupilInfo] = {}
        self.staff_members: dict[str, StaffInfo] = {}
        self.stay_rows: dict[str, list[StayRow]] = {}
        self.duty_rows: list[DutyRow] = []
        self.name: str | None = None

    def add_pupil(self, pupil_id: str, full_name: str, birth_date: dt.date | None) -> None:
        """Put a pupil in the roster."""
        self.pupils[pupil_id] = PupilInfo(
            pupil_id=pupil_id, full_name=full_name, birth_date=birth_date
        )

    def add_staff(self, staff_id: str, full_name: str, position: str = "учитель") -> None:
        """Put a member of staff in the roster."""
        self.staff_members[staff_id] = StaffInfo(
            staff_id=staff_id, full_name=full_name, position=position
        )

    async def pupil(self, school: str, pupil_id: str) -> PupilInfo | None:
        """A pupil, or None."""
        return self.pupils.get(pupil_id)

    async def staff(self, school: str, staff_ids: Collection[str] | None = None) -> list[StaffInfo]:
        """Members of staff (those of `staff_ids`, or all), ordered by id."""
        wanted = set(self.staff_members) if staff_ids is None else set(staff_ids)
        return [s for k, s in sorted(self.staff_members.items()) if k in wanted]

    async def school_name(self, school: str) -> str | None:
        """The school's name."""
        return self.name

    async def stays(self, school: str, pupil_id: str) -> list[StayRow]:
        """The pupil's stays."""
        return self.stay_rows.get(pupil_id, [])

    async def duties(self, school: str, classes: Collection[tuple[int, str]]) -> list[DutyRow]:
        """Duties in the given classes."""
        return [d for d in self.duty_rows if (d.year, d.class_id) in set(classes)]


class InMemoryReads:
    """The `EnrollmentReads` port over dicts (a test fills what its handler reads)."""

    def __init__(self) -> None:
        self.by_id: dict[str, ApplicationView] = {}
        self.holders: dict[int, frozenset[str]] = {}
        self.uid_rows: list[StaffUidView] = []
        self.departures: dict[str, DepartureView] = {}

    async def application(self, school: str, application_id: str) -> ApplicationView | None:
        """One application, or None."""
        return self.by_id.get(application_id)

    async def applied_up_to(self) -> int:
        """Everything a test put here is applied."""
        return 2**63 - 1

    async def applications(
        self, school: str, *, status: str | None = None, pupil_id: str | None = None
    ) -> list[ApplicationView]:
        """Applications of one status and/or pupil."""
        return [
            a
            for a in self.by_id.values()
            if (status is None or a.status == status) and (pupil_id in (None, a.pupil_id))
        ]

    async def departure(self, school: str, pupil_id: str) -> DepartureView | None:
        """The pupil's departure."""
        return self.departures.get(pupil_id)

    async def uid_holders(self, school: str, uid: int) -> frozenset[str]:
        """Who holds `uid`."""
        return self.holders.get(uid, frozenset())

    async def staff_uids(
        self, school: str, staff_ids: Collection[str] | None = None
    ) -> list[StaffUidView]:
        """Staff UID intervals."""
        return [u for u in self.uid_rows if staff_ids is None or u.staff_id in staff_ids]


def in_memory_deps(store: EventStore | None = None, clock: FakeClock | None = None) -> Deps:
    """Deps over an in-memory store, a fake clock, and empty in-memory read models."""
    return Deps(
        store=store or InMemoryEventStore(),
        clock=clock or FakeClock(),
        roster=InMemoryRoster(),
        reads=InMemoryReads(),
    )
