"""«История изменений» (`/audit`): the history of a lesson or of a pupil's marks in a subject,
and a class journal page exactly as it stood at a chosen moment, each linking to the others.

Read-only pages for the auditor, the head and the deputy director: the audit service answers
those roles only (DESIGN.md §6), and every page calls it with the person's own token, so
anyone else gets the refusal page. The journal's roster only names classes and subjects in the
choosers; the auditor, whom the journal does not answer, types their ids.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import ApiRefused
from services.web.domain.audit_verify import anchor_lines
from services.web.domain.audit_view import (
    history_rows,
    local_input,
    moment_of,
    pupil_options,
    when_text,
)
from services.web.domain.class_teacher import classes_of, month_of
from services.web.domain.grid import build_table
from services.web.domain.lesson_page import kind_names
from services.web.domain.periods import chosen_range, class_periods
from services.web.entrypoints.pages import deps_of, render, school_year, today
from services.web.entrypoints.teacher_routes import checked_ids

router = APIRouter(tags=["audit"])
JOURNAL_READERS: Final = ("head", "deputy", "admin")
_NOT_FOUND: Final = 404
_FORBIDDEN: Final = 403


def zone_of(request: Request) -> ZoneInfo:
    """The school's time zone: moments are typed and shown in it."""
    return ZoneInfo(request.app.state.settings.timezone)


def audit_base(request: Request, session: Session) -> str:
    """The audit's path of the school (and year, for the journal's histories)."""
    return f"/audit/v1/schools/{session.school}"


async def _audit(request: Request, session: Session, path: str, **params: str) -> Any:  # noqa: ANN401 - the API's JSON answer
    return await deps_of(request).backends.get(
        "audit", audit_base(request, session) + path, session.token, params=params or None
    )


async def _roster(request: Request, session: Session) -> dict[str, Any] | None:
    """The journal's roster for the choosers; None when the journal does not answer the
    person (the auditor): then ids are typed."""
    roster: dict[str, Any] | None = await _journal_or_none(request, session, "/roster")
    return roster


async def _journal_or_none(request: Request, session: Session, path: str) -> Any:  # noqa: ANN401 - the API's JSON answer
    """A journal read that only helps a chooser: None when the journal refuses the person."""
    base = f"/schools/{session.school}/years/{school_year(request)}"
    try:
        return await deps_of(request).backends.get("journal", base + path, session.token)
    except ApiRefused as refused:
        if refused.status != _FORBIDDEN:
            raise
        return None


@router.get("/audit", summary="История изменений: choose a lesson, a pupil or a page")
async def audit_index(request: Request, session: SignedIn) -> Response:
    return await index_view(request, session)


