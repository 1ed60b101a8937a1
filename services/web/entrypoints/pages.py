"""Rendering pages: the Jinja2 environment, the common context and the error pages.

Every page is rendered through `render`, which adds the signed-in person, their menu, the CSRF
token and the school year; refusals of the APIs become the refusal page (403), "not found"
(404), a form's errors (4xx, shown by the page itself) or the outage page (503 with
`Retry-After`), so that a page never answers 500 for what an API said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from services.common.webapp import pages as common_pages
from services.web.application.ports import Deps
from services.web.domain.navigation import ROLE_NAMES, menu

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
pages = common_pages.Pages(TEMPLATES, menu, {"role_names": ROLE_NAMES})
render = pages.render
school_year = pages.school_year
today = pages.today


def deps_of(request: Request) -> Deps:
    """The running app's Deps."""
    deps: Deps = request.app.state.deps
    return deps


def install_page_errors(app: FastAPI) -> None:
    """Turn sign-in, CSRF and API refusals, and outages, into the school's pages."""
    common_pages.install_page_errors(app, render)


def refusal_page(request: Request, status: int, reason: str, detail: str) -> HTMLResponse:
    """The page of a refusal: what happened in Russian, the API's reason for the curious."""
    return common_pages.refusal(render, request, status, reason, detail)
