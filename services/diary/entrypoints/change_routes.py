"""«Что нового»: what changed in a pupil's diary since a given change, newest first.

A page marks what it showed as seen by remembering `latest`; the next visit asks for the changes
`after` it. Who sees what is the pupil's week's rule (DESIGN.md §6).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.diary import Pseudonym
from services.diary.application import changes
from services.diary.application.ports import ChangeReads, Deps
from services.diary.domain import changes as c
from services.diary.entrypoints.deps import DepsDep, ScopeDep

router = APIRouter(prefix="/diary/v1/schools/{school}/years/{year}", tags=["diary"])


def _reads(deps: Deps) -> ChangeReads:
    if deps.changes is None:  # pragma: no cover - bootstrap always wires it
        msg = "the diary runs without its changes' read model"
        raise RuntimeError(msg)
    return deps.changes


@router.get("/pupils/{pupil}/changes", summary="What is new in a pupil's diary («Что нового»)")
async def pupil_changes(
    pupil: Pseudonym,
    scope: ScopeDep,
    deps: DepsDep,
    after: Annotated[
        int, Query(ge=0, description="only changes with a higher change_id (0: every change)")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=c.MAX_LIMIT)] = c.DEFAULT_LIMIT,
) -> c.PupilChanges:
    """Marks added, corrected (old → new) or removed, homework set, absences added, changed or
    removed, period marks set; `latest` is the newest change the caller sees for the pupil."""
    return await changes.pupil_changes(deps.reads, _reads(deps), scope, pupil, after, limit)
