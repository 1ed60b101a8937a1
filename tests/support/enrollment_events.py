"""Writing enrollment events onto the ENROLLMENT stream, as the enrollment service would, for
the exporter's tests (the grants follow from them)."""

from __future__ import annotations

import datetime as dt
import uuid

from contracts import subjects
from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    LinkWithdrawn,
    PupilDeparted,
    Relation,
    StaffUidRecorded,
    StaffUidRevoked,
)
from contracts.envelope import Actor, Envelope
from services.common.eventstore import Appended, EventStore

ADMIN = Actor(id="adm1", role="admin")


class EnrollmentWriter:
    """Appends one enrollment event per call to its aggregate's subject (optimistic, in order)."""

    def __init__(self, store: EventStore, school: str, year: int) -> None:
        self._store = store
        self.school = school
        self.year = year

    async def append(self, subject: str, event: Event) -> Appended:
        """Append `event` at the end of `subject`'s history."""
        loaded = await self._store.load(subject)
        event_id = uuid.uuid4()
        envelope = Envelope(
            event_id=event_id,
            event_type=event.event_type,
            schema_version=event.schema_version,
            occurred_at=dt.datetime.now(dt.UTC),
            actor=ADMIN,
            school=self.school,
            year=self.year,
            correlation_id=event_id.hex,
            causation_id=event_id.hex,
            data=event.model_dump(mode="json"),
        )
        return await self._store.append(
            subject, envelope, expected=loaded.version, msg_id=event_id.hex
        )

    async def link(
        self, pupil_id: str, uid: int, relation: Relation = "parent", application: str = "a1"
    ) -> Appended:
        """An approved application: `uid` is linked to the pupil."""
        event = ApplicationApproved(application_id=application, uid=uid, relation=relation)
        return await self.append(subjects.enrollment_pupil(self.school, pupil_id), event)

    async def withdraw(self, pupil_id: str, uid: int, application: str = "a1") -> Appended:
        """The link of `application` ends at the parent's request."""
        event = LinkWithdrawn(
            application_id=application, uid=uid, requested_by="parent", reason="заявление"
        )
        return await self.append(subjects.enrollment_pupil(self.school, pupil_id), event)

    async def depart(self, pupil_id: str, *applications: str) -> Appended:
        """The pupil left the school."""
        event = PupilDeparted(
            last_day=dt.date(self.year, 12, 1), reason="переезд", ended=tuple(applications)
        )
        return await self.append(subjects.enrollment_pupil(self.school, pupil_id), event)

    async def staff_uid(self, staff_id: str, uid: int) -> Appended:
        """The administrator recorded a member of staff's UID."""
        event = StaffUidRecorded(staff_id=staff_id, uid=uid)
        return await self.append(subjects.enrollment_staff(self.school, staff_id), event)

    async def revoke_staff_uid(self, staff_id: str, uid: int) -> Appended:
        """The member of staff's UID no longer gives access."""
        event = StaffUidRevoked(staff_id=staff_id, uid=uid, reason="уволен")
        return await self.append(subjects.enrollment_staff(self.school, staff_id), event)
