"""Rendering the portal's pages: the Jinja2 environment, the common context, the error pages.

Every page is rendered through `render`, which adds the signed-in person, their menu, the CSRF
token and the school year. Refusals of the diary's API become the refusal page (403, 404), a
form's errors (shown by the page itself) or the outage page (503 with `Retry-After`), so a page
never answers 500 for what the API said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from services.common.webapp import pages as common_pages
from services.portal.application.ports import Deps
from services.portal.domain.navigation import ROLE_NAMES, menu

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
pages = common_pages.Pages(TEMPLATES, menu, {"role_names": ROLE_NAMES})
render = pages.render
school_year = pages.school_year
today = pages.today


def deps_of(request: Request) -> Deps:
    """The running app's Deps."""
    deps: Deps = request.app.state.deps
    return deps


def year_path(request: Request) -> str:
    """The diary API's path of this school and year: `/schools/<school>/years/<year>`."""
    return f"/schools/{deps_of(request).school}/years/{school_year(request)}"


def install_page_errors(app: FastAPI) -> None:
    """Turn sign-in, CSRF and API refusals, and outages, into the portal's pages."""
    common_pages.install_page_errors(app, render)


def refusal_page(request: Request, status: int, reason: str, detail: str) -> HTMLResponse:
    """The page of a refusal: what happened in Russian, the API's reason for the curious."""
    return common_pages.refusal(render, request, status, reason, detail)
