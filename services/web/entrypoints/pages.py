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
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.session import CsrfRefused, Session, SignInRequired, session_of
from services.web.application.ports import ApiRefused, ApiUnavailable, Deps
from services.web.domain.navigation import ROLE_NAMES, menu
from services.web.domain.school_year import school_year_of, year_label

TEMPLATES: Final = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.globals["year_label"] = year_label
templates.env.globals["role_names"] = ROLE_NAMES
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True

_REFUSAL_TEXT: Final = {
    401: "Нужно войти заново.",
    403: "У вас нет доступа к этой странице.",
    404: "Такой страницы нет.",
}


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
    """Turn sign-in, CSRF and API refusals, and outages, into pages."""

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)  # noqa: S101 - registered for it only
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        suffix = "&expired=1" if exc.expired else ""
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": f"/signin?next={target}"})
        return RedirectResponse(f"/signin?next={target}{suffix}", status_code=303)

    async def csrf(request: Request, _exc: Exception) -> Response:
        return refusal_page(request, 403, "csrf_failed", "Форма устарела: обновите страницу.")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiRefused)  # noqa: S101 - registered for it only
        if exc.status == 401:
            return await sign_in(request, SignInRequired(expired=True))
        return refusal_page(request, exc.status, exc.reason, exc.detail)

    async def unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiUnavailable)  # noqa: S101 - registered for it only
        page = render(request, "unavailable.html", {"api": exc.api}, status=503)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(CsrfRefused, csrf)
    app.add_exception_handler(ApiRefused, refused)
    app.add_exception_handler(ApiUnavailable, unavailable)


def refusal_page(request: Request, status: int, reason: str, detail: str) -> HTMLResponse:
    """The page of a refusal: what happened in Russian, the API's reason for the curious."""
    text = _REFUSAL_TEXT.get(status, "Запрос не выполнен.")
    context = {"status": status, "reason": reason, "detail": detail, "text": text}
    return render(request, "refused.html", context, status=status)
