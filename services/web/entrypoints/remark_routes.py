"""`/remarks`: the remarks of the deputy director addressed to the signed-in teacher, the open
ones first, each with its lesson and a button «исправлено» once the teacher fixed the journal.

The journal answers a teacher only their own remarks, and lets only the addressed teacher mark
one done; the page asks for the signed-in person's own list with their own token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.common.webapp.session import Session, SignedIn
from services.web.application.checks import settle
from services.web.application.ports import ApiRefused
from services.web.domain.check_models import remark_of
from services.web.domain.checks import is_token, refusal_text, split_remarks
from services.web.entrypoints.check_forms import check_api, new_key, sent_key
from services.web.entrypoints.pages import refusal_page, render

router = APIRouter(tags=["remarks"])
FormText = Annotated[str, Form()]


@router.get("/remarks", summary="The signed-in teacher's remarks")
async def remarks_page(
    request: Request, session: SignedIn, done: str | None = None, pending: int = 0
) -> Response:
    notice = ""
    if done == "resolved":
        notice = "Замечание отмечено как исправленное."
        if pending:
            notice += " Список покажет это через несколько секунд: обновите страницу."
    return await remarks_view(request, session, notice=notice)


async def remarks_view(
    request: Request,
    session: Session,
    *,
    notice: str = "",
    refused: tuple[str, ApiRefused] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The page; a refused form's error and note shown beside it (by the remark's id)."""
    api = check_api(request, session)
    remarks = [remark_of(r) for r in await api.teacher_remarks(session.user_id)]
    waiting, done = split_remarks(remarks)
    errors: dict[str, str] = {}
    if refused:
        remark_id, error = refused
        errors[remark_id] = refusal_text(error.reason, error.detail, error.errors)
    context = {
        "waiting": waiting,
        "done": done,
        "notice": notice,
        "errors": errors,
        "values": values or {},
        "new_key": new_key,
    }
    return render(
        request, "checks/remarks.html", context, status=refused[1].status if refused else 200
    )


@router.post("/remarks/{check_id}/{remark_id}/resolve", summary="Mark a remark done")
async def resolve_remark(
    request: Request,
    session: SignedIn,
    check_id: str,
    remark_id: str,
    note: FormText = "",
    key: FormText = "",
) -> Response:
    if not (is_token(check_id) and is_token(remark_id)):
        return refusal_page(request, 404, "remark_not_found", "no such remark")
    api = check_api(request, session)
    body = {"note": note.strip() or None}
    try:
        await api.act(check_id, f"remarks/{remark_id}/resolve", body, sent_key(key))
    except ApiRefused as refused:
        return await remarks_view(
            request, session, refused=(remark_id, refused), values={remark_id: note}
        )

    def resolved(remarks: list[dict[str, Any]]) -> bool:
        return any(r["remark_id"] == remark_id and r["status"] == "resolved" for r in remarks)

    shown = await settle(lambda: api.teacher_remarks(session.user_id), resolved)
    query = "?done=resolved" + ("&pending=1" if shown is None else "")
    return RedirectResponse(f"/remarks{query}#{remark_id}", status_code=303)
