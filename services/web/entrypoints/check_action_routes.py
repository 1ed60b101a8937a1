"""The deputy director's actions on a check's page: issue a remark about a finding, confirm a
resolved remark or return it to the teacher, close the check.

Each is a plain form: POST, then a redirect back to the check (after the journal's view shows
the change); a refusal is shown beside the form that caused it, with nothing recorded. The
journal decides who may act (the deputy).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common.webapp.session import SignedIn
from services.web.application.checks import settle
from services.web.application.ports import ApiRefused
from services.web.domain.checks import is_token
from services.web.entrypoints.check_forms import FormText, check_api, group_by, sent_key
from services.web.entrypoints.check_routes import back_to_check, check_view
from services.web.entrypoints.pages import refusal_page

router = APIRouter(tags=["monthly check"])


@router.post("/checks/{check_id}/remarks", summary="Issue a remark about a finding")
async def issue_remark(
    request: Request,
    session: SignedIn,
    check_id: str,
    finding_id: FormText = "",
    text: FormText = "",
    by: FormText = "",
    key: FormText = "",
) -> Response:
    if not is_token(check_id):
        return refusal_page(request, 404, "check_not_found", "no such check")
    api, grouping = check_api(request, session), group_by(by)
    body = {"text": text, "finding_id": finding_id or None}
    try:
        remark_id = await api.issue(check_id, body, sent_key(key))
    except ApiRefused as refused:
        form_id = f"issue:{finding_id}"
        return await check_view(
            request, session, check_id, grouping, refused=(form_id, refused), values={form_id: text}
        )

    def issued(raw: dict[str, Any]) -> bool:
        return any(r["remark_id"] == remark_id for r in raw.get("remarks", []))

    shown = await settle(lambda: api.check(check_id), issued)
    return back_to_check(
        check_id, grouping, "issued", pending=shown is None, anchor=f"#{remark_id}"
    )


@router.post(
    "/checks/{check_id}/remarks/{remark_id}/{action}",
    summary="Confirm a resolved remark, or return it to the teacher with a reason",
)
async def answer_remark(
    request: Request,
    session: SignedIn,
    check_id: str,
    remark_id: str,
    action: str,
    reason: FormText = "",
    by: FormText = "",
    key: FormText = "",
) -> Response:
    if action not in {"confirm", "reopen"} or not (is_token(check_id) and is_token(remark_id)):
        return refusal_page(request, 404, "not_found", "no such remark or action")
    api, grouping = check_api(request, session), group_by(by)
    body = {"reason": reason} if action == "reopen" else None
    try:
        await api.act(check_id, f"remarks/{remark_id}/{action}", body, sent_key(key))
    except ApiRefused as refused:
        form_id = f"{action}:{remark_id}"
        return await check_view(
            request,
            session,
            check_id,
            grouping,
            refused=(form_id, refused),
            values={form_id: reason},
        )
    wanted = "confirmed" if action == "confirm" else "reopened"

    def answered(raw: dict[str, Any]) -> bool:
        return any(
            r["remark_id"] == remark_id and r["status"] == wanted for r in raw.get("remarks", [])
        )

    shown = await settle(lambda: api.check(check_id), answered)
    return back_to_check(check_id, grouping, wanted, pending=shown is None, anchor=f"#{remark_id}")


@router.post("/checks/{check_id}/close", summary="Close the check")
async def close_check(
    request: Request, session: SignedIn, check_id: str, by: FormText = "", key: FormText = ""
) -> Response:
    if not is_token(check_id):
        return refusal_page(request, 404, "check_not_found", "no such check")
    api, grouping = check_api(request, session), group_by(by)
    try:
        await api.act(check_id, "close", None, sent_key(key))
    except ApiRefused as refused:
        return await check_view(request, session, check_id, grouping, refused=("close", refused))
    shown = await settle(lambda: api.check(check_id), lambda raw: bool(raw.get("closed")))
    return back_to_check(check_id, grouping, "closed", pending=shown is None)
