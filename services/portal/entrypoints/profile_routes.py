"""`/profile`: the portal user's own label, «Как вас показывать в сообщениях».

The label is the user's own data (e.g. «мама Маши»), kept by the diary on the portal side and
shown after their role to the other participants of their threads. Saved with the diary's
`PUT /schools/{school}/me/label` under the form's Idempotency-Key; a refusal is shown beside
the field, with nothing recorded.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import Session, SignedIn
from services.portal.domain.message_forms import LABEL_MAX, label_errors, refusal_errors
from services.portal.domain.profile_page import shown_as
from services.portal.entrypoints.family_common import profile
from services.portal.entrypoints.form_parts import key_of, new_key, read_form
from services.portal.entrypoints.pages import deps_of, render

router = APIRouter(tags=["profile"])
_LABEL_FIELDS = {"label": "label"}


@router.get("/profile", summary="How I am shown in messages")
async def profile_page(request: Request, session: SignedIn, saved: int = 0) -> HTMLResponse:
    return await _page(request, session, saved=bool(saved))


@router.post("/profile", summary="Save how I am shown in messages")
async def save_label(request: Request, session: SignedIn) -> Response:
    fields, _files = await read_form(request)
    key = key_of(fields)
    label = fields.get("label", "").strip()
    errors = label_errors(label)
    if errors:  # nothing sent: the key stays unbound and the form keeps it
        return await _page(request, session, errors, fields, key, status=422)
    try:
        await deps_of(request).diary.send(
            "PUT",
            f"/schools/{deps_of(request).school}/me/label",
            session.token,
            json={"label": label},
            idempotency_key=key,
        )
    except ApiRefused as refused:
        shown = refusal_errors(refused.status, refused.reason, refused.errors, _LABEL_FIELDS)
        if shown is None:
            raise
        return await _page(request, session, shown, fields, new_key(), status=refused.status)
    return RedirectResponse("/profile?saved=1", status_code=303)


async def _page(
    request: Request,
    session: Session,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    key: str | None = None,
    *,
    saved: bool = False,
    status: int = 200,
) -> HTMLResponse:
    own = await profile(request, session)
    label = own.get("label")
    context: dict[str, Any] = {
        "profile": own,
        "label": label,
        "shown": shown_as(own, label),
        "errors": errors or {},
        "values": values if values is not None else {"label": label or ""},
        "key": key or new_key(),
        "saved": saved,
        "label_max": LABEL_MAX,
    }
    return render(request, "profile/index.html", context, status=status)
