"""«Мой класс» (`/class`): the class teacher's class over a range of dates — the journal of
every subject in one pupils × subjects table, every absence with its reason and a form to give
the reason later, and who can read each pupil's diary.

The page calls the journal and the enrollment with the person's own token: the journal lets a
class teacher read every subject of their class and give absence reasons; the enrollment tells
who can read a diary only to the administration, so a class teacher sees that section refused,
in words (DESIGN.md §6). The head, the deputy and the administrator choose any class.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from kernel.russian_dates import full_date
from services.common.webapp.session import Session, SignedIn
from services.web.application.checks import settle
from services.web.application.class_overview import ClassApi
from services.web.application.ports import ApiRefused
from services.web.domain.class_absences import (
    REASONS,
    absence_rows,
    absences_in,
    lessons_with_absences,
    refusal_text,
)
from services.web.domain.class_teacher import (
    READS_ALL,
    ClassRef,
    classes_of,
    current_pupils,
    led_by,
    month_choices,
    month_of,
    staff_names,
    subjects_of,
    summary,
)
from services.web.domain.diary_access import access_lines
from services.web.domain.periods import chosen_range, class_periods
from services.web.entrypoints.pages import deps_of, render, school_year, today
from services.web.entrypoints.teacher_routes import checked_ids

router = APIRouter(tags=["class teacher"])
WRITERS: Final = ("teacher", "admin", "deputy")
"""Roles the journal may let give a reason (a teacher of the lesson or class; the
administration as a correction): the form is offered to them. The journal decides."""
_FORM_FIELDS: Final = ("class_id", "lesson_id", "pupil_id", "reason", "evidence", "correction")


@dataclass(frozen=True, slots=True)
class Asked:
    """What the address asks for: a class (default: the person's own) and a range."""

    class_id: str | None
    date_from: str | None
    date_to: str | None


@dataclass(frozen=True, slots=True)
class FormState:
    """A refused reason form: its row, the message, what was typed."""

    key: str
    message: str
    values: dict[str, str]


def class_api(request: Request, session: Session) -> ClassApi:
    """The APIs of the page with the person's token, for the school year shown."""
    return ClassApi(deps_of(request).backends, session.token, session.school, school_year(request))


@router.get("/class", summary="Мой класс: the class teacher's class, absences, diary access")
async def my_class(
    request: Request,
    session: SignedIn,
    class_id: str | None = None,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    saved: str | None = None,
) -> Response:
    notice = "Причина сохранена." if saved else ""
    return await class_view(request, session, Asked(class_id, date_from, date_to), notice=notice)


async def class_view(
    request: Request,
    session: Session,
    asked: Asked,
    *,
    notice: str = "",
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    """The page (a refused form shown beside its row, with the refusal's status)."""
    api = class_api(request, session)
    roster = await api.roster()
    classes = classes_of(roster)
    mine = led_by(classes, session.user_id)
    class_id = asked.class_id or (mine[0].class_id if mine else None)
    if class_id is None:
        others = classes if session.principal.has(*READS_ALL) else []
        return render(request, "classteacher/none.html", {"classes": others}, status=status)
    checked_ids(class_id)
    klass = next((c for c in classes if c.class_id == class_id), None)
    if klass is None:
        raise ApiRefused(404, "class_not_found", f"no class {class_id!r} this school year")
    context = await _class_context(request, api, roster, klass, asked)
    context |= {
        "mine": mine,
        "classes": classes if session.principal.has(*READS_ALL) else mine,
        "can_write": session.principal.has(*WRITERS),
        "reads_all": session.principal.has(*READS_ALL),
        "notice": notice,
        "form": form,
        "reasons": REASONS,
    }
    return render(request, "classteacher/class.html", context, status=status)


async def _class_context(
    request: Request, api: ClassApi, roster: dict[str, Any], klass: ClassRef, asked: Asked
) -> dict[str, Any]:
    """The class's journal, absences and diary access over the range asked."""
    day = today(request)
    first, last = chosen_range(asked.date_from, asked.date_to, month_of(day))
    subjects = subjects_of(roster, klass.class_id)
    members, grids = await asyncio.gather(
        api.members(klass.class_id),
        api.grids(klass.class_id, [s.subject_id for s in subjects], first, last),
    )
    refs = absences_in(subjects, grids)
    pupils = current_pupils(members, day)
    details, (access, refused) = await asyncio.gather(
        api.lessons(klass.class_id, lessons_with_absences(refs)),
        api.diary_access([p for p, _ in pupils], day),
    )
    names = staff_names(roster)
    periods = class_periods(roster, klass.class_id)
    return {
        "klass": klass,
        "class_teacher": names.get(klass.class_teacher_id, klass.class_teacher_id),
        "first": first,
        "last": last,
        "range_text": f"{full_date(first)} — {full_date(last)}",
        "months": month_choices(*_year_bounds(roster, school_year(request))),
        "summary": summary(subjects, grids, members),
        "absences": absence_rows(refs, details, names, periods),
        "periods": periods,
        "access": access_lines(pupils, access, {s.subject_id: s.name for s in subjects}),
        "access_refused": refused,
        "access_day": full_date(day),
    }


def _year_bounds(roster: dict[str, Any], year: int) -> tuple[dt.date, dt.date]:
    starts, ends = roster.get("starts_on"), roster.get("ends_on")
    return (
        dt.date.fromisoformat(starts) if starts else dt.date(year, 9, 1),
        dt.date.fromisoformat(ends) if ends else dt.date(year + 1, 5, 31),
    )


@router.post("/class/absences", summary="Give the reason of an absence (the journal decides)")
async def absence_reason(request: Request, session: SignedIn) -> Response:
    received = await request.form()
    values = {name: str(received.get(name) or "").strip() for name in (*_FORM_FIELDS, "from", "to")}
    class_id, lesson_id, pupil_id = values["class_id"], values["lesson_id"], values["pupil_id"]
    checked_ids(class_id, lesson_id, pupil_id)
    asked = Asked(class_id, values["from"] or None, values["to"] or None)
    key = f"{lesson_id}--{pupil_id}"
    if values["reason"] not in REASONS:
        message = refusal_text("unknown_reason", "")
        return await class_view(
            request, session, asked, form=FormState(key, message, values), status=422
        )
    body = {"reason": values["reason"], "evidence": values["evidence"] or None}
    if values["correction"]:
        body["correction_reason"] = values["correction"]
    api = class_api(request, session)
    try:
        await api.set_reason(class_id, lesson_id, pupil_id, body)
    except ApiRefused as refused:
        if refused.status == 401:
            raise
        message = refusal_text(refused.reason, refused.detail, refused.errors)
        form = FormState(key, message, values)
        return await class_view(request, session, asked, form=form, status=refused.status)
    await settle(lambda: api.lesson(class_id, lesson_id), lambda d: _shows(d, pupil_id, body))
    query = {"class_id": class_id, "from": values["from"], "to": values["to"], "saved": key}
    target = "/class?" + urlencode({k: v for k, v in query.items() if v}) + f"#row-{key}"
    return RedirectResponse(target, status_code=303)


def _shows(detail: dict[str, Any], pupil_id: str, body: dict[str, str | None]) -> bool:
    """The journal's view shows the reason given (it follows the record a moment later)."""
    absences: list[dict[str, Any]] = detail.get("absences", [])
    record = next((a for a in absences if a.get("pupil_id") == pupil_id), {})
    return (record.get("reason"), record.get("evidence")) == (body["reason"], body["evidence"])
