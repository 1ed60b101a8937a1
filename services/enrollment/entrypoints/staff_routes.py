"""Staff portal UIDs: record (or replace), revoke, list."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel

from contracts.base import StaffId
from services.enrollment.application import staff
from services.enrollment.application.views import StaffUidView
from services.enrollment.domain import commands as c
from services.enrollment.entrypoints.deps import DepsDep, ReadSchool, WriteMeta
from services.enrollment.entrypoints.dto import ReasonBody, StaffUidBody, StaffUidOut, staff_uid_out

router = APIRouter(prefix="/enrollment/v1/schools/{school}/staff", tags=["staff"])


class StaffOut(BaseModel):
    """A member of staff, the UID they hold now, and every UID they held."""

    staff_id: str
    full_name: str
    position: str
    uid: int | None
    uid_since: dt.datetime | None
    uids: list[StaffUidView]


@router.put("/{staff_id}/uid", summary="Record the UID a member of staff registered")
async def record_uid(
    staff_id: StaffId, body: StaffUidBody, meta: WriteMeta, deps: DepsDep
) -> StaffUidOut:
    recorded = await staff.run(deps, meta, c.RecordStaffUid(staff_id, body.uid))
    return staff_uid_out(recorded, staff_id)


@router.delete("/{staff_id}/uid", summary="Revoke a member of staff's UID")
async def revoke_uid(
    staff_id: StaffId, body: ReasonBody, meta: WriteMeta, deps: DepsDep
) -> StaffUidOut:
    recorded = await staff.run(deps, meta, c.RevokeStaffUid(staff_id, body.reason))
    return staff_uid_out(recorded, staff_id)


@router.get("", summary="Staff with their UIDs")
async def list_staff(school: ReadSchool, deps: DepsDep) -> list[StaffOut]:
    members = await deps.roster.staff(school)
    held: dict[str, list[StaffUidView]] = {}
    for row in await deps.reads.staff_uids(school):
        held.setdefault(row.staff_id, []).append(row)
    out = []
    for member in members:
        uids = held.get(member.staff_id, [])
        live = next((u for u in uids if u.ended_at is None), None)
        out.append(
            StaffOut(
                staff_id=member.staff_id,
                full_name=member.full_name,
                position=member.position,
                uid=None if live is None else live.uid,
                uid_since=None if live is None else live.recorded_at,
                uids=uids,
            )
        )
    return out
