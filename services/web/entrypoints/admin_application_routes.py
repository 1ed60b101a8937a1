"""`/admin/applications`: parents' (and pupils') applications for the e-diary, recorded in
person: the list, recording one, and one application with its printed form (PDF), the passport
check, the decision and the end of a link.

Every page first reads the enrollment, which only the administration reads. The decision's
rules (checked before approved, one live link per UID…) are the enrollment's: its refusals
show beside the form.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import Backends
from services.web.domain.admin import OPEN_STATUSES, pupils_by_class
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    back_to,
    enrollment_school,
    form_context,
    journal_year,
    posted,
    present,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
APPLICATIONS = "/admin/applications"
ONE = APPLICATIONS + "/{application_id}"
_FIELDS: Final = ("pupil_id", "uid", "relation", "applicant_name", "kinship", "contact")
_STATUSES: Final = ("submitted", "checked", "approved", "rejected", "withdrawn", "ended")


@router.get(APPLICATIONS, summary="The applications, newest first, and recording a new one")
async def applications_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _applications(request, session)


async def _applications(
    request: Request, session: Session, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends = deps_of(request).backends
    chosen = request.query_params.get("status", "")
    params = {"status": chosen} if chosen in _STATUSES else None
    path = f"{enrollment_school(session)}/applications"
    found = await backends.get("enrollment", path, session.token, params=params)
    pupils, roster = await _year(request, session, backends)
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    context: dict[str, Any] = {
        "applications": found,
        "status": chosen if params else "",
        "statuses": _STATUSES,
        "pupils": {p["pupil_id"]: p for p in pupils},
        "labels": labels,
        "pupil_options": [
            (
                f"Класс {labels.get(k, k)}" if k else "Не в классе",
                [(p["pupil_id"], f"{p['full_name']} ({p['pupil_id']})") for p in group],
            )
            for k, group in pupils_by_class(pupils, list(labels))
        ],
        **form_context(request, refusal),
    }
    return render(request, "admin/applications.html", context, status=status_of(refusal))


async def _year(
    request: Request, session: Session, backends: Backends
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The year's pupils (names and classes) and its roster (classes, staff)."""
    base = journal_year(request, session)
    pupils = (await backends.get("journal", f"{base}/pupils", session.token))["pupils"]
    return pupils, await backends.get("journal", f"{base}/roster", session.token)


@router.post(APPLICATIONS, summary="Record an application made in person")
async def submit(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    body = present(values, *_FIELDS)
    command: Command = ("enrollment", "POST", f"{enrollment_school(session)}/applications")
    recorded, refusal = await send_form(request, session, "application", values, command, body)
    if refusal is not None:
        return await _applications(request, session, refusal)
    return back_to(request, f"{APPLICATIONS}/{seg(recorded['application_id'])}", done="recorded")


@router.get(ONE, summary="One application: its status, printed form, check and decision")
async def application_page(application_id: str, request: Request, session: SignedIn) -> Response:
    return await _application(request, session, application_id)


async def _application(
    request: Request, session: Session, application_id: str, refusal: FormRefusal | None = None
) -> HTMLResponse:
    backends = deps_of(request).backends
    path = f"{enrollment_school(session)}/applications/{seg(application_id)}"
    application = await backends.get("enrollment", path, session.token)
    pupils, roster = await _year(request, session, backends)
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    pupil = next((p for p in pupils if p["pupil_id"] == application["pupil_id"]), None)
    context: dict[str, Any] = {
        "a": application,
        "pupil": pupil,
        "labels": labels,
        "is_open": application["status"] in OPEN_STATUSES,
        "staff": {s["staff_id"]: s["full_name"] for s in roster["staff"]},
        "staff_options": [(s["staff_id"], s["full_name"]) for s in roster["staff"]],
        "me": session.user_id,
        **form_context(request, refusal),
    }
    return render(request, "admin/application.html", context, status=status_of(refusal))


@router.get(ONE + "/form.pdf", summary="The printed application (PDF), as the enrollment made it")
async def form_pdf(application_id: str, request: Request, session: SignedIn) -> Response:
    path = f"{enrollment_school(session)}/applications/{seg(application_id)}/form.pdf"
    pdf = await deps_of(request).backends.download("enrollment", path, session.token)
    return pdf.response(f'attachment; filename="application-{application_id}.pdf"')


async def _decide(
    request: Request, session: Session, application_id: str, action: tuple[str, tuple[str, ...]]
) -> Response:
    """One command on the application (`action`: its route and the fields of its body)."""
    route, fields = action
    values = await posted(request)
    path = f"{enrollment_school(session)}/applications/{seg(application_id)}/{route}"
    body = present(values, *fields) if fields else None
    command: Command = ("enrollment", "POST", path)
    _, refusal = await send_form(request, session, route, values, command, body)
    page_again = partial(_application, request, session, application_id)
    return await settled(
        request, refusal, page_again, f"{APPLICATIONS}/{seg(application_id)}", done=route
    )


@router.post(ONE + "/passport-check", summary="The passport was shown and the names compared")
async def passport_check(application_id: str, request: Request, session: SignedIn) -> Response:
    return await _decide(request, session, application_id, ("passport-check", ("checked_by",)))


@router.post(ONE + "/approve", summary="Approve: the parent's UID is linked to the pupil")
async def approve(application_id: str, request: Request, session: SignedIn) -> Response:
    return await _decide(request, session, application_id, ("approve", ()))


@router.post(ONE + "/reject", summary="Turn the application down, with the reason")
async def reject(application_id: str, request: Request, session: SignedIn) -> Response:
    return await _decide(request, session, application_id, ("reject", ("reason",)))


@router.post(ONE + "/withdraw", summary="End the application's live link")
async def withdraw(application_id: str, request: Request, session: SignedIn) -> Response:
    return await _decide(request, session, application_id, ("withdraw", ("requested_by", "reason")))
