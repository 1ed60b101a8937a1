"""A teacher UID's pages: «Мои классы», a class's grid of a subject, a class's day.

`/classes` lists the classes and subjects of the teacher's live grants (the diary's profile,
one call); `/classes/{class}/subjects/{subject}` is the grid of pupils × lessons of a period
(`?period=`, one of the class's periods or the whole year);
`/classes/{class}/days/{date}` the class's lessons of a day. The diary decides what the
teacher sees: a subject outside their grants is its refusal, shown as the refusal page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kernel.russian_dates import date_range, long_day
from services.common.webapp.session import Session, SignedIn
from services.portal.domain.class_day import class_day
from services.portal.domain.class_grid import grid_periods, grid_table
from services.portal.domain.marks import LETTER_MEANINGS
from services.portal.domain.my_classes import class_cards, class_label
from services.portal.entrypoints.family_common import (
    checked_date,
    checked_id,
    profile,
    with_profile,
)
from services.portal.entrypoints.pages import deps_of, render, year_path

router = APIRouter(tags=["classes"])


@router.get("/classes", summary="A teacher UID's classes and subjects")
async def my_classes(request: Request, session: SignedIn) -> HTMLResponse:
    cards = class_cards((await profile(request, session)).get("classes") or [])
    return render(request, "classes/index.html", {"cards": cards})


async def _class_day(
    request: Request, session: Session, class_id: str, day: dt.date
) -> dict[str, Any]:
    path = f"{year_path(request)}/classes/{class_id}/days/{day.isoformat()}"
    answer: dict[str, Any] = await deps_of(request).diary.get(path, session.token)
    return answer


@router.get(
    "/classes/{class_id}/subjects/{subject_id}",
    summary="A class's grid of a subject: pupils × lessons of a period",
)
async def class_grid(
    request: Request, session: SignedIn, class_id: str, subject_id: str, period: str = ""
) -> HTMLResponse:
    checked_id(class_id)
    checked_id(subject_id)
    params = {"period": checked_id(period)} if period else None
    path = f"{year_path(request)}/classes/{class_id}/subjects/{subject_id}"
    own, grid = await with_profile(request, session, path, params)
    table = grid_table(grid)
    # The class's periods (its grade's) come with the grid; an older diary's with the profile.
    period_text, choices = grid_periods(grid, grid.get("periods") or own.get("periods") or [])
    context = {
        "class_id": class_id,
        "subject_id": subject_id,
        "class_label": class_label(own.get("classes") or [], class_id),
        "table": table,
        "period": period_text,
        "days": date_range(table.starts_on, table.ends_on),
        "choices": choices,
        "letters": LETTER_MEANINGS,
    }
    return render(request, "classes/grid.html", context)


@router.get("/classes/{class_id}/days/{date}", summary="A class's lessons of a day")
async def class_day_page(
    request: Request, session: SignedIn, class_id: str, date: str
) -> HTMLResponse:
    checked_id(class_id)
    day = checked_date(date)
    answer, own = await asyncio.gather(
        _class_day(request, session, class_id, day), profile(request, session)
    )
    context = {
        "class_id": class_id,
        "class_label": class_label(own.get("classes") or [], class_id),
        "view": class_day(answer),
        "day_label": long_day(day),
    }
    return render(request, "classes/day.html", context)
