"""The monthly check API (issue 5): the deputy director opens checks and issues remarks, the
teachers mark their remarks done, the deputy confirms or reopens them and closes the check.

Who does what (DESIGN.md §6): the deputy director acts; the head and the administrator read;
a teacher reads and resolves the remarks addressed to them. Roles are checked by dependencies,
before the body is validated or anything is looked up.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from contracts.base import Token
from services.common.auth import AuthError, Principal
from services.common.limits import long_running
from services.common.path_params import SchoolPath, YearPath
from services.journal.application import check_reads, checks
from services.journal.application.check_models import CheckDetail, CheckSummary, RemarkView
from services.journal.application.handling import Meta
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.check_dto import (
    CheckOpenedOut,
    OpenCheckBody,
    RemarkBody,
    RemarkIssuedOut,
    ReopenBody,
    ResolveBody,
)
from services.journal.entrypoints.check_report import render_csv, render_html
from services.journal.entrypoints.deps import DepsDep, acting, reading
from services.journal.entrypoints.recorded_dto import RecordedOut

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["monthly check"])
CHECK = "/checks/{check_id}"
REMARK = CHECK + "/remarks/{remark_id}"

DeputyMeta = Annotated[Meta, Depends(acting("deputy"))]
TeacherMeta = Annotated[Meta, Depends(acting("teacher"))]
CheckReader = Annotated[Principal, Depends(reading("deputy", "head", "admin"))]
RemarkReader = Annotated[Principal, Depends(reading("deputy", "head", "admin", "teacher"))]


@router.post("/checks", summary="Open the check of a month", status_code=201)
@long_running  # a whole school's month of lessons is read and its findings computed
async def open_check(body: OpenCheckBody, meta: DeputyMeta, deps: DepsDep) -> CheckOpenedOut:
    recorded, check_id = await checks.open_check(deps, meta, body.month, body.scope, body.target_id)
    return CheckOpenedOut(**out(recorded).model_dump(), check_id=check_id)


@router.get("/checks", summary="The checks of the school year, the latest first")
async def list_checks(
    school: SchoolPath, year: YearPath, _reader: CheckReader, deps: DepsDep
) -> list[CheckSummary]:
    return await check_reads.list_checks(deps, school, year)


@router.get(CHECK, summary="A check: findings at opening and now, remarks with their status")
async def check_detail(
    school: SchoolPath, year: YearPath, check_id: Token, _reader: CheckReader, deps: DepsDep
) -> CheckDetail:
    return await check_reads.check_detail(deps, school, year, check_id)


@router.post(CHECK + "/remarks", summary="Issue a remark to a teacher", status_code=201)
async def issue_remark(
    check_id: Token, body: RemarkBody, meta: DeputyMeta, deps: DepsDep
) -> RemarkIssuedOut:
    remark_id = checks.new_id("r", meta.command_id)
    cmd = c.IssueRemark(
        remark_id,
        body.about,
        body.text,
        body.teacher_id,
        body.lesson_id,
        body.class_id,
        body.subject_id,
        body.finding_id,
    )
    recorded = await checks.issue_remark(deps, meta, check_id, cmd)
    return RemarkIssuedOut(**out(recorded).model_dump(), remark_id=remark_id)


@router.post(REMARK + "/resolve", summary="The teacher marks the remark done")
async def resolve(
    check_id: Token,
    remark_id: Token,
    meta: TeacherMeta,
    deps: DepsDep,
    body: ResolveBody | None = None,
) -> RecordedOut:
    cmd = c.ResolveRemark(remark_id, body.note if body else None)
    return out(await checks.resolve(deps, meta, check_id, cmd))


@router.post(REMARK + "/confirm", summary="Confirm a resolved (or automatically fixed) remark")
async def confirm(
    check_id: Token, remark_id: Token, meta: DeputyMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.ConfirmRemark(remark_id)
    return out(await checks.confirm_or_reopen(deps, meta, check_id, cmd))


@router.post(REMARK + "/reopen", summary="Reopen a resolved (or automatically fixed) remark")
async def reopen(
    check_id: Token, remark_id: Token, body: ReopenBody, meta: DeputyMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.ReopenRemark(remark_id, body.reason)
    return out(await checks.confirm_or_reopen(deps, meta, check_id, cmd))


@router.post(CHECK + "/close", summary="Close the check")
async def close(check_id: Token, meta: DeputyMeta, deps: DepsDep) -> RecordedOut:
    return out(await checks.close(deps, meta, check_id))


@router.get(
    CHECK + "/report",
    summary="The check's report by teacher or by class (printable page or CSV)",
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "text/csv": {}}}},
)
async def report(
    school: SchoolPath,
    year: YearPath,
    check_id: Token,
    _reader: CheckReader,
    deps: DepsDep,
    by: Annotated[Literal["teacher", "class"], Query()] = "teacher",
    report_format: Annotated[Literal["html", "csv"], Query(alias="format")] = "html",
) -> Response:
    built = await check_reads.report(deps, school, year, check_id, by)
    if report_format == "csv":
        name = f"check-{check_id}-{by}.csv"
        return Response(
            "\ufeff" + render_csv(built),  # the BOM: spreadsheets then read UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(render_html(built), media_type="text/html; charset=utf-8")


@router.get("/teachers/{teacher_id}/remarks", summary="The remarks addressed to a teacher")
async def teacher_remarks(
    school: SchoolPath, year: YearPath, teacher_id: Token, principal: RemarkReader, deps: DepsDep
) -> list[RemarkView]:
    if not principal.has("deputy", "head", "admin") and principal.user_id != teacher_id:
        raise AuthError("not_your_remarks", 403, "a teacher sees the remarks addressed to them")
    return await check_reads.teacher_remarks(deps, school, year, teacher_id)
