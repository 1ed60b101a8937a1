"""The lesson page: what the journal holds about a lesson, and its form saved as one whole-class
save (held, topic, homework, new marks, attendance), then the absence reasons and files.

Two ways in, one save (`application.lesson_save`): the page's script posts the form to
`/lessons/{class}/{lesson}/save` and gets JSON (saved, duplicate, each refused field's message,
the key for the next save); without the script the form posts to the page itself, which
redirects after a save or shows the form again with the refusal beside its fields.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from kernel.russian_dates import long_day
from services.common.limits import upload
from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.session import Session, SignedIn
from services.web.application.lesson_save import LessonRef, SaveOutcome, Upload, save_lesson
from services.web.application.ports import ApiUnavailable
from services.web.domain.assessment import assessment_of, mark_choices
from services.web.domain.diary_names import WARNING, parse_keys, places
from services.web.domain.lesson_entry import FORM, plan_save
from services.web.domain.lesson_page import (
    column_count,
    default_kind,
    kind_names,
    pupil_lines,
    scale_values,
    teacher_line,
    work_kinds,
)
from services.web.domain.periods import grade_of
from services.web.domain.teacher_day import STATUS
from services.web.entrypoints.pages import deps_of, render, school_year
from services.web.entrypoints.teacher_routes import checked_ids

router = APIRouter(tags=["lesson"])
UNAVAILABLE = "Журнал сейчас недоступен: ничего не записано, повторите сохранение позже."


def new_key() -> str:
    """A fresh idempotency key for the form's next save."""
    return secrets.token_urlsafe(18)


@router.get("/lessons/{class_id}/{lesson_id}", summary="The lesson page")
async def lesson_page(
    request: Request,
    session: SignedIn,
    class_id: str,
    lesson_id: str,
    saved: int = 0,
    named: str = "",
) -> HTMLResponse:
    state: dict[str, Any] = {"state": "saved"} if saved else {}
    if saved and named:
        state["named"] = parse_keys(named)
    return await _page(request, session, (class_id, lesson_id), state)


async def _save(
    request: Request, session: Session, class_id: str, lesson_id: str
) -> tuple[dict[str, str], str, SaveOutcome | None]:
    """Save the posted lesson page once (its key, or a new one): the fields, the key and the
    outcome (None: the journal is unavailable, nothing was recorded)."""
    fields, files = await _read_form(request)
    lesson = _lesson_ref(request, session, class_id, lesson_id)
    key = fields.get("key") or new_key()
    try:
        outcome = await save_lesson(
            deps_of(request).backends, lesson, key, plan_save(fields), files
        )
    except ApiUnavailable:
        return fields, key, None
    return fields, key, outcome


@router.post("/lessons/{class_id}/{lesson_id}", summary="Save the lesson page (without script)")
@upload("file_too_large")
async def save_form(request: Request, session: SignedIn, class_id: str, lesson_id: str) -> Response:
    fields, key, outcome = await _save(request, session, class_id, lesson_id)
    if outcome is None:
        state = {"state": "unavailable", "errors": {FORM: UNAVAILABLE}, "values": fields}
        page = await _page(request, session, (class_id, lesson_id), state, key=key, status=503)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page
    if outcome.saved and not outcome.errors:
        target = request.url.path + "?saved=1"
        if outcome.named:  # the page after the redirect shows the warning
            target += "&named=" + ",".join(outcome.named)
        return RedirectResponse(target, status_code=303)
    state = {
        "state": "partial" if outcome.saved else "refused",
        "errors": outcome.errors,
        "named": outcome.named,
    }
    if not outcome.saved:
        state["values"] = fields  # nothing was recorded: the form keeps what was typed
    return await _page(request, session, (class_id, lesson_id), state, status=outcome.status)


@router.post("/lessons/{class_id}/{lesson_id}/save", summary="Save the lesson page (JSON)")
@upload("file_too_large")
async def save_json(
    request: Request, session: SignedIn, class_id: str, lesson_id: str
) -> JSONResponse:
    _, key, outcome = await _save(request, session, class_id, lesson_id)
    if outcome is None:
        answer = {"saved": False, "duplicate": False, "errors": {FORM: UNAVAILABLE}, "key": key}
        return JSONResponse(answer, 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return JSONResponse(_answer(outcome), outcome.status)


def _answer(outcome: SaveOutcome) -> dict[str, Any]:
    """The save's answer to the page's script: a refusal bound the key, so a new one comes."""
    return {
        "saved": outcome.saved,
        "duplicate": outcome.duplicate,
        "shown": outcome.shown,
        "errors": outcome.errors,
        "warning": WARNING if outcome.named else "",
        "named": [
            {"key": p.key, "field_id": p.field_id, "label": p.label} for p in places(outcome.named)
        ],
        "key": new_key(),
    }


def _lesson_ref(request: Request, session: Session, class_id: str, lesson_id: str) -> LessonRef:
    checked_ids(class_id, lesson_id)
    return LessonRef(session.school, school_year(request), class_id, lesson_id, session.token)


async def _read_form(request: Request) -> tuple[dict[str, str], list[Upload]]:
    """The form's text fields (the last of each name) and its non-empty files."""
    form = await request.form()
    fields: dict[str, str] = {}
    files: list[Upload] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            if value.filename and content:
                media_type = value.content_type or "application/octet-stream"
                files.append(Upload(value.filename, content, media_type))
        else:
            fields[name] = value
    return fields, files


async def _page(
    request: Request,
    session: Session,
    ids: tuple[str, str],
    state: dict[str, Any],
    *,
    key: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The lesson page; `state` may carry the last save's state, errors and typed values."""
    class_id, lesson_id = ids
    lesson = _lesson_ref(request, session, class_id, lesson_id)
    backends = deps_of(request).backends
    detail, roster = await asyncio.gather(
        backends.get("journal", lesson.path, session.token),
        backends.get(
            "journal", f"/schools/{lesson.school}/years/{lesson.year}/roster", session.token
        ),
    )
    values: dict[str, str] = state.get("values", {})
    grade = grade_of(roster, class_id)
    assessment = assessment_of(roster, detail["subject_id"], grade)
    columns = column_count(request.query_params.get("columns"))
    columns = max(columns, len([n for n in values if n.startswith("kind.")]))
    context = {
        "lesson": detail,
        "date_text": long_day(dt.date.fromisoformat(detail["date"])),
        "status_text": STATUS.get(detail["status"], detail["status"]),
        "teacher_text": teacher_line(detail),
        "editable": detail["teacher"]["staff_id"] == session.user_id,
        "pupils": pupil_lines(detail, kind_names(roster)),
        "kinds": work_kinds(roster),
        "default_kind": default_kind(roster),
        "scale": scale_values(roster),
        "assessment": assessment,
        "choices": mark_choices(roster, detail["subject_id"], grade),
        "columns": 0 if assessment == "unmarked" else columns,
        "values": values,
        "errors": state.get("errors", {}),
        "state": state.get("state", ""),
        "named": places(state.get("named", ())),
        "diary_warning": WARNING,
        "key": key or new_key(),
    }
    return render(request, "teacher/lesson.html", context, status=status)
