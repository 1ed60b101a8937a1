"""Applications for portal access: record, check, decide, withdraw, print.

Writes answer once the event is appended, with the application's state after it (from the
aggregate, so a client need not read back). Reads come from the read model and may lag a write
by a moment.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from contracts.base import PupilId, Token
from services.common.openapi_doc import produces
from services.enrollment.adapters.form_render import render_html, render_pdf
from services.enrollment.application import forms, pupils
from services.enrollment.application.ids import application_id as new_application_id
from services.enrollment.application.views import ApplicationView
from services.enrollment.domain import commands as c
from services.enrollment.entrypoints.deps import DepsDep, ReadSchool, WriteMeta
from services.enrollment.entrypoints.dto import (
    ApplicationBody,
    ApplicationOut,
    PassportCheckBody,
    ReasonBody,
    WithdrawBody,
    application_out,
)

router = APIRouter(prefix="/enrollment/v1/schools/{school}/applications", tags=["applications"])
ONE = "/{application_id}"
StatusFilter = Literal["submitted", "checked", "approved", "rejected", "withdrawn", "ended"]


@router.post("", summary="Record an application made in person", status_code=201)
async def submit(body: ApplicationBody, meta: WriteMeta, deps: DepsDep) -> ApplicationOut:
    application_id = new_application_id(meta.command_id, body.pupil_id)
    cmd = c.SubmitApplication(
        application_id=application_id,
        pupil_id=body.pupil_id,
        uid=body.uid,
        relation=body.relation,
        applicant_name=body.applicant_name,
        kinship=body.kinship,
        contact=body.contact,
    )
    recorded = await pupils.run(deps, meta, body.pupil_id, cmd)
    return application_out(recorded, body.pupil_id, application_id)


@router.get("", summary="Applications, newest first")
async def list_applications(
    school: ReadSchool,
    deps: DepsDep,
    status_filter: Annotated[StatusFilter | None, Query(alias="status")] = None,
    pupil: Annotated[PupilId | None, Query()] = None,
) -> list[ApplicationView]:
    return await deps.reads.applications(school, status=status_filter, pupil_id=pupil)


@router.get(ONE, summary="One application with its check, decision and link")
async def get_application(
    application_id: Token, school: ReadSchool, deps: DepsDep
) -> ApplicationView:
    return await forms.current_application(deps, school, application_id)


@router.get(
    ONE + "/form",
    summary="The printed application (HTML)",
    response_class=Response,
    responses=produces("text/html"),
)
async def form_html(application_id: Token, school: ReadSchool, deps: DepsDep) -> Response:
    form = await forms.application_form(deps, school, application_id)
    return Response(render_html(form), media_type="text/html; charset=utf-8")


@router.get(
    ONE + "/form.pdf",
    summary="The printed application (PDF)",
    response_class=Response,
    responses=produces("application/pdf"),
)
async def form_pdf(application_id: Token, school: ReadSchool, deps: DepsDep) -> Response:
    form = await forms.application_form(deps, school, application_id)
    headers = {"Content-Disposition": f'inline; filename="application-{application_id}.pdf"'}
    return Response(render_pdf(form), media_type="application/pdf", headers=headers)


@router.post(ONE + "/passport-check", summary="The passport was shown and the names compared")
async def passport_check(
    application_id: Token, body: PassportCheckBody, meta: WriteMeta, deps: DepsDep
) -> ApplicationOut:
    cmd = c.RecordPassportCheck(application_id, body.checked_by)
    return await _on_application(deps, meta, application_id, cmd)


@router.post(ONE + "/approve", summary="Approve a checked application: the UID is linked")
async def approve(application_id: Token, meta: WriteMeta, deps: DepsDep) -> ApplicationOut:
    return await _on_application(deps, meta, application_id, c.ApproveApplication(application_id))


@router.post(ONE + "/reject", summary="Turn down an open application")
async def reject(
    application_id: Token, body: ReasonBody, meta: WriteMeta, deps: DepsDep
) -> ApplicationOut:
    cmd = c.RejectApplication(application_id, body.reason)
    return await _on_application(deps, meta, application_id, cmd)


@router.post(ONE + "/withdraw", summary="End the application's live link")
async def withdraw(
    application_id: Token, body: WithdrawBody, meta: WriteMeta, deps: DepsDep
) -> ApplicationOut:
    cmd = c.WithdrawLink(application_id, body.requested_by, body.reason)
    return await _on_application(deps, meta, application_id, cmd)


async def _on_application(
    deps: DepsDep, meta: WriteMeta, application_id: str, cmd: c.PupilCommand
) -> ApplicationOut:
    pupil_id = await pupils.pupil_of_application(deps, meta.school, application_id)
    recorded = await pupils.run(deps, meta, pupil_id, cmd)
    return application_out(recorded, pupil_id, application_id)