async def index_view(
    request: Request,
    session: Session,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The choosers (a refused one with its message) and how far the journal is sealed."""
    anchors, roster, pupils = await asyncio.gather(
        _audit(request, session, "/anchors"),
        _roster(request, session),
        _journal_or_none(request, session, "/pupils"),
    )
    first, last = month_of(today(request))
    context = {
        "anchors": anchor_lines(anchors),
        "choices": _choices(roster),
        "pupils": pupil_options(pupils, roster),
        "errors": errors or {},
        "values": {"from": first.isoformat(), "to": last.isoformat(), **(values or {})},
    }
    return render(request, "audit/index.html", context, status=status)


def _choices(roster: dict[str, Any] | None) -> dict[str, list[tuple[str, str]]] | None:
    if roster is None:
        return None
    subjects = [(str(s["subject_id"]), str(s["name"])) for s in roster.get("subjects", [])]
    return {
        "classes": [(c.class_id, c.label) for c in classes_of(roster)],
        "subjects": sorted(subjects, key=lambda s: s[1]),
    }


@router.get("/audit/lesson", summary="The history of a lesson, and the lesson at a moment")
async def lesson_history(
    request: Request,
    session: SignedIn,
    class_id: str = "",
    lesson_id: str = "",
    at: str | None = None,
) -> Response:
    values = {"class_id": class_id, "lesson_id": lesson_id}
    if not (class_id and lesson_id):
        return await _missing(request, session, "lesson", values)
    checked_ids(class_id, lesson_id)
    moment = moment_of(at, zone_of(request))
    base = f"/years/{school_year(request)}/classes/{class_id}/lessons/{lesson_id}"
    try:
        history, lesson = await asyncio.gather(
            _audit(request, session, base + "/history"),
            _audit(request, session, base, **_at(moment)),
        )
    except ApiRefused as refused:
        return await _not_found(request, session, refused, "lesson", values)
    day = dt.date.fromisoformat(lesson["date"])
    context = {
        **values,
        **_moments(request, moment, lesson.get("at")),
        "lesson": lesson,
        "rows": history_rows(history.get("entries", []), zone_of(request)),
        "date_text": f"{day:%d.%m.%Y}",
        "month": month_of(day),
        "reads_journal": session.principal.has(*JOURNAL_READERS),
    }
    return render(request, "audit/lesson.html", context)


def _at(moment: dt.datetime | None) -> dict[str, str]:
    """The audit's `at` for a moment asked (none: the present)."""
    return {"at": moment.isoformat()} if moment else {}


def _moments(request: Request, asked: dt.datetime | None, answered: object) -> dict[str, Any]:
    """The moment shown (the audit's `at`), the moment field's value, whether one was asked."""
    zone = zone_of(request)
    return {
        "moment": when_text(answered if isinstance(answered, str) else None, zone),
        "moment_input": local_input(asked or dt.datetime.now(dt.UTC), zone),
        "asked_moment": asked is not None,
    }


@router.get("/audit/marks", summary="The history of a pupil's marks in a subject")
async def marks_history(
    request: Request, session: SignedIn, pupil_id: str = "", subject_id: str = ""
) -> Response:
    values = {"pupil_id": pupil_id, "subject_id": subject_id}
    if not (pupil_id and subject_id):
        return await _missing(request, session, "marks", values)
    checked_ids(pupil_id, subject_id)
    path = f"/years/{school_year(request)}/pupils/{pupil_id}/subjects/{subject_id}/marks/history"
    try:
        history = await _audit(request, session, path)
    except ApiRefused as refused:
        return await _not_found(request, session, refused, "marks", values)
    rows = history_rows(history.get("entries", []), zone_of(request))
    pupil = next(
        (c.after for r in rows for c in r.changes if c.field == "ученик" and c.after), pupil_id
    )
    context = {"pupil_id": pupil_id, "subject_id": subject_id, "pupil": pupil, "rows": rows}
    return render(request, "audit/marks.html", context)


@router.get("/audit/grid", summary="A class journal page as it stood at a moment")
async def grid_as_of(
    request: Request,
    session: SignedIn,
    class_id: str = "",
    subject_id: str = "",
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    at: str | None = None,
) -> Response:
    values = {"class_id": class_id, "subject_id": subject_id}
    values |= {"from": date_from or "", "to": date_to or ""}
    if not (class_id and subject_id):
        return await _missing(request, session, "grid", values)
    checked_ids(class_id, subject_id)
    moment = moment_of(at, zone_of(request))
    first, last = chosen_range(date_from, date_to, month_of(today(request)))
    params = {"from": first.isoformat(), "to": last.isoformat(), **_at(moment)}
    path = f"/years/{school_year(request)}/classes/{class_id}/subjects/{subject_id}/grid"
    try:
        grid, roster = await asyncio.gather(
            _audit(request, session, path, **params), _roster(request, session)
        )
    except ApiRefused as refused:
        return await _not_found(request, session, refused, "grid", values)
    context = {
        "class_id": class_id,
        "subject_id": subject_id,
        "first": first,
        "last": last,
        "grid": grid,
        "table": build_table(grid, kind_names(roster) if roster else {}, {}),
        "periods": class_periods(roster, class_id) if roster else [],
        **_moments(request, moment, grid.get("at")),
        "at": grid.get("at", ""),
        "reads_journal": session.principal.has(*JOURNAL_READERS),
    }
    return render(request, "audit/grid.html", context)


async def _missing(
    request: Request, session: Session, form: str, values: dict[str, str]
) -> Response:
    """A chooser sent half-filled: back to the choosers with the message beside it."""
    errors = {form: "Заполните все поля."}
    return await index_view(request, session, errors=errors, values=values, status=422)


async def _not_found(
    request: Request, session: Session, refused: ApiRefused, form: str, values: dict[str, str]
) -> Response:
    """The audit knows nothing under what was asked: said beside the chooser (404). Any
    other refusal (403: not an audit reader) is the refusal page."""
    if refused.status != _NOT_FOUND:
        raise refused
    errors = {form: f"Ничего не найдено: {refused.detail} ({refused.reason})."}
    return await index_view(request, session, errors=errors, values=values, status=404)
