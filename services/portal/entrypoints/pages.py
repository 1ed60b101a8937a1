"""Rendering the portal's pages: the Jinja2 environment, the common context, the error pages.

Every page is rendered through `render`, which adds the signed-in person, their menu, the CSRF
token and the school year. Refusals of the diary's API become the refusal page (403, 404), a
form's errors (shown by the page itself) or the outage page (503 with `Retry-After`), so a page
never answers 500 for what the API said. How is shared with the school's pages
(`services.common.webapp.pages.Pages`); the templates, the menu and the Deps are the portal's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import Request

from services.common.webapp.pages import Pages
from services.portal.application.ports import Deps
from services.portal.domain.navigation import ROLE_NAMES, menu

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
pages: Final = Pages[Deps](TEMPLATES, menu, {"role_names": ROLE_NAMES})
render, school_year, today, deps_of = pages.render, pages.school_year, pages.today, pages.deps_of
install_page_errors, refusal_page = pages.install_page_errors, pages.refusal_page


def year_path(request: Request) -> str:
    """The diary API's path of this school and year: `/schools/<school>/years/<year>`."""
    return f"/schools/{deps_of(request).school}/years/{school_year(request)}"
