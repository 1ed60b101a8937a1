"""Operators' views of the feed: decided batches, the projection's status, current records."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from services.common.outage import primed
from services.diary.application.ports import BatchInfo
from services.diary.domain.access import check_operator
from services.diary.entrypoints.deps import DepsDep, ScopeDep

router = APIRouter(prefix="/diary/v1/schools/{school}/years/{year}", tags=["operations"])
NDJSON = "application/x-ndjson"


@router.get("/batches", summary="Applied and rejected batches, newest first (admin, system)")
async def batches(
    scope: ScopeDep,
    deps: DepsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[BatchInfo]:
    """With the drift each full batch corrected."""
    check_operator(scope.caller, scope.school)
    return await deps.operations.batches(scope.school, scope.year, limit)


@router.get("/status", summary="The feed's projection: checkpoint, dead letters, pending batches")
async def status(scope: ScopeDep, deps: DepsDep, request: Request) -> dict[str, Any]:
    """Staged batches without a manifest show up here (an exporter run that did not finish)."""
    check_operator(scope.caller, scope.school)
    feed = await deps.operations.status(scope.school, scope.year)
    projector = request.app.state.runtime.projector.status()
    return {
        "feed": feed,
        "projector": {
            "running": projector.running,
            "healthy": projector.healthy,
            "last_error": projector.last_error,
        },
    }


@router.get(
    "/records",
    summary="Current records as NDJSON, ordered by kind and id (admin, system)",
    response_class=StreamingResponse,
    responses={200: {"content": {NDJSON: {}}}},
)
async def records(
    scope: ScopeDep,
    deps: DepsDep,
    kind: Annotated[
        Literal["lesson", "class", "school", "period-marks", "staff"] | None, Query()
    ] = None,
) -> StreamingResponse:
    """One line per record: `{"kind", "id", "seq", "digest", "content"}`, streamed."""
    check_operator(scope.caller, scope.school)

    async def lines() -> AsyncIterator[bytes]:
        async for line in deps.operations.records(scope.school, scope.year, kind):
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    # The first line is read before the answer starts: PostgreSQL down is a 503, not a cut.
    return StreamingResponse(await primed(lines()), media_type=NDJSON)
