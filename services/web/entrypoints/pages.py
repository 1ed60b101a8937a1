"""Rendering pages: the Jinja2 environment, the common context and the error pages.

Every page is rendered through `render`, which adds the signed-in person, their menu, the CSRF
token and the school year; refusals of the APIs become the refusal page (403), "not found"
(404), a form's errors (4xx, shown by the page itself) or the outage page (503 with
`Retry-After`), so that a page never answers 500 for what an API said. How is shared with the
portal (`services.common.webapp.pages.Pages`); the templates, the menu and the Deps are the
school's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from services.common.webapp.pages import Pages
from services.web.application.ports import Deps
from services.web.domain.navigation import ROLE_NAMES, menu

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
pages: Final = Pages[Deps](TEMPLATES, menu, {"role_names": ROLE_NAMES})
render, school_year, today, deps_of = pages.render, pages.school_year, pages.today, pages.deps_of
install_page_errors, refusal_page = pages.install_page_errors, pages.refusal_page
