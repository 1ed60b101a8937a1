"""`/`: where a person lands (their start page, or the sign-in page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from services.common.webapp.session import session_of
from services.portal.domain.navigation import start_page

router = APIRouter(tags=["home"])


@router.get("/", summary="The start page of the signed-in person")
async def home(request: Request) -> RedirectResponse:
    session = session_of(request)
    target = start_page(session.principal.roles) if session else "/signin"
    return RedirectResponse(target, status_code=303)
