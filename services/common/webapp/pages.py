"""The error pages of both web apps: what a page shows when the person must sign in, a form is
stale, an API refuses, or an API is down (503 with `Retry-After`, never 500).

Each app renders with its own templates (`Render`); both name them `refused.html` (`status`,
`reason`, `detail`, `text`) and `unavailable.html` (`api`).
"""

from __future__ import annotations

from typing import Any, Final, Protocol
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.backends import ApiRefused, ApiUnavailable
from services.common.webapp.session import CsrfRefused, SignInRequired

REFUSAL_TEXT: Final = {
    401: "Нужно войти заново.",
    403: "У вас нет доступа к этой странице.",
    404: "Такой страницы нет.",
}


class Render(Protocol):
    """An app's page renderer: `template` with its common context and `context`."""

    def __call__(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse: ...


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
