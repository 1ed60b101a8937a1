"""A pupil's departure and the access history of their diary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.base import PupilId
from services.common.dates import IsoDate
from services.enrollment.application import pupils
from services.enrollment.application.history import AccessHistory, access_history
from services.enrollment.domain import commands as c
from services.enrollment.entrypoints.deps import DepsDep, ReadSchool, WriteMeta
from services.enrollment.entrypoints.dto import DepartureBody, DepartureOut

router = APIRouter(prefix="/enrollment/v1/schools/{school}/pupils/{pupil_id}", tags=["pupils"])


@router.post("/departure", summary="The pupil left the school: every live link ends")
async def departure(
    pupil_id: PupilId, body: DepartureBody, meta: WriteMeta, deps: DepsDep
) -> DepartureOut:
    recorded = await pupils.run(deps, meta, pupil_id, c.RecordDeparture(body.last_day, body.reason))
    ended = [a.application_id for a in recorded.state.applications.values() if a.status == "ended"]
    return DepartureOut(
        event_type=recorded.event_type,
        seq=recorded.seq,
        duplicate=recorded.duplicate,
        pupil_id=pupil_id,
        ended=ended,
    )


@router.get(
    "/access",
    summary="Who could read the pupil's diary: portal links and staff UIDs (on one day)",
    response_model_by_alias=True,
)
async def access(
    pupil_id: PupilId,
    school: ReadSchool,
    deps: DepsDep,
    on: Annotated[IsoDate | None, Query(description="only accesses that covered this day")] = None,
) -> AccessHistory:
    return await access_history(deps, school, pupil_id, on)
