"""Request and response bodies of the enrollment API (not the contract classes)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from contracts.base import PupilId, StaffId, Uid
from contracts.enrollment import Contact, Kinship, Relation, Requester
from contracts.text import Name, Text
from services.enrollment.application.handling import Recorded
from services.enrollment.domain import errors
from services.enrollment.domain.pupil_access import Application, PupilAccess
from services.enrollment.domain.staff_uid import StaffUid


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ApplicationBody(Body):
    """An application made in person."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pupil_id": "p0101",
                    "uid": 100003,
                    "relation": "parent",
                    "applicant_name": "Иванова Мария Петровна",
                    "kinship": "mother",
                    "contact": "+7 900 123-45-67",
                }
            ]
        }
    )

    pupil_id: PupilId
    uid: Uid
    relation: Relation
    applicant_name: Name
    kinship: Kinship | None = None
    contact: Contact | None = None


class PassportCheckBody(Body):
    """Who saw the passport and compared the names (a staff id)."""

    checked_by: StaffId


class ReasonBody(Body):
    """A reason in words."""

    reason: Text


class WithdrawBody(Body):
    """Who asked to end the link, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"requested_by": "parent", "reason": "Ребёнок переходит в другую школу"}]
        }
    )

    requested_by: Requester
    reason: Text


class DepartureBody(Body):
    """The pupil's last day at school and why they left."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"last_day": "2026-12-25", "reason": "Переезд в другой город"}]
        }
    )

    last_day: dt.date
    reason: Text


class StaffUidBody(Body):
    """The portal UID the member of staff registered."""

    uid: Uid


class Change(BaseModel):
    """What a command recorded."""

    event_type: str
    seq: int
    duplicate: bool


class ApplicationOut(Change):
    """An application after a command (from the aggregate, so current at once)."""

    application_id: str
    pupil_id: str
    uid: int
    relation: str
    applicant_name: str
    kinship: str | None
    contact: str | None
    status: str
    checked_by: str | None
    rejection_reason: str | None
    end_reason: str | None
    link_live: bool


class DepartureOut(Change):
    """The departure recorded, with the links it ended."""

    pupil_id: str
    ended: list[str]


class StaffUidOut(Change):
    """A member of staff's UID after a command."""

    staff_id: str
    uid: int | None


def application_out(
    recorded: Recorded[PupilAccess], pupil_id: str, application_id: str
) -> ApplicationOut:
    """The answer to a command about one application."""
    app: Application | None = recorded.state.applications.get(application_id)
    if app is None:  # a guard: keys are scoped to the path, so a retry names the same one
        raise errors.ApplicationNotFound(f"no application {application_id!r} for this pupil")
    return ApplicationOut(
        event_type=recorded.event_type,
        seq=recorded.seq,
        duplicate=recorded.duplicate,
        application_id=app.application_id,
        pupil_id=pupil_id,
        uid=app.uid,
        relation=app.relation,
        applicant_name=app.applicant_name,
        kinship=app.kinship,
        contact=app.contact,
        status=app.status,
        checked_by=app.checked_by,
        rejection_reason=app.rejection_reason,
        end_reason=app.end_reason,
        link_live=app.live,
    )


def staff_uid_out(recorded: Recorded[StaffUid], staff_id: str) -> StaffUidOut:
    """The answer to a staff UID command."""
    return StaffUidOut(
        event_type=recorded.event_type,
        seq=recorded.seq,
        duplicate=recorded.duplicate,
        staff_id=staff_id,
        uid=recorded.state.uid,
    )
