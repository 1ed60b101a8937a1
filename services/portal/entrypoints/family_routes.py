"""The family's diary: the child chooser (with each child's label) and a child's week and day.

`/children` lists the signed-in person's children (a parent with one child goes straight to
the child's week; a pupil sees only themself); each has a small form to say how the page should
call the child (the label is the parent's own data, kept by the diary, never a name from the
school). `/children/{pupil}/week/{date}` and `/children/{pupil}/day/{date}` show the lessons
with times, topics, homework and files, the child's marks and absences, and the days off
(holidays and vacations, by the school's names).

Every page asks the diary first, with the person's token, and renders only once it answered:
a refusal (another child, a revoked grant) is the refusal page, an outage the 503 page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kernel.russian_dates import date_range, long_day, short_day
from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import Session, SignedIn
from services.portal.domain.children import LABEL_MAX, Child, checked_label, children_of
from services.portal.domain.lesson_card import LessonCard, lesson_card
from services.portal.domain.marks import LETTER_MEANINGS
from services.portal.domain.plan_notes import DayOffNote, days_off_by_date
from services.portal.domain.week import group_by_day, monday_of, neighbour_weeks
from services.portal.entrypoints.family_common import (
    checked_date,
    checked_pupil,
    my_children,
    profile,
    some_children,
    the_child,
)
from services.portal.entrypoints.pages import deps_of, render, today, year_path

router = APIRouter(tags=["family"])
_KEY = Form(pattern=r"^[A-Za-z0-9._:-]{1,100}$")


def week_url(pupil: str, day: dt.date) -> str:
    """The address of the week containing `day` (by its Monday)."""
    return f"/children/{pupil}/week/{monday_of(day).isoformat()}"


@router.get("/children", summary="The child chooser, with each child's label")
async def children_page(
    request: Request, session: SignedIn, choose: int = 0, saved: str = ""
) -> Response:
    children = await some_children(request, session)
    if len(children) == 1 and not choose:
        return RedirectResponse(week_url(children[0].pupil, today(request)), status_code=303)
    return _chooser(request, children, saved=saved)


def _chooser(
    request: Request,
    children: list[Child],
    *,
    saved: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "children": children,
        "saved": saved,
        "errors": errors or {},
        "request_key": uuid.uuid4().hex,
        "label_max": LABEL_MAX,
        "this_week": monday_of(today(request)),
    }
    return render(request, "family/children.html", context, status=status)


@router.post("/children/{pupil}/label", summary="Say how the pages call a child")
async def set_label(
    request: Request,
    session: SignedIn,
    pupil: str,
    label: Annotated[str, Form()],
    request_key: Annotated[str, _KEY],
) -> Response:
    checked_pupil(pupil)
    wanted = checked_label(label)
    if wanted is None:
        error = f"Имя — от 1 до {LABEL_MAX} символов, без служебных знаков."
        return await _refused_label(request, session, pupil, error)
    try:
        await deps_of(request).diary.send(
            "PUT",
            f"/schools/{deps_of(request).school}/me/children/{pupil}/label",
            session.token,
            json={"label": wanted},
            idempotency_key=request_key,
        )
    except ApiRefused as refused:
        if refused.status != 422:
            raise
        return await _refused_label(request, session, pupil, "Такое имя сохранить нельзя.")
    return RedirectResponse(f"/children?choose=1&saved={pupil}", status_code=303)


async def _refused_label(
    request: Request, session: Session, pupil: str, error: str
) -> HTMLResponse:
    children = await my_children(request, session)
    return _chooser(request, children, errors={pupil: error}, status=422)


@router.get("/children/{pupil}", summary="A child's diary: this week")
async def child_home(request: Request, _session: SignedIn, pupil: str) -> RedirectResponse:
    checked_pupil(pupil)
    return RedirectResponse(week_url(pupil, today(request)), status_code=303)


@router.get("/children/{pupil}/week", summary="The week of a chosen date (the date form)")
async def chosen_week(
    request: Request, _session: SignedIn, pupil: str, date: str = ""
) -> RedirectResponse:
    checked_pupil(pupil)
    day = checked_date(date) if date else today(request)
    return RedirectResponse(week_url(pupil, day), status_code=303)


async def _lessons(
    request: Request, session: Session, pupil: str, what: str
) -> tuple[Child, list[LessonCard], dict[dt.date, DayOffNote]]:
    """The child (from the profile), the lessons of `what` (`days/<date>`, `weeks/<date>`) and
    its days off, asked at once; nothing is shown before both answered."""
    path = f"{year_path(request)}/pupils/{pupil}/{what}"
    mine, answer = await asyncio.gather(
        profile(request, session), deps_of(request).diary.get(path, session.token)
    )
    child = the_child(children_of(mine), pupil)
    cards = [lesson_card(lesson) for lesson in answer.get("lessons") or ()]
    return child, cards, days_off_by_date(answer.get("days_off"))


def _legend() -> list[tuple[str, str]]:
    return list(LETTER_MEANINGS.items())


@router.get("/children/{pupil}/week/{date}", summary="A child's week")
async def week_page(request: Request, session: SignedIn, pupil: str, date: str) -> HTMLResponse:
    checked_pupil(pupil)
    day = checked_date(date)
    monday = monday_of(day)
    what = f"weeks/{monday.isoformat()}"
    child, cards, days_off = await _lessons(request, session, pupil, what)
    days = group_by_day(cards, monday, lambda card: card.date)
    before, after = neighbour_weeks(monday)
    context: dict[str, Any] = {
        "child": child,
        "days": [
            {
                "date": d.date,
                "label": short_day(d.date),
                "lessons": d.lessons,
                "day_off": days_off.get(d.date),
            }
            for d in days
        ],
        "week_label": date_range(monday, monday + dt.timedelta(days=6)),
        "monday": monday,
        "before": before,
        "after": after,
        "is_this_week": monday == monday_of(today(request)),
        "legend_items": _legend(),
    }
    return render(request, "family/week.html", context)


@router.get("/children/{pupil}/day/{date}", summary="A child's day")
async def day_page(request: Request, session: SignedIn, pupil: str, date: str) -> HTMLResponse:
    checked_pupil(pupil)
    day = checked_date(date)
    child, cards, days_off = await _lessons(request, session, pupil, f"days/{day.isoformat()}")
    context: dict[str, Any] = {
        "child": child,
        "day": day,
        "day_label": long_day(day),
        "lessons": cards,
        "day_off": days_off.get(day),
        "before": day - dt.timedelta(days=1),
        "after": day + dt.timedelta(days=1),
        "is_today": day == today(request),
        "week": monday_of(day),
        "legend_items": _legend(),
    }
    return render(request, "family/day.html", context)
