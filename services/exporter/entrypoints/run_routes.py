"""`/exporter/v1/schools/{school}/years/{year}/runs`: run exports now and read their records."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.common.http import ApiError
from services.common.limits import long_running
from services.common.path_params import SchoolPath, YearPath
from services.exporter.application.exporting import export
from services.exporter.entrypoints.deps import AdminDep, DepsDep
from services.exporter.entrypoints.dto import RunOut, RunRequest

router = APIRouter(prefix="/exporter/v1/schools/{school}/years/{year}", tags=["exports"])


@router.post(
    "/runs",
    status_code=201,
    summary="Run an export now",
    responses={
        200: {
            "description": "the range was exported already: the earlier run of the same kind",
            "model": RunOut,
        }
    },
)
@long_running
async def run_now(
    body: RunRequest,
    school: SchoolPath,
    year: YearPath,
    response: Response,
    deps: DepsDep,
    _admin: AdminDep,
) -> RunOut:
    """Export now (waiting for a run of the same school year in progress); the run's record."""
    outcome = await export(deps, school, year, body.kind, "api", force=body.force)
    if outcome.already:
        response.status_code = 200
    return RunOut.of(outcome.run, already=outcome.already)


@router.get("/runs", summary="Recent export runs, newest first")
async def recent_runs(
    school: SchoolPath,
    year: YearPath,
    deps: DepsDep,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[RunOut]:
    """The latest runs of the school year."""
    return [RunOut.of(run) for run in await deps.runs.recent(school, year, limit)]


@router.get("/runs/{run_id}", summary="One export run")
async def one_run(
    school: SchoolPath, year: YearPath, run_id: uuid.UUID, deps: DepsDep, _admin: AdminDep
) -> RunOut:
    """One run of the school year (404 when there is none)."""
    run = await deps.runs.get(run_id)
    if run is None or (run.school, run.year) != (school, year):
        raise ApiError(404, "run_not_found", f"there is no run {run_id} of {school} {year}")
    return RunOut.of(run)
