"""The school journal view: the class-subject grid, a lesson, a teacher's day, homework files.

Who reads what (DESIGN.md §6): the head, the deputy director and the administrator read
everything; a teacher reads the classes and subjects they teach, a class teacher their whole
class, and their own day.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from contracts.base import Token
from kernel.answers import ClassGrid, LessonDetail
from services.common.auth import AuthError
from services.common.date_range import DateRange
from services.common.dates import IsoDate
from services.common.openapi_doc import produces
from services.common.outage import primed
from services.common.path_params import SchoolPath, YearPath
from services.journal.application.read_models import TeacherDay, ViewNotFound
from services.journal.entrypoints.deps import (
    READ_ALL,
    DepsDep,
    FactsReader,
    JournalReader,
    check_class_subject,
)

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["journal view"])


@router.get(
    "/classes/{class_id}/subjects/{subject_id}/grid",
    summary="The class journal page of a subject: pupils × lessons, marks, absences, averages",
)
async def class_grid(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    subject_id: Token,
    principal: JournalReader,
    deps: DepsDep,
    dates: DateRange,
) -> ClassGrid:
    await check_class_subject(deps, principal, school, year, class_id, subject_id)
    return await deps.views.class_grid(school, year, class_id, subject_id, dates.first, dates.last)


@router.get("/classes/{class_id}/lessons/{lesson_id}", summary="Everything recorded for a lesson")
async def lesson_detail(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    lesson_id: Token,
    principal: JournalReader,
    deps: DepsDep,
) -> LessonDetail:
    detail = await deps.views.lesson_detail(school, year, lesson_id)
    if detail.class_id != class_id:
        raise ViewNotFound("lesson", f"{class_id}/{lesson_id}")
    if principal.user_id not in (detail.teacher.staff_id, detail.timetabled_teacher.staff_id):
        await check_class_subject(deps, principal, school, year, class_id, detail.subject_id)
    return detail


@router.get(
    "/teachers/{teacher_id}/day", summary="A teacher's lessons of a day and what is missing"
)
async def teacher_day(
    school: SchoolPath,
    year: YearPath,
    teacher_id: Token,
    principal: JournalReader,
    deps: DepsDep,
    day: Annotated[IsoDate, Query(alias="date")],
) -> TeacherDay:
    if principal.user_id != teacher_id and not principal.has(*READ_ALL):
        raise AuthError("not_your_day", 403, "a teacher sees their own day only")
    return await deps.views.teacher_day(school, year, teacher_id, day)


@router.get(
    "/classes/{class_id}/lessons/{lesson_id}/homework/attachments/{attachment_id}",
    summary="Download a homework file",
    response_class=Response,
    responses=produces("application/octet-stream", description="the file, in its own type"),
)
async def download(
    school: SchoolPath,
    year: YearPath,
    class_id: Token,
    lesson_id: Token,
    attachment_id: Token,
    principal: JournalReader,
    deps: DepsDep,
) -> Response:
    detail = await lesson_detail(school, year, class_id, lesson_id, principal, deps)
    attachment = next(
        (a for a in detail.homework.attachments if a.attachment_id == attachment_id), None
    )
    data = await deps.files.get(attachment_id) if attachment else None
    if attachment is None or data is None:
        raise ViewNotFound("attachment", attachment_id)
    disposition = f"attachment; filename*=UTF-8''{_quote(attachment.name)}"
    return Response(
        data, media_type=attachment.media_type, headers={"Content-Disposition": disposition}
    )


@router.get(
    "/record-facts",
    summary="Every class and lesson as the diary should show it (for the diary check)",
    description="NDJSON, one line per class and lesson ordered by kind and id, shaped like the "
    "diary's records with school-side pupil ids; the exporter substitutes pseudonyms and "
    "compares. Head, deputy, administrator and the exporter's service token.",
    response_class=StreamingResponse,
    responses=produces("application/x-ndjson"),
)
async def record_facts(
    school: SchoolPath, year: YearPath, _reader: FactsReader, deps: DepsDep
) -> StreamingResponse:
    # The first line is read before the answer starts: PostgreSQL down is a 503, not a cut.
    lines = await primed(deps.views.record_facts(school, year))
    return StreamingResponse(lines, media_type="application/x-ndjson")


def _quote(name: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415

    return quote(name, safe="")
