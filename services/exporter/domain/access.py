"""Who holds a portal UID, folded from the enrollment stream: parents' and pupils' links to a
pupil's diary, and the UIDs of members of staff.

Two aggregates, one subject each (`contracts.subjects.enrollment_pupil` / `enrollment_staff`):

- a pupil's links, keyed by the application that created them: an approval creates a link, a
  withdrawal ends it, the pupil's departure ends every link of the pupil. Ended links are kept
  (with how they ended) so that a revocation can say why.
- a member of staff's UID: a recorded UID replaces the earlier one, a revocation ends it.

Pure and total: an event this fold does not know leaves the state alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from contracts.base import Event
from contracts.enrollment import (
    ApplicationApproved,
    LinkWithdrawn,
    PupilDeparted,
    Relation,
    StaffUidRecorded,
    StaffUidRevoked,
)

AggregateKind = Literal["pupil", "staff"]
LinkEnd = Literal["withdrawn", "departed"]


@dataclass(frozen=True, slots=True)
class LinkState:
    """A portal user's link to a pupil's diary; `ended` says how it ended (None: live)."""

    uid: int
    relation: Relation
    ended: LinkEnd | None = None


PupilLinks = Mapping[str, LinkState]
"""One pupil's links by the id of the application that created each."""


@dataclass(frozen=True, slots=True)
class StaffUid:
    """A member of staff's portal UID and whether it still gives access."""

    uid: int
    live: bool = True


def parse_enrollment(subject: str) -> tuple[str, AggregateKind, str] | None:
    """`enr.<school>.<kind>.<id>` as (school, kind, id); None for any other subject."""
    parts = subject.split(".")
    if len(parts) != 4 or parts[0] != "enr" or parts[2] not in ("pupil", "staff"):
        return None
    kind: AggregateKind = "pupil" if parts[2] == "pupil" else "staff"
    return parts[1], kind, parts[3]


def evolve_links(links: PupilLinks, event: Event) -> PupilLinks:
    """A pupil's links after `event`."""
    match event:
        case ApplicationApproved(application_id=application, uid=uid, relation=relation):
            return {**links, application: LinkState(uid, relation)}
        case LinkWithdrawn(application_id=application):
            link = links.get(application)
            if link is None or link.ended is not None:
                return links
            return {**links, application: replace(link, ended="withdrawn")}
        case PupilDeparted():
            # Every link ends, whether `ended` names it or not: the pupil is gone.
            return {
                application: link if link.ended else replace(link, ended="departed")
                for application, link in links.items()
            }
        case _:
            return links


def evolve_staff(current: StaffUid | None, event: Event) -> StaffUid | None:
    """A member of staff's UID after `event`."""
    match event:
        case StaffUidRecorded(uid=uid):
            return StaffUid(uid)
        case StaffUidRevoked(uid=uid) if current is not None and current.uid == uid:
            return replace(current, live=False)
        case _:
            return current
