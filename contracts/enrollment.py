"""The enrollment service's events (stream `ENROLLMENT`). School side: applicants' names live here.

Two kinds of aggregate, one subject each (`contracts.subjects.enrollment`):

- `pupil.<pupil_id>`: the portal access to one pupil's diary. Applications by a parent (legal
  representative) or by the pupil, their identity check and decision, and the links that an
  approval creates and a withdrawal or the pupil's departure ends. Keeping a pupil's applications
  and links in one aggregate makes "a duplicate application" and "a UID already linked" checks of
  one consistent state.
- `staff.<staff_id>`: a member of staff's portal UID. What the UID may read follows from the
  staff member's teaching assignments and class-teacher roles in the journal.

No event carries a passport number: the check records only that a passport was presented and
who compared the names.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from contracts.base import Event, PupilId, StaffId, Token, Uid
from contracts.text import Name, Text, TextRules

ApplicationId = Token
# Who the portal user is to the pupil: a legal representative, or the pupil themselves.
Relation = Literal["parent", "pupil"]
# A legal representative's standing (Russian law: a parent, an adoptive parent, a guardian or
# a trustee); None when the pupil applies for their own UID.
Kinship = Literal["mother", "father", "adoptive-parent", "guardian", "trustee"]
Contact = Annotated[str, TextRules(max_length=200, min_length=3, strip=True)]
# Who asked to end a link.
Requester = Literal["parent", "pupil", "school"]


class ApplicationSubmitted(Event):
    """Staff recorded an application for portal access to a pupil's diary, made in person.

    v2: `applicant_name` and `contact` travel sealed under the application's own key
    (`contracts.personal`); once the key is destroyed they read «[удалено]» and None.
    """

    event_type = "enrollment.ApplicationSubmitted"
    schema_version = 2
    application_id: ApplicationId
    pupil_id: PupilId
    uid: Uid
    relation: Relation
    applicant_name: Name
    kinship: Kinship | None = None
    contact: Contact | None = None


class PassportChecked(Event):
    """The applicant presented a passport and `checked_by` found the names match the roster."""

    event_type = "enrollment.PassportChecked"
    application_id: ApplicationId
    checked_by: StaffId


class ApplicationApproved(Event):
    """The application is approved: from now on `uid` is linked to the pupil."""

    event_type = "enrollment.ApplicationApproved"
    application_id: ApplicationId
    uid: Uid
    relation: Relation


class ApplicationRejected(Event):
    """The application is turned down, with the reason given to the applicant."""

    event_type = "enrollment.ApplicationRejected"
    application_id: ApplicationId
    reason: Text


class LinkWithdrawn(Event):
    """A link ends at someone's request (usually the parent's written withdrawal)."""

    event_type = "enrollment.LinkWithdrawn"
    application_id: ApplicationId
    uid: Uid
    requested_by: Requester
    reason: Text


class PupilDeparted(Event):
    """The pupil left the school: every link to their diary ends (`ended` names them)."""

    event_type = "enrollment.PupilDeparted"
    last_day: dt.date
    reason: Text
    ended: tuple[ApplicationId, ...]


class StaffUidRecorded(Event):
    """The administrator recorded the portal UID a member of staff registered."""

    event_type = "enrollment.StaffUidRecorded"
    staff_id: StaffId
    uid: Uid


class StaffUidRevoked(Event):
    """A member of staff's portal UID no longer gives access (left the school, UID replaced)."""

    event_type = "enrollment.StaffUidRevoked"
    staff_id: StaffId
    uid: Uid
    reason: Text


ENROLLMENT_EVENTS: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    PassportChecked,
    ApplicationApproved,
    ApplicationRejected,
    LinkWithdrawn,
    PupilDeparted,
    StaffUidRecorded,
    StaffUidRevoked,
)
