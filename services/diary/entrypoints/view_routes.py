"""The portal's views: a pupil's day, week and subject; a class's day and grid; files; grants;
the school's teachers (the staff directory: surname and initials, public by law).

Who reads what (DESIGN.md §6): a parent their linked children, a pupil themselves, a teacher UID
their subject in their classes, a class-teacher UID every subject of their class; always from
the caller's live grants, so a revoked grant refuses at once.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from contracts.base import Token
from contracts.diary import Pseudonym
from services.common.dates import IsoDate
from services.diary.application import class_views, downloads, views
from services.diary.domain import views as v
from services.diary.domain.access import Grant
from services.diary.domain.rows import DirectoryEntry
from services.diary.entrypoints.deps import DepsDep, ScopeDep

router = APIRouter(prefix="/diary/v1/schools/{school}/years/{year}", tags=["diary"])
PeriodQuery = Annotated[
    Token | None, Query(description="period id (default: the period of today, else the year)")
]


@router.get("/me", summary="The caller's live grants")
async def me(scope: ScopeDep, deps: DepsDep) -> list[Grant]:
    """What the caller may read, grant by grant."""
    return await views.my_grants(deps.reads, scope)


@router.get("/pupils/{pupil}/days/{date}", summary="A pupil's lessons of a day")
async def pupil_day(pupil: Pseudonym, date: IsoDate, scope: ScopeDep, deps: DepsDep) -> v.PupilDays:
    """Lessons, homework, files, and this pupil's marks and absences."""
    return await views.pupil_day(deps.reads, scope, pupil, date)


@router.get("/pupils/{pupil}/weeks/{date}", summary="A pupil's lessons of the week of a date")
async def pupil_week(
    pupil: Pseudonym, date: IsoDate, scope: ScopeDep, deps: DepsDep
) -> v.PupilDays:
    """The Monday-to-Sunday week containing `date`."""
    return await views.pupil_week(deps.reads, scope, pupil, date)


@router.get("/pupils/{pupil}/subjects/{subject_id}", summary="A pupil's marks in a subject")
async def pupil_subject(
    pupil: Pseudonym,
    subject_id: Token,
    scope: ScopeDep,
    deps: DepsDep,
    period: PeriodQuery = None,
) -> v.PupilSubject:
    """Marks of the period with dates and kinds of work, and the weighted average."""
    return await views.pupil_subject(
        deps.reads, scope, pupil, subject_id, period, deps.clock.today()
    )


@router.get(
    "/classes/{class_id}/subjects/{subject_id}",
    summary="A class's grid of a subject: pupils × lessons (staff)",
)
async def class_grid(
    class_id: Token,
    subject_id: Token,
    scope: ScopeDep,
    deps: DepsDep,
    period: PeriodQuery = None,
) -> v.ClassGrid:
    """Pupils (by pseudonym) of the period, lessons, marks, absences and averages."""
    return await class_views.class_grid(
        deps.reads, scope, class_id, subject_id, period, deps.clock.today()
    )


@router.get("/classes/{class_id}/days/{date}", summary="A class's lessons of a day (staff)")
async def class_day(class_id: Token, date: IsoDate, scope: ScopeDep, deps: DepsDep) -> v.ClassDay:
    """The lessons of the subjects the caller sees."""
    return await class_views.class_day(deps.reads, scope, class_id, date)


@router.get("/teachers", summary="The school year's teachers by surname and initials")
async def teachers(scope: ScopeDep, deps: DepsDep) -> list[DirectoryEntry]:
    """Every teacher who teaches a subject this year («Иванова А. В.», subject ids), for any
    portal user of the school and its operators; nobody else of the staff, never a full name."""
    if deps.staff is None:  # pragma: no cover - bootstrap always wires it
        raise RuntimeError("the staff directory is not wired")
    return list(await views.teachers(deps.staff, scope))


@router.get(
    "/files/{attachment_id}",
    summary="A homework file of a lesson the caller sees",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_homework_file(attachment_id: Token, scope: ScopeDep, deps: DepsDep) -> Response:
    """The bytes, named; 404 when no lesson the caller sees references the file."""
    found = await downloads.download(deps.reads, deps.files, scope, attachment_id)
    disposition = f"attachment; filename*=UTF-8''{quote(found.name)}"
    return Response(
        content=found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": disposition},
    )
