"""`/admin/erasures`: erasing a pupil's or a member of staff's personal data (the administrator,
after an explicit confirmation: it is irreversible), the retention rule's dry run, and every
erasure made (the administrator and the head read them; the journal's API decides).

The form posts twice: first to show what will be erased and ask for confirmation (nothing is
sent to the API), then with `confirm=yes`, which sends the journal one erasure with the
confirmation form's request id as its Idempotency-Key.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.limits import long_running
from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import ApiRefused
from services.web.domain import erasures as words
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    back_to,
    form_context,
    journal_year,
    missing,
    posted,
    seg,
    send_form,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
ERASURES = "/admin/erasures"
FORM = "erase"


def _school(session: Session) -> str:
    return f"/schools/{seg(session.school)}"


@router.get(ERASURES, summary="Erasures of personal data, the retention rule's dry run")
async def erasures_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _page(request, session)


async def _page(
    request: Request,
    session: Session,
    refusal: FormRefusal | None = None,
    confirming: dict[str, Any] | None = None,
) -> HTMLResponse:
    backends, base = deps_of(request).backends, _school(session)
    listed = await backends.get("journal", f"{base}/erasures", session.token)
    asked = request.query_params.get("leaver_years", "")
    params = {"leaver_years": asked} if asked.isdigit() else None
    due = await backends.get("journal", f"{base}/erasures/due", session.token, params=params)
    context: dict[str, Any] = {
        "erasures": list(reversed(listed["erasures"])),  # newest first
        "due": due,
        "asked_years": asked if asked.isdigit() else "",
        "can_erase": session.principal.has("admin"),
        "confirming": confirming,
        "result": words.result_of(request.query_params),
        "w": words,
        **form_context(request, refusal),
    }
    return render(request, "admin/erasures.html", context, status=status_of(refusal))


@router.post(ERASURES, summary="Erase a person's personal data (after the confirm step)")
@long_running  # the journal searches every lesson text of the school for the pupil's name
async def erase(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    kind, person = values.get("kind", ""), values.get("person", "")
    for name in ("kind", "person", "reason"):
        if not values.get(name) or (name == "kind" and kind not in words.KIND):
            return await _page(request, session, missing(FORM, values, name))
    if values.get("confirm") != "yes":
        shown = await _name_of(request, session, kind, person)
        return await _page(request, session, confirming={**values, "name": shown})
    path = f"{_school(session)}/people/{kind}/{seg(person)}/erasure"
    command: Command = ("journal", "POST", path)
    body = {"reason": values["reason"]}
    answer, refusal = await send_form(request, session, FORM, values, command, body)
    if refusal is not None:
        return await _page(request, session, refusal)
    return back_to(
        request,
        ERASURES,
        done="already" if answer["already_erased"] else "erased",
        kind=kind,
        person=person,
        keys=str(answer["keys_destroyed"]),
        apps=str(len(answer["applications"])),
    )


async def _name_of(request: Request, session: Session, kind: str, person: str) -> str | None:
    """The person's name in this school year's lists, to confirm who is erased (None: not
    in them, e.g. a pupil who left years ago; the API still knows them by id)."""
    backends, base = deps_of(request).backends, journal_year(request, session)
    try:
        if kind == "pupil":
            people = (await backends.get("journal", f"{base}/pupils", session.token))["pupils"]
            key = "pupil_id"
        else:
            people = (await backends.get("journal", f"{base}/roster", session.token))["staff"]
            key = "staff_id"
    except ApiRefused as error:
        if error.status in {401, 403}:
            raise
        return None
    return next((str(p["full_name"]) for p in people if p[key] == person), None)
