"""The monthly check pages of the deputy director (УВР): the checks of the year with the form
that opens one, a check's findings and remarks; the deputy's actions on a check are
`check_action_routes`, its report `check_report_routes`.

Every page calls the journal with the signed-in person's token: the journal decides who may
read a check (the deputy, the head, the administrator) and who may act (the deputy). Hiding the
actions from the others is a convenience; their refusal page is the protection. Each action is
a plain form: POST, then a redirect back (after the journal's view shows the change); a refusal
is shown beside the form that caused it, with nothing recorded.
"""

from __future__ import annotations

import asyncio
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.common.limits import long_running
from services.common.webapp.session import Session, SignedIn
from services.web.application.checks import pupil_names, settle
from services.web.application.ports import ApiRefused
from services.web.domain.check_models import check_of, names_of
from services.web.domain.checks import (
    GroupBy,
    check_target,
    group_findings,
    is_token,
    month_label,
    natural_key,
    previous_month,
    refusal_text,
    remark_text,
    scope_label,
)
from services.web.entrypoints.check_forms import FormText, check_api, group_by, new_key, sent_key
from services.web.entrypoints.pages import deps_of, refusal_page, render

router = APIRouter(tags=["monthly check"])
_DONE: Final = {
    "opened": "Проверка открыта.",
    "issued": "Замечание выдано.",
    "confirmed": "Замечание подтверждено.",
    "reopened": "Замечание возвращено учителю.",
    "closed": "Проверка закрыта.",
}


# ---------------------------------------------------------------- the checks of the year


@router.get("/checks", summary="The checks of the school year and the form opening one")
async def checks_page(request: Request, session: SignedIn) -> Response:
    return await _checks_page(request, session)


@router.post("/checks", summary="Open the check of a month")
@long_running  # a whole school's month of lessons is read and its findings computed
async def open_check(
    request: Request,
    session: SignedIn,
    month: FormText = "",
    scope: FormText = "",
    class_id: FormText = "",
    teacher_id: FormText = "",
    key: FormText = "",
) -> Response:
    api = check_api(request, session)
    form = {"month": month, "scope": scope, "class_id": class_id, "teacher_id": teacher_id}
    try:
        check_id = await api.open(
            month, scope, check_target(scope, class_id, teacher_id), sent_key(key)
        )
    except ApiRefused as refused:
        error = refusal_text(refused.reason, refused.detail, refused.errors)
        return await _checks_page(request, session, form, error, refused.status)
    shown = await settle(lambda: api.check(check_id), lambda _check: True)
    return back_to_check(check_id, "teacher", "opened", pending=shown is None)


async def _checks_page(
    request: Request,
    session: Session,
    form: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    api = check_api(request, session)
    checks, roster = await asyncio.gather(api.checks(), api.roster())
    names = names_of(roster)
    teachers = {a["teacher_id"] for a in roster.get("assignments", [])}
    teachers |= {c["class_teacher_id"] for c in roster.get("classes", [])}
    context = {
        "checks": [
            {
                **check,
                "month_label": month_label(check["month"]),
                "scope_label": scope_label(check["scope"], check.get("target_id"), names),
                "opened_by_name": names.person(check.get("opened_by", "")),
            }
            for check in checks
        ],
        "classes": sorted(names.classes.items(), key=lambda c: natural_key(c[1])),
        "teachers": sorted(
            ((t, names.person(t)) for t in teachers if t), key=lambda t: natural_key(t[1])
        ),
        "form": form or {"month": previous_month(deps_of(request).clock.today()), "scope": "class"},
        "max_month": deps_of(request).clock.today().strftime("%Y-%m"),
        "error": error,
        "can_act": session.principal.has("deputy"),
        "new_key": new_key,
    }
    return render(request, "checks/list.html", context, status=status)


# ---------------------------------------------------------------- one check


@router.get("/checks/{check_id}", summary="A check: its findings grouped, its remarks, actions")
async def check_page(
    request: Request,
    session: SignedIn,
    check_id: str,
    by: str | None = None,
    done: str | None = None,
    pending: int = 0,
) -> Response:
    if not is_token(check_id):
        return refusal_page(request, 404, "check_not_found", "no such check")
    notice = _DONE.get(done or "", "")
    if notice and pending:
        notice += " Страница покажет изменение через несколько секунд: обновите её."
    return await check_view(request, session, check_id, group_by(by), notice=notice)


async def check_view(
    request: Request,
    session: Session,
    check_id: str,
    by: GroupBy,
    *,
    notice: str = "",
    refused: tuple[str, ApiRefused] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The check's page; a refused form's error (by the form's id) and values shown beside it."""
    api = check_api(request, session)
    raw, roster = await asyncio.gather(api.check(check_id), api.roster())
    check, names = check_of(raw), names_of(roster)
    errors: dict[str, str] = {}
    if refused:
        form_id, error = refused
        errors[form_id] = refusal_text(error.reason, error.detail, error.errors)
    context = {
        "check": check,
        "names": names,
        "by": by,
        "groups": group_findings(check, by, names),
        "pupils": await pupil_names(
            api, {f.class_id for f in check.now + check.at_opening if f.pupil_id}
        ),
        "month_label": month_label(check.month),
        "scope_label": scope_label(check.scope, check.target_id, names),
        "remark_text": lambda finding: remark_text(finding, names),
        "can_act": session.principal.has("deputy") and not check.closed,
        "notice": notice,
        "errors": errors,
        "values": values or {},
        "new_key": new_key,
    }
    status = refused[1].status if refused else 200
    return render(request, "checks/check.html", context, status=status)


def back_to_check(
    check_id: str, by: GroupBy, done: str, *, pending: bool, anchor: str = ""
) -> Response:
    """Back to the check's page after an action (with what was done, and whether the page may
    not show it yet)."""
    query = f"?by={by}&done={done}" + ("&pending=1" if pending else "")
    return RedirectResponse(f"/checks/{check_id}{query}{anchor}", status_code=303)
