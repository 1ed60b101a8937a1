"""Rendering pages: the Jinja2 environment, the common context and the error pages.

Every page is rendered through `render`, which adds the signed-in person, their menu, the CSRF
token and the school year; refusals of the APIs become the refusal page (403), "not found"
(404), a form's errors (4xx, shown by the page itself) or the outage page (503 with
`Retry-After`), so that a page never answers 500 for what an API said.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.common.webapp import pages as common_pages
from services.common.webapp.school_year import school_year_of, year_label
from services.common.webapp.session import Session, session_of
from services.web.application.ports import Deps
from services.web.domain.navigation import ROLE_NAMES, menu

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.globals["year_label"] = year_label
templates.env.globals["role_names"] = ROLE_NAMES
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def deps_of(request: Request) -> Deps:
    """The running web's Deps."""
    deps: Deps = request.app.state.deps
    return deps


def school_year(request: Request) -> int:
    """The school year the page shows: `?year=`, else the configured one, else today's."""
    asked = request.query_params.get("year", "")
    if asked.isdigit() and len(asked) == 4:
        return int(asked)
    deps = deps_of(request)
    return deps.year or school_year_of(deps.clock.today())


def today(request: Request) -> date:
    """The school's current date."""
    return deps_of(request).clock.today()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """The page `template` with the common context: `session`, `menu`, `csrf_token`, `year`."""
    session: Session | None = getattr(request.state, "session", None) or session_of(request)
    common: dict[str, Any] = {
        "session": session,
        "menu": menu(session.principal.roles) if session else [],
        "csrf_token": session.csrf if session else "",
        "year": school_year(request),
        "today": today(request),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, template, {**common, **(context or {})}, status)


def install_page_errors(app: FastAPI) -> None:
    """Turn sign-in, CSRF and API refusals, and outages, into the school's pages."""
    common_pages.install_page_errors(app, render)


def refusal_page(request: Request, status: int, reason: str, detail: str) -> HTMLResponse:
    """The page of a refusal: what happened in Russian, the API's reason for the curious."""
    return common_pages.refusal(render, request, status, reason, detail)
