"""The teacher's pages: «Мой день» (the lessons of a day and what is still missing on each; a
holiday or vacation of the school calendar named) and the homework files of a lesson, passed
through from the journal.

The lesson page itself is `lesson_routes`. Every page calls the journal with the person's own
token, so the journal's access rules apply unchanged (DESIGN.md §6).
"""

from __future__ import annotations

import asyncio
import re
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kernel.russian_dates import long_day
from services.common.webapp.session import SignedIn
from services.web.application.ports import ApiRefused
from services.web.domain.days_off import day_off_on, days_off_of
from services.web.domain.teacher_day import (
    STATUS,
    chosen_day,
    missing_labels,
    neighbours,
)
from services.web.entrypoints.pages import deps_of, render, school_year, today

router = APIRouter(tags=["teacher"])
_ID: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def checked_ids(*ids: str) -> None:
    """Ids of the page's address go into the API's paths: anything but an id is «not found»."""
    if not all(_ID.match(i) for i in ids):
        raise ApiRefused(404, "not_found", "no such page")


@router.get("/day", summary="Мой день: the teacher's lessons of a day")
async def my_day(request: Request, session: SignedIn, date: str | None = None) -> HTMLResponse:
    day = chosen_day(date, today(request))
    base = f"/schools/{session.school}/years/{school_year(request)}"
    backends = deps_of(request).backends
    answer, roster = await asyncio.gather(
        backends.get(
            "journal",
            f"{base}/teachers/{session.user_id}/day",
            session.token,
            params={"date": day.isoformat()},
        ),
        backends.get("journal", f"{base}/roster", session.token),
    )
    lessons = [
        {
            **lesson,
            "status_text": STATUS.get(lesson["status"], lesson["status"]),
            "missing_text": missing_labels(lesson.get("missing", [])),
        }
        for lesson in answer.get("lessons", [])
    ]
    before, after = neighbours(day)
    context = {
        "day": day,
        "day_text": long_day(day),
        "before": before,
        "after": after,
        "lessons": lessons,
        "is_today": day == today(request),
        "day_off": day_off_on(days_off_of(roster), day),
    }
    return render(request, "teacher/day.html", context)


@router.get(
    "/lessons/{class_id}/{lesson_id}/attachments/{attachment_id}",
    summary="A homework file of a lesson (the journal's download, passed through)",
)
async def homework_file(
    request: Request, session: SignedIn, class_id: str, lesson_id: str, attachment_id: str
) -> Response:
    checked_ids(class_id, lesson_id, attachment_id)
    year = school_year(request)
    path = (
        f"/schools/{session.school}/years/{year}/classes/{class_id}/lessons/{lesson_id}"
        f"/homework/attachments/{attachment_id}"
    )
    file = await deps_of(request).backends.download("journal", path, session.token)
    return file.response()
