"""Rendering the pages of both web apps, and their error pages.

`Pages` renders an app's templates with the common context (the signed-in person, their menu,
the CSRF token, the school year and today). The error pages are what a page shows when the
person must sign in, a form is stale, an API refuses, or an API is down (503 with
`Retry-After`, never 500); each app names them `refused.html` (`status`, `reason`, `detail`,
`text`) and `unavailable.html` (`api`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final, Generic, Protocol, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.common.clock import Clock
from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.backends import ApiRefused, ApiUnavailable
from services.common.webapp.school_year import school_year_of, year_label
from services.common.webapp.session import CsrfRefused, Session, SignInRequired, session_of

REFUSAL_TEXT: Final = {
    401: "Нужно войти заново.",
    403: "У вас нет доступа к этой странице.",
    404: "Такой страницы нет.",
}
DepsT = TypeVar("DepsT")
"""An app's own Deps (`services.web.application.ports.Deps`, the portal's)."""


class Render(Protocol):
    """An app's page renderer: `template` with its common context and `context`."""

    def __call__(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse: ...


class PageDeps(Protocol):
    """What rendering reads of an app's Deps."""

    @property
    def clock(self) -> Clock: ...
    @property
    def year(self) -> int | None: ...


COMMON_TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
"""The pages both apps show alike (a refusal, the city provider's refusal or outage), each
extending the app's own `base.html`; and the layouts the apps' own templates extend: `layout.html`
(every page: head, header, menu, footer) and `signin_layout.html` (the sign-in page)."""


class Pages(Generic[DepsT]):
    """An app's templates (its own first, then `COMMON_TEMPLATES`; trimmed blocks, `year_label`
    and the app's own globals) and the context every page gets: `session`, `menu`,
    `csrf_token`, `year`, `today`, `path`; with the app's error pages and its Deps (`DepsT`)."""

    def __init__(
        self,
        directory: Path,
        menu: Callable[[Iterable[str]], list[Any]],
        extra_globals: Mapping[str, Any],
    ) -> None:
        self.templates = Jinja2Templates(directory=[directory, COMMON_TEMPLATES])
        self.templates.env.globals["year_label"] = year_label
        self.templates.env.globals.update(extra_globals)
        self.templates.env.trim_blocks = True
        self.templates.env.lstrip_blocks = True
        self._menu = menu

    def deps_of(self, request: Request) -> DepsT:
        """The running app's Deps."""
        deps: DepsT = request.app.state.deps
        return deps

    @staticmethod
    def page_deps(request: Request) -> PageDeps:
        """The running app's Deps, as rendering reads them."""
        deps: PageDeps = request.app.state.deps
        return deps

    def school_year(self, request: Request) -> int:
        """The school year the page shows: `?year=`, else the configured one, else today's."""
        asked = request.query_params.get("year", "")
        if asked.isdigit() and len(asked) == 4:
            return int(asked)
        deps = self.page_deps(request)
        return deps.year or school_year_of(deps.clock.today())

    def today(self, request: Request) -> date:
        """The school's current date."""
        return self.page_deps(request).clock.today()

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """The page `template` with the common context and `context`."""
        session: Session | None = getattr(request.state, "session", None) or session_of(request)
        common: dict[str, Any] = {
            "session": session,
            "menu": self._menu(session.principal.roles) if session else [],
            "csrf_token": session.csrf if session else "",
            "year": self.school_year(request),
            "today": self.today(request),
            "path": request.url.path,
        }
        merged = {**common, **(context or {})}
        return self.templates.TemplateResponse(request, template, merged, status)

    def refusal_page(self, request: Request, status: int, reason: str, detail: str) -> HTMLResponse:
        """The page of a refusal: what happened in Russian, the API's reason for the curious."""
        return refusal(self.render, request, status, reason, detail)

    def install_page_errors(self, app: FastAPI) -> None:
        """Turn sign-in, CSRF and API refusals, and outages, into this app's pages."""
        install_page_errors(app, self.render)


def refusal(
    render: Render, request: Request, status: int, reason: str, detail: str
) -> HTMLResponse:
    """The page of a refusal: what happened in Russian, the API's reason for the curious."""
    text = REFUSAL_TEXT.get(status, "Запрос не выполнен.")
    context = {"status": status, "reason": reason, "detail": detail, "text": text}
    return render(request, "refused.html", context, status=status)


def install_page_errors(app: FastAPI, render: Render) -> None:
    """Turn sign-in, CSRF and API refusals, and outages, into pages."""

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)  # noqa: S101 - registered for it only
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        suffix = "&expired=1" if exc.expired else ""
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": f"/signin?next={target}"})
        return RedirectResponse(f"/signin?next={target}{suffix}", status_code=303)

    async def csrf(request: Request, _exc: Exception) -> Response:
        return refusal(render, request, 403, "csrf_failed", "Форма устарела: обновите страницу.")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiRefused)  # noqa: S101 - registered for it only
        if exc.status == 401:
            return await sign_in(request, SignInRequired(expired=True))
        return refusal(render, request, exc.status, exc.reason, exc.detail)

    async def unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiUnavailable)  # noqa: S101 - registered for it only
        page = render(request, "unavailable.html", {"api": exc.api}, status=503)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(CsrfRefused, csrf)
    app.add_exception_handler(ApiRefused, refused)
    app.add_exception_handler(ApiUnavailable, unavailable)
