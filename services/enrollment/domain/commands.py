"""The enrollment's commands (internal to the service) and the facts they are decided with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.enrollment import Kinship, Relation, Requester


@dataclass(frozen=True, slots=True)
class Facts:
    """What the read models said when the command came, handed to `decide` as plain values.

    Read from projections, so eventually consistent: a roster change or a UID recorded a moment
    ago may not be in them yet. The aggregate's own state is always current.
    """

    pupil_known: bool = False
    known_staff: frozenset[str] = frozenset()
    uid_holders: frozenset[str] = frozenset()
    """Staff ids the staff-UID read model shows holding the command's UID now."""


# ---------------------------------------------------------------- a pupil's portal access


@dataclass(frozen=True, slots=True)
class SubmitApplication:
    """Record an application made in person for portal access to the pupil's diary."""

    application_id: str
    pupil_id: str
    uid: int
    relation: Relation
    applicant_name: str
    kinship: Kinship | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class RecordPassportCheck:
    """The applicant showed a passport and `checked_by` compared the names with the roster."""

    application_id: str
    checked_by: str


@dataclass(frozen=True, slots=True)
class ApproveApplication:
    """Approve a checked application: its UID is linked to the pupil from now on."""

    application_id: str


@dataclass(frozen=True, slots=True)
class RejectApplication:
    """Turn down an open application, with the reason given to the applicant."""

    application_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class WithdrawLink:
    """End a live link at someone's request."""

    application_id: str
    requested_by: Requester
    reason: str


@dataclass(frozen=True, slots=True)
class RecordDeparture:
    """The pupil leaves the school: every live link ends, no new application is accepted."""

    last_day: dt.date
    reason: str


PupilCommand = (
    SubmitApplication
    | RecordPassportCheck
    | ApproveApplication
    | RejectApplication
    | WithdrawLink
    | RecordDeparture
)


# ---------------------------------------------------------------- a member of staff's UID


@dataclass(frozen=True, slots=True)
class RecordStaffUid:
    """Record the portal UID a member of staff registered (a new one replaces the old)."""

    staff_id: str
    uid: int


@dataclass(frozen=True, slots=True)
class RevokeStaffUid:
    """The member of staff's UID no longer gives access."""

    staff_id: str
    reason: str


StaffCommand = RecordStaffUid | RevokeStaffUid

__all__ = [
    "ApproveApplication",
    "Facts",
    "PupilCommand",
    "RecordDeparture",
    "RecordPassportCheck",
    "RecordStaffUid",
    "RejectApplication",
    "RevokeStaffUid",
    "StaffCommand",
    "SubmitApplication",
    "WithdrawLink",
]
