"""Handlers of staff UIDs."""

from __future__ import annotations

from contracts import subjects
from services.enrollment.application.handling import Aggregate, Meta, Recorded, execute
from services.enrollment.application.ports import Deps
from services.enrollment.domain import staff_uid
from services.enrollment.domain.commands import Facts, RecordStaffUid, StaffCommand
from services.enrollment.domain.staff_uid import StaffUid

STAFF = Aggregate(staff_uid.INITIAL, staff_uid.evolve)


async def facts_for(deps: Deps, school: str, cmd: StaffCommand) -> Facts:
    """Whether the roster knows the member of staff and who holds the UID now.

    Both come from projections and are eventually consistent: two administrators recording the
    same UID for two people at the same moment could both pass this check. The staff aggregate
    itself is per person, so a UID's uniqueness across staff cannot be enforced atomically with
    one-subject optimistic concurrency; the read model catches every case but that race.
    """
    found = await deps.roster.staff(school, [cmd.staff_id])
    holders: frozenset[str] = frozenset()
    if isinstance(cmd, RecordStaffUid):
        holders = await deps.reads.uid_holders(school, cmd.uid)
    return Facts(known_staff=frozenset(s.staff_id for s in found), uid_holders=holders)


async def run(deps: Deps, meta: Meta, cmd: StaffCommand) -> Recorded[StaffUid]:
    """Run a command on the member of staff's UID aggregate."""
    facts = await facts_for(deps, meta.school, cmd)
    return await execute(
        deps,
        meta,
        subjects.enrollment_staff(meta.school, cmd.staff_id),
        STAFF,
        lambda state: staff_uid.decide(cmd, state, facts),
    )
