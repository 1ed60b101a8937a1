"""A member of staff's portal UID (`enr.<school>.staff.<staff_id>`).

At most one UID at a time. Recording a different UID replaces the old one in the same event:
`StaffUidRecorded` while a UID is held ends the old UID's access at that moment (the read model
closes its interval with the reason "replaced"), so one command stays one event.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.base import Event
from contracts.enrollment import StaffUidRecorded, StaffUidRevoked
from services.enrollment.domain import errors
from services.enrollment.domain.commands import Facts, RecordStaffUid, RevokeStaffUid, StaffCommand


@dataclass(frozen=True, slots=True)
class StaffUid:
    """The UID a member of staff holds now (None: none)."""

    uid: int | None = None


INITIAL = StaffUid()


def decide(cmd: StaffCommand, state: StaffUid, facts: Facts) -> list[Event]:
    """The one event a command records, or a `DomainError` saying why it is refused.

    `facts.uid_holders` (from the read model, eventually consistent) names who holds the UID.
    """
    match cmd:
        case RecordStaffUid():
            if cmd.staff_id not in facts.known_staff:
                raise errors.UnknownStaff(f"no member of staff {cmd.staff_id!r} in the roster")
            others = sorted(facts.uid_holders - {cmd.staff_id})
            if others:
                raise errors.UidInUse(f"UID {cmd.uid} is recorded for {others[0]}")
            if state.uid == cmd.uid:
                raise errors.UidUnchanged(f"{cmd.staff_id} holds UID {cmd.uid} already")
            return [StaffUidRecorded(staff_id=cmd.staff_id, uid=cmd.uid)]
        case RevokeStaffUid():
            if state.uid is None:
                raise errors.NoStaffUid(f"{cmd.staff_id} has no UID recorded")
            return [StaffUidRevoked(staff_id=cmd.staff_id, uid=state.uid, reason=cmd.reason)]
        case _:
            raise TypeError(f"not a staff UID command: {cmd!r}")


def evolve(state: StaffUid, event: Event) -> StaffUid:
    """The state after one event; other events leave it alone."""
    match event:
        case StaffUidRecorded():
            return StaffUid(event.uid)
        case StaffUidRevoked():
            return StaffUid(None)
        case _:
            return state
