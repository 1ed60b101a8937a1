"""«Что нового»: what changed in each child's diary, newest first, the changes since the last
visit marked «новое»; and the menu's count of unseen changes.

The feed is the diary's (`…/pupils/{pupil}/changes`), read with the person's token, so it shows
exactly what their week shows. Viewing the feed moves the child's "seen up to" marker to the
newest change (`PUT …/me/children/{pupil}/seen`, once, only forward, under an Idempotency-Key
naming that change), after the page's reads answered. The menu's badge is a fragment loaded by
htmx once a page is shown (`/news/badge`), so no other page waits for it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.common.webapp.session import Session, SignedIn
from services.portal.domain.children import Child, children_of
from services.portal.domain.news import marker_to_send, news_items
from services.portal.entrypoints.family_common import (
    checked_pupil,
    my_children,
    profile,
    some_children,
    the_child,
)
from services.portal.entrypoints.pages import deps_of, render, year_path

router = APIRouter(tags=["news"])
SHOWN: Final = 100
"""The newest changes a child's feed shows (the diary's default page)."""


def _tz(request: Request) -> dt.tzinfo:
    return ZoneInfo(request.app.state.settings.timezone)


async def _changes(
    request: Request, session: Session, pupil: str, after: int = 0
) -> dict[str, Any]:
    params = {"after": str(after), "limit": str(SHOWN)}
    path = f"{year_path(request)}/pupils/{pupil}/changes"
    answer: dict[str, Any] = await deps_of(request).diary.get(path, session.token, params)
    return answer


async def _mark_seen(request: Request, session: Session, child: Child, latest: int) -> None:
    """Move the child's marker to `latest` when that is forward (else nothing is sent)."""
    up_to = marker_to_send(latest, child.seen_up_to)
    if up_to is None:
        return
    await deps_of(request).diary.send(
        "PUT",
        f"/schools/{deps_of(request).school}/me/children/{child.pupil}/seen",
        session.token,
        json={"up_to": up_to},
        idempotency_key=f"seen-{up_to}",
    )


async def _feeds(
    request: Request, session: Session, children: list[Child], answers: list[dict[str, Any]]
) -> HTMLResponse:
    """The page of `children`'s feeds; their markers are moved before it is sent."""
    tz = _tz(request)
    feeds = [
        {
            "child": child,
            "items": news_items(answer.get("changes") or (), child.seen_up_to, tz),
        }
        for child, answer in zip(children, answers, strict=True)
    ]
    await asyncio.gather(
        *(
            _mark_seen(request, session, child, int(answer.get("latest") or 0))
            for child, answer in zip(children, answers, strict=True)
        )
    )
    return render(request, "family/news.html", {"feeds": feeds, "shown": SHOWN})


@router.get("/news", summary="Что нового: every child's changes")
async def news_page(request: Request, session: SignedIn) -> HTMLResponse:
    children = await some_children(request, session)
    answers = await asyncio.gather(*(_changes(request, session, c.pupil) for c in children))
    return await _feeds(request, session, children, list(answers))


@router.get("/children/{pupil}/news", summary="Что нового: one child's changes")
async def child_news_page(request: Request, session: SignedIn, pupil: str) -> HTMLResponse:
    checked_pupil(pupil)
    mine, answer = await asyncio.gather(
        profile(request, session), _changes(request, session, pupil)
    )
    child = the_child(children_of(mine), pupil)
    return await _feeds(request, session, [child], [answer])


@router.get("/news/badge", summary="The menu's count of unseen changes (an htmx fragment)")
async def news_badge(request: Request, session: SignedIn) -> HTMLResponse:
    children = await my_children(request, session)
    answers = await asyncio.gather(
        *(_changes(request, session, c.pupil, after=c.seen_up_to) for c in children)
    )
    counts = [len(answer.get("changes") or ()) for answer in answers]
    context = {"unseen": sum(counts), "more": any(n >= SHOWN for n in counts)}
    return render(request, "family/_badge.html", context)
