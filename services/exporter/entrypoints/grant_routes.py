"""`/exporter/v1/schools/{school}/years/{year}/grants`: the access grants the exporter published
to the portal, and a sync on demand (they are kept in step automatically while it runs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from contracts.diary import Scope
from services.common.limits import long_running
from services.common.path_params import SchoolPath, YearPath
from services.exporter.application.grant_ports import GrantDeps, GrantRow
from services.exporter.application.grants import SyncOutcome, catch_up, sync
from services.exporter.entrypoints.deps import AdminDep

router = APIRouter(prefix="/exporter/v1/schools/{school}/years/{year}", tags=["access grants"])


class GrantOut(BaseModel):
    """A published grant: who (a portal UID) may read what (a pupil's pseudonym or a class and
    subject), live or revoked since when. No names."""

    grant_id: str
    uid: int
    scope: Scope
    live: bool
    since: dt.datetime
    reason: str | None
    sent: bool

    @classmethod
    def of(cls, row: GrantRow) -> GrantOut:
        """The API form of a grant."""
        return cls.model_validate(row, from_attributes=True)


class SyncOut(BaseModel):
    """What a sync published."""

    school: str
    year: int
    granted: int
    revoked: int
    resent: int

    @classmethod
    def of(cls, outcome: SyncOutcome) -> SyncOut:
        """The API form of a sync's outcome."""
        return cls.model_validate(outcome, from_attributes=True)


def _grants(request: Request) -> GrantDeps:
    grants: GrantDeps = request.app.state.runtime.grants
    return grants


GrantsDep = Annotated[GrantDeps, Depends(_grants)]


@router.get("/grants", summary="The access grants published to the portal, by UID")
async def list_grants(
    school: SchoolPath, year: YearPath, grants: GrantsDep, _admin: AdminDep
) -> list[GrantOut]:
    """Every grant of the school year, live and revoked."""
    return [GrantOut.of(row) for row in await grants.book.rows(school, year)]


@router.post("/grants/sync", summary="Bring the portal's grants in step now")
@long_running
async def sync_now(
    school: SchoolPath, year: YearPath, grants: GrantsDep, _admin: AdminDep
) -> SyncOut:
    """Fold the enrollment and the journal up to now, then publish the grants and revocations
    that differ from what the portal was told."""
    await catch_up(grants)
    return SyncOut.of(await sync(grants, school, year))
